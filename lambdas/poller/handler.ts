// Primary adapter of the poller: wires configuration, clients and Powertools around the poll
// cycle. Invoked by the schedule (then, with fast polling on, it re-polls the listings with
// unfinished tasks until the next run is due), by the rule on task-creating API calls (with
// `cloudTrailTrigger`), and by `ec2-task-monitor poll --once` locally (one poll). `newHandler` builds
// one on another clock for the in-process runtime (the local mode's scenario clock).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { HandlerOptions } from '../shared/clock';
import { readPollerConfig } from '../shared/config';
import { sdkClientConfig } from '../shared/sdk-clients';
import { logger, metrics } from '../shared/observability';
import { type AdaptivePollReport, runAdaptivePoll } from './adaptive-poll';
import { pollerContainer } from './container';

// Read once per container: a bad variable fails the cold start with a message naming it.
const config = readPollerConfig();

async function pollHandler(
  dependencies: ReturnType<typeof pollerContainer>,
  event: unknown,
  context: Context,
): Promise<AdaptivePollReport> {
  const report = await runAdaptivePoll(event, config, {
    ...dependencies,
    remainingMs: () => context.getRemainingTimeInMillis(),
  });
  logger.info('Poll cycle finished', {
    trigger: report.trigger,
    durationMs: report.durationMs,
    changes: report.changes,
    failures: report.failures,
    listings: report.listings.length,
    fastPolls: report.fastPolls.length,
    fastPollChanges: report.fastPolls.reduce((sum, poll) => sum + poll.changes, 0),
  });
  return report;
}

/**
 * A poller handler with a container of its own (clients, caches and clock), as one Lambda
 * execution environment has.
 * @param options the clock (default: the system clock)
 */
export function newHandler(options: HandlerOptions = {}) {
  const dependencies = pollerContainer(config, {
    dynamodb: new DynamoDBClient(sdkClientConfig()),
    logger,
    metrics,
    now: options.now,
  });
  return middy((event: unknown, context: Context) => pollHandler(dependencies, event, context))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

/** Lambda entry point of the poller. */
export const handler = newHandler();
