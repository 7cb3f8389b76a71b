// The variable of every notifier that publishes to a chat topic read by AWS Chatbot (the Slack and
// Teams channels), set by lib/channel/chatbot-client-channel.ts.
import { type Env, type NotifierConfig, readNotifierConfig, topicArn } from '../shared/config';

/** The variable holding the chat topic's ARN. */
export const CHAT_TOPIC_VARIABLE = 'CHAT_TOPIC_ARN';

/** Settings of a chat-topic notifier. */
export interface ChatTopicNotifierConfig extends NotifierConfig {
  chatTopicArn: string;
}

/** Reads a chat-topic notifier's configuration. @throws ConfigurationError naming the bad variable */
export function readChatTopicNotifierConfig(
  channel: string,
  env: Env = process.env,
): ChatTopicNotifierConfig {
  return { ...readNotifierConfig(channel, env), chatTopicArn: topicArn(env, CHAT_TOPIC_VARIABLE) };
}
