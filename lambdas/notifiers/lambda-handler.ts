// The Lambda wiring every notifier shares: its delivery records in the monitor's table, the
// Powertools logger and metrics as middleware. Each handler module only names its channel.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import { deliveryRecords } from '../adapters/delivery-records';
import type { NotifierConfig } from '../shared/config';
import { sdkClientConfig } from '../shared/sdk-clients';
import { logger, metrics } from '../shared/observability';
import { createNotifier, type DeliveryAdapter } from './notifier';

/** A notifier's Lambda entry point for a channel and its configuration. */
export function notifierHandler(channel: DeliveryAdapter, config: NotifierConfig) {
  return middy(
    createNotifier({
      channel,
      persistenceStore: deliveryRecords(
        new DynamoDBClient(sdkClientConfig()),
        config.tableName,
        config.channel,
      ),
      retentionDays: config.retentionDays,
      logger,
      metrics,
    }),
  )
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}
