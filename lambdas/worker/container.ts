// What one worker container keeps for its life: the member role's credentials per account, an EC2
// client per account and Region, the poll's and the coverage's caches, the stores. The worker's
// handler builds one at load; the organization tests and `npm run bench:org` build theirs the same
// way, with their own DynamoDB client, logger and clock.
import { setTimeout } from 'node:timers/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CoverageStore } from '../adapters/coverage-store';
import { ec2ClientProvider, type Ec2ClientProvider } from '../adapters/ec2-clients';
import { memberCredentialsIn } from '../adapters/member-credentials';
import { QuotaStore } from '../adapters/quota-store';
import { serviceQuotaLimits, serviceQuotasClients } from '../adapters/service-quotas';
import { SnapshotStore } from '../adapters/snapshot-store';
import type { AccountCoverage } from '../domain/coverage';
import type { WorkerConfig } from '../shared/config';
import { newPollCache } from '../poller/poll-cycle';
import { QuotaHeadroom } from '../poller/quota-headroom';
import type { WorkerDependencies } from './poll-account-unit';

/** What a worker container is built from besides its settings. */
export interface WorkerContainerOptions {
  /** The function's Region: STS is called there, in its partition. */
  readonly region: string;
  readonly dynamodb: DynamoDBClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** @default the system clock */
  readonly now?: () => Date;
  /** @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A worker container's dependencies, every cache empty. */
export function workerContainer(config: WorkerConfig, options: WorkerContainerOptions): WorkerDependencies {
  const credentials = memberCredentialsIn(options.region, config);
  const clients = new Map<string, Ec2ClientProvider>();
  const now = options.now ?? (() => new Date());
  return {
    assume: async (account) => (account === config.account ? undefined : credentials.credentials(account)),
    ec2For(account, unitRegion) {
      let provider = clients.get(account);
      if (!provider) {
        // One provider (one client per Region) per account, sharing the account's cached credentials.
        provider = ec2ClientProvider(credentials.clientCredentials(account));
        clients.set(account, provider);
      }
      return provider(unitRegion);
    },
    store: new SnapshotStore(options.dynamodb, config.tableName, config.account),
    // Kept for the container's life, every account's units in it: a unit at rest reads and writes nothing.
    cache: newPollCache(),
    // Each account's VM Import/Export limits with its own credentials, cached for a day per account and Region.
    quota: new QuotaHeadroom({
      limits: serviceQuotaLimits({
        clientFor: serviceQuotasClients((account) => credentials.clientCredentials(account).credentials),
        logger: options.logger,
        now,
      }),
      store: new QuotaStore(options.dynamodb, config.tableName),
      warningShare: config.quotaWarningShare,
    }),
    coverage: new CoverageStore(options.dynamodb, config.tableName),
    knownCoverage: new Map<string, AccountCoverage>(),
    logger: options.logger,
    metrics: options.metrics,
    now,
    unknownStatesLogged: new Set<string>(),
    sleep: options.sleep ?? ((ms) => setTimeout(ms)),
  };
}
