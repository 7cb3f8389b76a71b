// What one poller container keeps for its life: the EC2 clients, the store, the poll's cache and
// what it remembers of the schedule. The poller's handler builds one at load; the fast-poll
// integration test and `npm run bench:latency` build theirs the same way, with their own clock.
import { setTimeout } from 'node:timers/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ec2ClientProvider } from '../adapters/ec2-clients';
import { QuotaStore } from '../adapters/quota-store';
import { serviceQuotaLimits, serviceQuotasClients } from '../adapters/service-quotas';
import { SnapshotStore } from '../adapters/snapshot-store';
import type { PollerConfig } from '../shared/config';
import type { AdaptivePollDependencies } from './adaptive-poll';
import { newPollCache } from './poll-cycle';
import { QuotaHeadroom } from './quota-headroom';

/** What a poller container is built from besides its settings. */
export interface PollerContainerOptions {
  readonly dynamodb: DynamoDBClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** @default the system clock */
  readonly now?: () => Date;
  /** @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A poller container's dependencies, every cache empty; the invocation adds its remaining time. */
export function pollerContainer(
  config: PollerConfig,
  options: PollerContainerOptions,
): Omit<AdaptivePollDependencies, 'remainingMs'> {
  const now = options.now ?? (() => new Date());
  return {
    ec2For: ec2ClientProvider(),
    store: new SnapshotStore(options.dynamodb, config.tableName, config.account),
    // The VM Import/Export quotas, counted from the listings; limits cached for a day.
    quota: new QuotaHeadroom({
      limits: serviceQuotaLimits({ clientFor: serviceQuotasClients(), logger: options.logger, now }),
      store: new QuotaStore(options.dynamodb, config.tableName),
      warningShare: config.quotaWarningShare,
    }),
    // Kept for the container's life: a poll where nothing changed reads and writes nothing.
    cache: newPollCache(),
    logger: options.logger,
    metrics: options.metrics,
    now,
    unknownStatesLogged: new Set<string>(),
    sleep: options.sleep ?? ((ms) => setTimeout(ms)),
    schedule: {},
  };
}
