// What the Microsoft-Teams-through-Chatbot channel's construct sets and its notifier reads: the
// channel's name (its notifier also reads CHAT_TOPIC_ARN, lambdas/notifiers/chat-topic-config.ts).

/** The channel's name: its notifier's CHANNEL, its delivery records' partition, its metrics' dimension. */
export const TEAMS = 'teams';
