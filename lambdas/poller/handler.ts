// Primary adapter of the poller: wires configuration, clients and Powertools around the poll
// cycle. Invoked by the schedule (and by `ec2-task-monitor poll --once` locally).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ec2ClientProvider } from '../adapters/ec2-clients';
import { QuotaStore } from '../adapters/quota-store';
import { serviceQuotaLimits, serviceQuotasClients } from '../adapters/service-quotas';
import { SnapshotStore } from '../adapters/snapshot-store';
import { readPollerConfig } from '../shared/config';
import { sdkClientConfig } from '../shared/sdk-clients';
import { logger, metrics } from '../shared/observability';
import { newPollCache, type PollReport, runPollCycle } from './poll-cycle';
import { QuotaHeadroom } from './quota-headroom';

// Read once per container: a bad variable fails the cold start with a message naming it.
const config = readPollerConfig();
const dynamodb = new DynamoDBClient(sdkClientConfig());
const now = () => new Date();
const dependencies = {
  ec2For: ec2ClientProvider(),
  store: new SnapshotStore(dynamodb, config.tableName, config.account),
  // The VM Import/Export quotas, counted from the listings; limits cached for a day.
  quota: new QuotaHeadroom({
    limits: serviceQuotaLimits({ clientFor: serviceQuotasClients(), logger, now }),
    store: new QuotaStore(dynamodb, config.tableName),
    warningShare: config.quotaWarningShare,
  }),
  // Kept for the container's life: a poll where nothing changed reads and writes nothing.
  cache: newPollCache(),
  logger,
  metrics,
  now,
  unknownStatesLogged: new Set<string>(),
};

async function pollHandler(_event: unknown, context: Context): Promise<PollReport> {
  const report = await runPollCycle(config, {
    ...dependencies,
    remainingMs: () => context.getRemainingTimeInMillis(),
  });
  logger.info('Poll cycle finished', {
    durationMs: report.durationMs,
    changes: report.changes,
    failures: report.failures,
    listings: report.listings.length,
  });
  return report;
}

/** Lambda entry point of the poller. */
export const handler = middy(pollHandler).use(injectLambdaContext(logger)).use(logMetrics(metrics));
