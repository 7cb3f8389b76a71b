// Lambda entry point of the Chatbot notifier: its queue receives the events that pass the chat
// filter, and each becomes a custom notification on the chat topic AWS Chatbot posts from.
import { SNSClient } from '@aws-sdk/client-sns';
import { ChatTopicChannel } from '../adapters/chat-topic';
import { readChatbotNotifierConfig } from '../shared/config';
import { sdkClientConfig } from '../shared/sdk-clients';
import { notifierHandler } from './lambda-handler';

const config = readChatbotNotifierConfig();

/** A handler as one Lambda instance of its own has it (see slack-webhook-handler.ts). */
export function newHandler() {
  return notifierHandler(new ChatTopicChannel(new SNSClient(sdkClientConfig()), config.chatTopicArn), config);
}

/** Lambda entry point of the Chatbot notifier. */
export const handler = newHandler();
