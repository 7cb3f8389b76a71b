// An organization cycle in process through the product's own adapters, as the deployed functions
// run it without the queue between them: the dispatcher's use case (Organizations and Account
// through the SDK's endpoint variables), then each unit's worker in a worker container built as the
// worker's handler builds one (lambdas/worker/container.ts). Used by the
// organization integration test and by `npm run bench:org`.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { AccountClient } from '@aws-sdk/client-account';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { listEnabledRegions } from '../../lambdas/adapters/account-regions';
import { CoverageStore } from '../../lambdas/adapters/coverage-store';
import { memberCredentialsIn } from '../../lambdas/adapters/member-credentials';
import { OrganizationDirectory } from '../../lambdas/adapters/organization';
import type { AccountSelection } from '../../lambdas/domain/accounts';
import type { TaskTypeName } from '../../lambdas/domain/task';
import type { PollUnit } from '../../lambdas/domain/unit';
import { runDispatch } from '../../lambdas/dispatcher/dispatch';
import { mapWithConcurrency } from '../../lambdas/shared/concurrency';
import type { DispatcherConfig, WorkerConfig } from '../../lambdas/shared/config';
import { workerContainer as buildWorkerContainer } from '../../lambdas/worker/container';
import {
  pollAccountUnit,
  type UnitReport,
  type WorkerDependencies,
} from '../../lambdas/worker/poll-account-unit';

/** The deployment an organization cycle runs for. */
export interface OrganizationSetup {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** The deployment account (polled with the function's own credentials when selected). */
  readonly monitor: string;
  /** The Region the functions run in (STS, Organizations). */
  readonly region: string;
  /** The Regions polled in every account, or `enabled`: each account's, from the Account stand-in. */
  readonly regions: readonly string[] | 'enabled';
  /** The accounts watched. @default the whole organization */
  readonly accounts?: AccountSelection;
  readonly taskTypes: readonly TaskTypeName[];
  readonly memberRoleName: string;
  /** The clock every function reads. */
  now(): Date;
}

const quiet = () => ({
  logger: new Logger({ logLevel: 'SILENT' }),
  metrics: new Metrics({ namespace: 'Test' }),
});

/** The worker's settings for a setup, as the stack sets them. */
export function workerConfigOf(setup: OrganizationSetup): WorkerConfig {
  return {
    tableName: setup.tableName,
    taskTypes: [...setup.taskTypes],
    account: setup.monitor,
    progressStep: 25,
    retentionDays: 30,
    disappearAfterMisses: 2,
    memberRoleName: setup.memberRoleName,
    pollIntervalSeconds: 60,
  };
}

/** A worker container as the worker's handler builds one, with this setup's client and clock. */
export function workerContainer(setup: OrganizationSetup): WorkerDependencies {
  return buildWorkerContainer(workerConfigOf(setup), {
    region: setup.region,
    dynamodb: setup.client,
    ...quiet(),
    now: setup.now,
  });
}

/** Runs the dispatcher's use case for the whole organization; returns the units it would send. */
export async function dispatchUnits(setup: OrganizationSetup): Promise<PollUnit[]> {
  const config: DispatcherConfig = {
    tableName: setup.tableName,
    queueUrl: 'unused: the units are handed to the workers in process',
    account: setup.monitor,
    accounts: setup.accounts ?? { mode: 'organization' },
    excludeAccounts: [],
    regions: setup.regions === 'enabled' ? 'enabled' : [...setup.regions],
    memberRoleName: setup.memberRoleName,
    pollIntervalSeconds: 60,
  };
  const units: PollUnit[] = [];
  const organization = new OrganizationDirectory(new OrganizationsClient({ region: setup.region }));
  await runDispatch(config, {
    accountsOf: (settings) => organization.accountsOf(settings.accounts),
    // As the dispatcher's handler reads them: ListRegions with the account's member role.
    enabledRegions: async (account) => {
      if (setup.regions !== 'enabled') return [...setup.regions];
      const credentials = memberCredentialsIn(setup.region, config).clientCredentials(account);
      return listEnabledRegions(new AccountClient({ region: setup.region, ...credentials }));
    },
    coverage: new CoverageStore(setup.client, setup.tableName),
    send: async (sent) => {
      units.push(...sent);
    },
    ...quiet(),
    now: setup.now,
  });
  return units;
}

/**
 * One cycle: the dispatch, then every unit by one of `workers` containers side by side. A unit goes
 * to the container of its account (as a FIFO message group keeps going to the worker that holds it
 * warm, at best), so each container assumes each of its accounts' roles once per credentials' hour.
 */
export async function organizationCycle(
  setup: OrganizationSetup,
  workers: readonly WorkerDependencies[],
): Promise<{ units: PollUnit[]; reports: UnitReport[] }> {
  const units = await dispatchUnits(setup);
  const accounts = [...new Set(units.map((unit) => unit.account))];
  const lanes = workers.map(() => [] as PollUnit[]);
  for (const unit of units) lanes[accounts.indexOf(unit.account) % workers.length]?.push(unit);
  const config = workerConfigOf(setup);
  const reports = await mapWithConcurrency(lanes, workers.length, async (lane, index) => {
    const worker = workers[index] as WorkerDependencies;
    const done: UnitReport[] = [];
    for (const unit of lane) done.push(await pollAccountUnit(unit, config, worker, () => 30_000));
    return done;
  });
  return { units, reports: reports.flat() };
}
