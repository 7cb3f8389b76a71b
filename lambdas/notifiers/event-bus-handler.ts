// Lambda entry point of the EventBridge notifier: its queue receives every event, and each is put
// on the configured bus as an "EC2 Task Change" entry.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import { deliveryRecords } from '../adapters/delivery-records';
import { EventBusChannel } from '../adapters/event-bus';
import { readEventBusNotifierConfig } from '../shared/config';
import { logger, metrics } from '../shared/observability';
import { createNotifier } from './notifier';

const config = readEventBusNotifierConfig();

/** Lambda entry point of the EventBridge notifier. */
export const handler = middy(
  createNotifier({
    channel: new EventBusChannel(new EventBridgeClient({}), config.eventBusName),
    persistenceStore: deliveryRecords(new DynamoDBClient({}), config.tableName, config.channel),
    retentionDays: config.retentionDays,
    logger,
    metrics,
  }),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
