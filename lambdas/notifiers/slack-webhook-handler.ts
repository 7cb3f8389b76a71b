// Lambda entry point of the Slack webhook notifier: its queue receives the events that pass the
// webhook's filter, and each is posted to the incoming webhook named by the secret. The stack
// runs one instance at a time, so the client's pacing (one post per second) holds for the channel.
import { SlackWebhookClient } from '../adapters/slack-webhook';
import { SlackWebhookChannel, webhookUrlFromSecret } from '../adapters/slack-webhook-channel';
import { readSlackWebhookNotifierConfig } from '../shared/config';
import { notifierHandler } from './lambda-handler';

const config = readSlackWebhookNotifierConfig();

/** Lambda entry point of the Slack webhook notifier. */
export const handler = notifierHandler(
  // Module scope: the client's pacing and a 429's back-off carry over between invocations.
  new SlackWebhookChannel(webhookUrlFromSecret(config.secretName), new SlackWebhookClient()),
  config,
);
