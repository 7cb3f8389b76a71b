// The registry of notification channels: the monitor, its alarms, outputs and dashboard, the
// settings and the local mode all loop over this list, so a channel exists for the product exactly
// when it is listed here (in the order its alarms, outputs and widgets appear).
import type { ChannelDefinition } from '../lib/channel/channel';
import { chatbotChannel } from './chatbot';
import { eventBusChannel } from './event-bus';
import { slackWebhookChannel } from './slack-webhook';
import { teamsChannel } from './teams';

export * from './chatbot';
export * from './event-bus';
export * from './slack-webhook';
export * from './teams';

/** Every channel: registering one is its import, its `export *` and its line here. */
export const CHANNELS: readonly ChannelDefinition[] = [
  chatbotChannel, // Slack through AWS Chatbot
  slackWebhookChannel, // Slack through an incoming webhook
  eventBusChannel, // EventBridge
  teamsChannel, // Microsoft Teams through AWS Chatbot
];
