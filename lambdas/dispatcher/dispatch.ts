// The dispatcher's use case, run by the schedule once per cycle: resolve the accounts (read from
// Organizations now, never from an earlier cycle), their Regions (named, or each account's enabled
// ones, read again daily), and send one message per (account, Region) to the workers' queue.
// Accounts that cannot be polled get a coverage failure and no message; nothing is inferred about
// their tasks. Coverage items are written only when they change (or daily).
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type MemberAccount, resolveAccounts } from '../domain/accounts';
import {
  type AccountCoverage,
  type AccountFailure,
  afterDispatch,
  COVERAGE_REFRESH_MS,
  coverageChanged,
  type DispatchedAccount,
  failureOf,
  leavesUnmonitored,
} from '../domain/coverage';
import type { PollUnit } from '../domain/unit';
import type { DispatcherConfig } from '../shared/config';
import { mapWithConcurrency } from '../shared/concurrency';
import type { OrganizationAccount } from '../domain/accounts';

/** Accounts whose Regions are read at the same time. */
const REGION_READ_CONCURRENCY = 8;

/** What the dispatcher needs from the outside world. */
export interface DispatchDependencies {
  /** The accounts a selection covers (Organizations). */
  accountsOf(config: DispatcherConfig): Promise<OrganizationAccount[]>;
  /** The enabled Regions of an account (ListRegions with its member role, or the function's own credentials for the deployment account). */
  enabledRegions(account: string): Promise<string[]>;
  coverage: {
    loadAll(): Promise<Map<string, AccountCoverage>>;
    put(coverage: AccountCoverage): Promise<void>;
  };
  /** Sends the units to the workers' queue. */
  send(units: readonly PollUnit[]): Promise<void>;
  logger: Logger;
  metrics: Metrics;
  now(): Date;
}

/** Outcome of one dispatch. */
export interface DispatchReport {
  cycleStart: string;
  /** Units sent. */
  units: PollUnit[];
  /** Accounts polled this cycle. */
  watched: number;
  /** Accounts of the selection not polled (inactive, not found). */
  skipped: number;
  /** Accounts whose coverage has a failure that leaves them unmonitored. */
  unmonitored: number;
  coverageWrites: number;
  /** The accounts sent no unit because of a failure (inactive, Regions unreadable), with it. */
  failures: Array<{ account: string; name?: string; failure: AccountFailure }>;
}

/** Runs one dispatch. */
export async function runDispatch(
  config: DispatcherConfig,
  deps: DispatchDependencies,
): Promise<DispatchReport> {
  const now = deps.now();
  const cycleStart = now.toISOString();
  const named = config.accounts.mode === 'list' ? config.accounts.accountIds : [];
  const resolved =
    config.accounts.mode === 'self'
      ? { watched: [{ id: config.account }] as MemberAccount[], skipped: [] }
      : resolveAccounts(await deps.accountsOf(config), config.excludeAccounts, named);
  const stored = await deps.coverage.loadAll();

  const seen = await mapWithConcurrency([...resolved.watched], REGION_READ_CONCURRENCY, (account) =>
    regionsOf(account, config, stored.get(account.id), deps, now),
  );
  for (const skipped of resolved.skipped) {
    seen.push({
      account: skipped.id,
      name: skipped.name,
      regions: [],
      failure: {
        kind: 'account-inactive',
        code: skipped.state,
        message: `Organizations reports the account ${skipped.state}: it is not polled`,
        at: cycleStart,
      },
    });
  }

  // Each account's coverage after this dispatch: what is written now, or what stays stored. The
  // units carry it, so that a new worker container has the account's coverage without a read.
  const after = seen.map((account) => {
    const before = stored.get(account.account);
    // The stored coverage keeps what the workers recorded (a missing role found by a poll, a
    // Region's failure): the count covers those too.
    const next = afterDispatch(before, account, now);
    const write = coverageChanged(before, next, now) ? { ...next, writtenAt: cycleStart } : undefined;
    return { account, before, next, write, coverage: write ?? before };
  });
  const units: PollUnit[] = after
    .filter(({ account }) => !account.failure)
    .flatMap(({ account, coverage }) =>
      account.regions.map((region) => ({
        account: account.account,
        accountName: account.name,
        region,
        cycleStart,
        ...(coverage ? { coverage } : {}),
      })),
    );
  await deps.send(units);

  let coverageWrites = 0;
  let unmonitored = 0;
  for (const { account, before, next, write } of after) {
    if (leavesUnmonitored(next.failure)) unmonitored += 1;
    if (write) {
      await deps.coverage.put(write);
      coverageWrites += 1;
    }
    if (account.failure && (!before?.failure || before.failure.code !== account.failure.code)) {
      deps.logger.warn('Account not polled this cycle', {
        account: account.account,
        kind: account.failure.kind,
        code: account.failure.code,
        errorMessage: account.failure.message,
      });
    }
  }
  // Every cycle, 0 included: the alarm fires when it stays above 0.
  deps.metrics.addMetric('UnmonitoredAccounts', MetricUnit.Count, unmonitored);
  return {
    cycleStart,
    units,
    watched: resolved.watched.length,
    skipped: resolved.skipped.length,
    unmonitored,
    coverageWrites,
    failures: seen.flatMap(({ account, name, failure }) => (failure ? [{ account, name, failure }] : [])),
  };
}

/** An account's Regions for this cycle: the named ones, or its enabled ones (read again after a day). */
async function regionsOf(
  account: MemberAccount,
  config: DispatcherConfig,
  stored: AccountCoverage | undefined,
  deps: DispatchDependencies,
  now: Date,
): Promise<DispatchedAccount> {
  if (config.regions !== 'enabled')
    return { account: account.id, name: account.name, regions: config.regions };
  const refreshedAt = stored?.regionsRefreshedAt;
  if (
    refreshedAt &&
    now.getTime() - Date.parse(refreshedAt) < COVERAGE_REFRESH_MS &&
    stored.regions.length > 0
  ) {
    return {
      account: account.id,
      name: account.name,
      regions: stored.regions,
      regionsRefreshedAt: refreshedAt,
    };
  }
  try {
    const regions = await deps.enabledRegions(account.id);
    return { account: account.id, name: account.name, regions, regionsRefreshedAt: now.toISOString() };
  } catch (error) {
    return {
      account: account.id,
      name: account.name,
      regions: stored?.regions ?? [],
      regionsRefreshedAt: refreshedAt,
      failure: failureOf(error, 'assume-role', now),
    };
  }
}
