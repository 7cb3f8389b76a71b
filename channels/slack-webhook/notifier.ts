// Lambda entry point of the Slack webhook notifier: its queue receives the events that pass the
// webhook's filter, and each is posted to the incoming webhook named by the secret. The queue runs
// at most a fixed number of instances at once (the event source's maximum concurrency), each
// pacing its posts to Slack's rate divided among them (SLACK_POST_INTERVAL_MS).
import { SlackWebhookClient } from './client';
import { SlackWebhookDelivery, webhookUrlFromSecret } from './delivery';
import { readSlackWebhookNotifierConfig } from './config';
import { notifierHandler } from '../../lambdas/notifiers/lambda-handler';

const config = readSlackWebhookNotifierConfig();

/**
 * A handler with the state of one Lambda instance of its own: the post pacing, a 429's back-off
 * and the secret's cache carry over between the invocations of that instance only. A runtime that
 * models several concurrent instances (the local mode) makes one each.
 */
export function newHandler() {
  return notifierHandler(
    new SlackWebhookDelivery(
      webhookUrlFromSecret(config.secretName),
      new SlackWebhookClient({ minIntervalMs: config.postIntervalMs }),
    ),
    config,
  );
}

/** Lambda entry point of the Slack webhook notifier. */
export const handler = newHandler();
