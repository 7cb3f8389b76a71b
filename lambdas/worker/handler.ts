// Primary adapter of the worker (organization mode): a batch of unit messages from the FIFO queue,
// each unit polled with its account's credentials (then, with fastPollSeconds, its listings with
// unfinished tasks re-polled until its cycle ends, the unit's message and group held meanwhile). Units of different groups run side by side, a
// group's in order; a message older than two cycles is dropped (the next cycle's covers its unit),
// as is a triggered unit whose schedule period is over (that period's scheduled unit covered it).
// `newHandler` builds one on another clock for the in-process runtime (the local mode's scenario clock).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { isStale, parseUnit } from '../domain/unit';
import type { HandlerOptions } from '../shared/clock';
import { mapWithConcurrency } from '../shared/concurrency';
import { readWorkerConfig } from '../shared/config';
import { logger, metrics } from '../shared/observability';
import { sdkClientConfig } from '../shared/sdk-clients';
import { workerContainer } from './container';
import { pollAccountUnit, type WorkerDependencies } from './poll-account-unit';

/** Message groups polled side by side in one invocation. */
const GROUP_CONCURRENCY = 4;

const config = readWorkerConfig();
const region = process.env.AWS_REGION ?? 'us-east-1';

async function workerHandler(
  dependencies: WorkerDependencies,
  event: SQSEvent,
  context: Context,
): Promise<SQSBatchResponse> {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of event.Records) {
    const group = record.attributes.MessageGroupId ?? record.messageId;
    groups.set(group, [...(groups.get(group) ?? []), record]);
  }
  // With fast polling a unit holds its slot until its cycle ends, so every group of the batch (10
  // at most) runs side by side: none waits behind another's re-polls.
  const concurrency =
    config.fastPollSeconds === undefined ? GROUP_CONCURRENCY : Math.max(GROUP_CONCURRENCY, groups.size);
  // Each group's share of the invocation's time, so that the last group still has its budget.
  const rounds = Math.max(1, Math.ceil(groups.size / concurrency));
  const failures: string[] = [];
  let dropped = 0;
  await mapWithConcurrency([...groups.values()], concurrency, async (records) => {
    for (const [index, record] of records.entries()) {
      try {
        const unit = parseUnit(record.body);
        if (isStale(unit, dependencies.now(), config.pollIntervalSeconds)) {
          dropped += 1;
          continue;
        }
        await pollAccountUnit(unit, config, dependencies, () => context.getRemainingTimeInMillis() / rounds);
      } catch (error) {
        logger.error('Unit failed unexpectedly; SQS delivers it again', {
          messageId: record.messageId,
          error,
        });
        // FIFO: the group's later messages wait for this one, so they go back with it.
        failures.push(...records.slice(index).map((failed) => failed.messageId));
        return;
      }
    }
  });
  if (dropped > 0) {
    logger.warn('Dropped stale unit messages (older than two cycles, or triggered in a period now over)', {
      dropped,
    });
    metrics.addMetric('StaleUnitsDropped', MetricUnit.Count, dropped);
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

/**
 * A worker handler with a container of its own (credentials, clients, caches and clock), as one
 * Lambda execution environment has.
 * @param options the clock (default: the system clock)
 */
export function newHandler(options: HandlerOptions = {}) {
  const dependencies = workerContainer(config, {
    region,
    dynamodb: new DynamoDBClient(sdkClientConfig()),
    logger,
    metrics,
    now: options.now,
  });
  return middy((event: SQSEvent, context: Context) => workerHandler(dependencies, event, context))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

/** Lambda entry point of the worker. */
export const handler = newHandler();
