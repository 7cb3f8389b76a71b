// The worker's use case: poll one unit (an account in a Region) with the account's credentials —
// the function's own for the deployment account, the member role's for any other — through the
// same listing, diff and conditional-write code as every poll (`pollUnits`, one unit, the account
// in every key), and record the account's coverage when it changes. A failure is the account's
// alone: it is recorded, infers nothing about its tasks, and the next cycle tries again. A unit a
// task-creating call triggered (cloudTrailTrigger) polls that call's one listing instead, then
// fast-polls it while its tasks run, within the schedule period it was sent in; it records no
// coverage, as it did not poll the whole unit.
import type { EC2Client } from '@aws-sdk/client-ec2';
import { type AccountCoverage, type AccountFailure, afterUnit, failureOf } from '../domain/coverage';
import { type CoverageWriter, recordCoverage } from '../adapters/coverage-store';
import { fastPollWindow } from '../domain/fast-poll';
import type { PollUnit, UnitTrigger } from '../domain/unit';
import { type AdaptivePollDependencies, fastPolls, unfinishedListings } from '../poller/adaptive-poll';
import {
  type ListingScope,
  type PollDependencies,
  type PollReport,
  pollListings,
  pollUnits,
} from '../poller/poll-cycle';
import type { WorkerConfig } from '../shared/config';

/** What the worker needs besides what every poll needs. */
export interface WorkerDependencies extends Omit<PollDependencies, 'ec2For' | 'remainingMs'> {
  /** Checks that the account's credentials can be had (assumes the member role; a no-op for the deployment account). */
  assume(account: string): Promise<unknown>;
  /** The EC2 client of an account in a Region, signing with the account's credentials. */
  ec2For(account: string, region: string): EC2Client;
  coverage: CoverageWriter;
  /** The coverage this container last read or wrote, per account: an idle unit reads nothing. */
  knownCoverage: Map<string, AccountCoverage>;
  /** Waits between fast re-polls; the container's is a timer, a test's moves its clock. */
  sleep: AdaptivePollDependencies['sleep'];
}

/** Outcome of one unit. */
export interface UnitReport {
  unit: PollUnit;
  /** The poll's report; undefined when the account's credentials could not be had. */
  poll?: PollReport;
  /** The fast re-polls of the unit's listings with unfinished tasks (with `fastPollSeconds`); empty at rest. */
  fastPolls: PollReport[];
  failure?: AccountFailure;
  coverageWritten: boolean;
}

/**
 * The one call into the poll for a unit: the poll every account goes through (the deployment
 * account's with the function's own credentials), keyed by the unit's account and Region.
 */
function pollOneUnit(
  unit: PollUnit,
  config: WorkerConfig,
  deps: WorkerDependencies,
  remainingMs: () => number,
): Promise<PollReport> {
  return pollUnits([{ account: unit.account, region: unit.region, accountName: unit.accountName }], config, {
    ...deps,
    ec2For: (region) => deps.ec2For(unit.account, region),
    remainingMs,
  });
}

/**
 * Re-polls the unit's listings with unfinished tasks every `fastPollSeconds` of its cycle, holding
 * the unit's message (and so its FIFO group) until no re-poll fits before the next cycle: no other
 * worker polls the unit meanwhile.
 */
function fastPollUnit(
  unit: PollUnit,
  poll: PollReport,
  config: WorkerConfig,
  deps: WorkerDependencies,
  remainingMs: () => number,
): Promise<PollReport[]> {
  if (config.fastPollSeconds === undefined) return Promise.resolve([]);
  const window = fastPollWindow({ kind: 'schedule', scheduledAt: new Date(unit.cycleStart) }, deps.now(), {
    fastPollSeconds: config.fastPollSeconds,
    pollIntervalSeconds: config.pollIntervalSeconds,
  });
  return fastPolls(unfinishedListings(poll), window, config, {
    ...deps,
    ec2For: (region) => deps.ec2For(unit.account, region),
    remainingMs,
  });
}

/**
 * A triggered unit: its one listing polled at once, then (with `fastPollSeconds`) re-polled while it
 * holds unfinished tasks, until the end of the schedule period the unit was sent in (`cycleStart`),
 * so the next cycle's unit of the group is not held up. Nothing is recorded in the coverage: a
 * failure here is the next cycle's to find and record.
 */
