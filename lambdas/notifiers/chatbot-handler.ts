// Lambda entry point of the Chatbot notifier: its queue receives the events that pass the chat
// filter, and each becomes a custom notification on the chat topic AWS Chatbot posts from.
import { SNSClient } from '@aws-sdk/client-sns';
import { ChatTopicChannel } from '../adapters/chat-topic';
import { readChatbotNotifierConfig } from '../shared/config';
import { sdkClientConfig } from '../shared/sdk-clients';
import { notifierHandler } from './lambda-handler';

const config = readChatbotNotifierConfig();

/** Lambda entry point of the Chatbot notifier. */
export const handler = notifierHandler(
  new ChatTopicChannel(new SNSClient(sdkClientConfig()), config.chatTopicArn),
  config,
);
