// Lambda entry point of the notifier of Microsoft Teams through AWS Chatbot: each event that passes
// the channel's filter becomes a custom notification on the chat topic, threaded per task, as for
// Slack (lambdas/notifiers/chat-topic-notifier.ts).
import { chatTopicNotifier } from '../../lambdas/notifiers/chat-topic-notifier';
import { TEAMS } from './config';

/** A handler with the state of a Lambda instance of its own, and the Lambda entry point. */
export const { newHandler, handler } = chatTopicNotifier(TEAMS);
