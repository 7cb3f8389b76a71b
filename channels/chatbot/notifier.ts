// Lambda entry point of the notifier of Slack through AWS Chatbot: each event that passes the
// channel's filter becomes a custom notification on the chat topic (lambdas/notifiers/chat-topic-notifier.ts).
import { chatTopicNotifier } from '../../lambdas/notifiers/chat-topic-notifier';
import { CHATBOT } from './config';

/** A handler with the state of a Lambda instance of its own, and the Lambda entry point. */
export const { newHandler, handler } = chatTopicNotifier(CHATBOT);
