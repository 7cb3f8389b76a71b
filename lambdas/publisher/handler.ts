// Primary adapter of the publisher: fed by the table's stream (filtered to snapshot writes that
// recorded a change), it publishes each change to the topic and reports partial failures.
// `newHandler` builds one on another clock for the in-process runtime (the local mode's scenario clock).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { EventPublisher } from '../adapters/event-publisher';
import { Outbox } from '../adapters/outbox';
import { type HandlerOptions, systemClock } from '../shared/clock';
import { readPublisherConfig } from '../shared/config';
import { sdkClientConfig } from '../shared/sdk-clients';
import { logger, metrics } from '../shared/observability';
import { deliverChanges } from './deliver-changes';

const config = readPublisherConfig();
const dependencies = {
  publisher: new EventPublisher(new SNSClient(sdkClientConfig()), config.topicArn),
  outbox: new Outbox(new DynamoDBClient(sdkClientConfig()), config.tableName),
  logger,
  metrics,
};

async function publishHandler(
  now: () => Date,
  event: DynamoDBStreamEvent,
  context: Context,
): Promise<DynamoDBBatchResponse> {
  if (!Array.isArray(event?.Records)) {
    // Not a stream batch: retrying cannot help, so say so and return.
    logger.error('Ignored an invocation that is not a DynamoDB stream batch', {
      keys: Object.keys(event ?? {}),
    });
    return { batchItemFailures: [] };
  }
  return deliverChanges(event.Records, {
    ...dependencies,
    now,
    owner: context.functionName,
    leaseMs: context.getRemainingTimeInMillis(),
  });
}

/**
 * A publisher handler on a clock (the time of its claims' leases and of each change's publication).
 * @param options the clock (default: the system clock)
 */
export function newHandler(options: HandlerOptions = {}) {
  const now = options.now ?? systemClock;
  return middy((event: DynamoDBStreamEvent, context: Context) => publishHandler(now, event, context))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

/** Lambda entry point of the publisher. */
export const handler = newHandler();
