// Lambda entry point of the Slack webhook notifier: its queue receives the events that pass the
// webhook's filter, and each is posted to the incoming webhook named by the secret. The stack
// runs one instance at a time, so the client's pacing (one post per second) holds for the channel.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import { deliveryRecords } from '../adapters/delivery-records';
import { SlackWebhookClient } from '../adapters/slack-webhook';
import { SlackWebhookChannel, webhookUrlFromSecret } from '../adapters/slack-webhook-channel';
import { readSlackWebhookNotifierConfig } from '../shared/config';
import { logger, metrics } from '../shared/observability';
import { createNotifier } from './notifier';

const config = readSlackWebhookNotifierConfig();

/** Lambda entry point of the Slack webhook notifier. */
export const handler = middy(
  createNotifier({
    // Module scope: the client's pacing and a 429's back-off carry over between invocations.
    channel: new SlackWebhookChannel(webhookUrlFromSecret(config.secretName), new SlackWebhookClient()),
    persistenceStore: deliveryRecords(new DynamoDBClient({}), config.tableName, config.channel),
    retentionDays: config.retentionDays,
    logger,
    metrics,
  }),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
