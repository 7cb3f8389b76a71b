// The notifier of every chat channel reached through AWS Chatbot (Slack, Microsoft Teams): its
// queue receives the events that pass the channel's filter, and each becomes a custom notification
// (lambdas/domain/chatbot-notification.ts) on the chat topic Chatbot posts from, threaded per task.
import { SNSClient } from '@aws-sdk/client-sns';
import { ChatTopicDelivery } from '../adapters/chat-topic';
import { sdkClientConfig } from '../shared/sdk-clients';
import { readChatTopicNotifierConfig } from './chat-topic-config';
import { notifierHandler } from './lambda-handler';

/**
 * A chat channel's notifier module: its configuration is read once, when the module loads, and
 * `newHandler` gives a handler with the state of one Lambda instance of its own (see
 * channels/slack-webhook/notifier.ts).
 */
export function chatTopicNotifier(channel: string) {
  const config = readChatTopicNotifierConfig(channel);
  const newHandler = () =>
    notifierHandler(
      new ChatTopicDelivery(new SNSClient(sdkClientConfig()), config.chatTopicArn, channel),
      config,
    );
  return { newHandler, handler: newHandler() };
}