async function pollTriggeredUnit(
  unit: PollUnit,
  trigger: UnitTrigger,
  config: WorkerConfig,
  deps: WorkerDependencies,
  remainingMs: () => number,
): Promise<UnitReport> {
  const report: UnitReport = { unit, fastPolls: [], coverageWritten: false };
  const context = {
    account: unit.account,
    region: unit.region,
    call: trigger.call,
    eventId: trigger.eventId,
  };
  // The rules match only the enabled types' calls; a message from before a change of taskTypes is not.
  if (!config.taskTypes.includes(trigger.taskType)) {
    deps.logger.info('Triggered unit of a task type not polled: nothing polled', {
      ...context,
      taskType: trigger.taskType,
    });
    return report;
  }
  try {
    await deps.assume(unit.account);
  } catch (error) {
    report.failure = failureOf(error, 'assume-role', deps.now());
    deps.logger.warn('Triggered unit not polled: the account cannot be read; the next cycle records why', {
      ...context,
      kind: report.failure.kind,
      code: report.failure.code,
    });
    return report;
  }
  const pollDeps: PollDependencies & Pick<WorkerDependencies, 'sleep'> = {
    ...deps,
    ec2For: (region) => deps.ec2For(unit.account, region),
    remainingMs,
  };
  const listing: ListingScope[] = [
    {
      unit: { account: unit.account, region: unit.region, accountName: unit.accountName },
      taskType: trigger.taskType,
    },
  ];
  report.poll = await pollListings(listing, config, pollDeps, { fastPoll: true });
  if (config.fastPollSeconds === undefined) return report;
  const window = fastPollWindow(
    {
      kind: 'api-call',
      account: unit.account,
      region: unit.region,
      taskType: trigger.taskType,
      call: trigger.call,
    },
    deps.now(),
    { fastPollSeconds: config.fastPollSeconds, pollIntervalSeconds: config.pollIntervalSeconds },
    new Date(unit.cycleStart),
  );
  report.fastPolls = await fastPolls(unfinishedListings(report.poll), window, config, pollDeps);
  return report;
}

/**
 * Polls one unit and records the account's coverage when it changed; a triggered unit polls its
 * call's listing alone and records nothing in the coverage.
 */
export async function pollAccountUnit(
  unit: PollUnit,
  config: WorkerConfig,
  deps: WorkerDependencies,
  remainingMs: () => number,
): Promise<UnitReport> {
  if (unit.trigger) return pollTriggeredUnit(unit, unit.trigger, config, deps, remainingMs);
  const now = deps.now();
  let failure: AccountFailure | undefined;
  let poll: PollReport | undefined;
  let fast: PollReport[] = [];
  try {
    await deps.assume(unit.account);
  } catch (error) {
    failure = failureOf(error, 'assume-role', now);
  }
  if (!failure) {
    poll = await pollOneUnit(unit, config, deps, remainingMs);
    const failed = poll.listings.find((listing) => !listing.ok);
    if (failed?.error) {
      failure = failureOf(
        Object.assign(new Error(failed.error.message), { name: failed.error.code }),
        'region',
        now,
        unit.region,
      );
    }
  }
  // This container's own latest, else the dispatcher's at the cycle's start, else a read.
  let stored = deps.knownCoverage.get(unit.account) ?? unit.coverage;
  if (!stored) {
    stored = await deps.coverage.load(unit.account);
    if (stored) deps.knownCoverage.set(unit.account, stored);
  }
  // Never written over what another unit of this account recorded meanwhile: recordCoverage
  // applies this unit's outcome again to the item as stored.
  const { coverage, written: coverageWritten } = await recordCoverage(
    deps.coverage,
    stored,
    (current) => afterUnit(current, unit, failure, now),
    now,
  );
  deps.knownCoverage.set(unit.account, coverage);
  if (failure) {
    deps.logger.warn('Unit not fully polled; nothing inferred from what failed', {
      account: unit.account,
      region: unit.region,
      kind: failure.kind,
      code: failure.code,
    });
  }
  // After the coverage is recorded: the re-polls change no account's coverage.
  if (poll) fast = await fastPollUnit(unit, poll, config, deps, remainingMs);
  return { unit, poll, fastPolls: fast, failure, coverageWritten };
}
