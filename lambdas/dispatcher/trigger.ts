// The dispatcher's second use case (cloudTrailTrigger in organization mode): CloudTrail's record of a
// call that created a task, forwarded from a member account's default bus to the monitor's bus (or
// seen on the deployment account's own default bus), becomes ONE unit message for its (account,
// Region), in that unit's FIFO group, so no two workers poll the unit at once. It asks the worker to
// poll the call's one listing at once. Only a unit the last cycle watched is sent: the coverage item
// of the account (one GetItem) must list the Region; an excluded, inactive or unknown account costs
// that read and nothing more. No coverage is written: the schedule's dispatch owns it.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CoverageWriter } from '../adapters/coverage-store';
import { COVERAGE_REFRESH_MS } from '../domain/coverage';
import { schedulePeriodStart, triggerOf } from '../domain/fast-poll';
import type { PollUnit } from '../domain/unit';
import type { DispatcherConfig } from '../shared/config';

/** The detail type of CloudTrail's records on EventBridge. */
const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/**
 * Whether the dispatcher was invoked with a CloudTrail record (the task-call rules) rather than by
 * its schedule or `poll --once`. Such an event never starts a cycle, even when it is malformed.
 */
export function isApiCallEvent(event: unknown): boolean {
  return (
    typeof event === 'object' &&
    event !== null &&
    (event as Record<string, unknown>)['detail-type'] === API_CALL_DETAIL_TYPE
  );
}

/** What the trigger needs from the outside world. */
export interface TriggerDependencies {
  /** The account's coverage item (one strongly consistent GetItem). */
  coverage: Pick<CoverageWriter, 'load'>;
  /** Sends the unit to the workers' queue. */
  send(units: readonly PollUnit[]): Promise<void>;
  logger: Logger;
  metrics: Metrics;
  now(): Date;
  /**
   * When this container's last scheduled dispatch started: the schedule's periods are counted from
   * it (from the epoch's whole periods when it has dispatched none).
   */
  lastCycleStart?: Date;
}

/** Why a CloudTrail record sent no unit. */
export type TriggerSkip =
  /** Not the record of a successful task-creating call, or without an event id. */
  | 'malformed'
  /** The account is in excludeAccounts. */
  | 'excluded'
  /** The account has no coverage item: never watched (not selected, or not in the organization). */
  | 'unknown-account'
  /** Organizations reported the account inactive at the last cycle. */
  | 'account-inactive'
  /** The account's coverage was not renewed for over a day: no cycle watches it any more. */
  | 'no-longer-watched'
  /** The last cycle did not watch the call's Region in the account. */
  | 'region-not-watched';

/** Outcome of one CloudTrail record. */
export interface TriggerReport {
  /** The unit sent, or undefined. */
  unit?: PollUnit;
  skipped?: TriggerSkip;
}

/**
 * Sends the unit of a task-creating call when the last cycle watched its account and Region. The
 * unit's `cycleStart` is the start of the schedule period the call is handled in: the worker polls
 * it within that period only, so the next cycle's unit of the group is never delayed by it.
 */
export async function runTrigger(
  event: unknown,
  config: DispatcherConfig,
  deps: TriggerDependencies,
): Promise<TriggerReport> {
  const trigger = triggerOf(event);
  if (trigger.kind !== 'api-call' || trigger.eventId === undefined) {
    deps.logger.warn('Ignored a CloudTrail record that is not a successful task-creating call', {
      detailType: isApiCallEvent(event) ? API_CALL_DETAIL_TYPE : undefined,
    });
    return { skipped: 'malformed' };
  }
  const { account, region, taskType, call, eventId } = trigger;
  const now = deps.now();
  const judged = await watchedAccount(account, region, config, deps.coverage, now);
  if ('skipped' in judged) {
    deps.logger.info('Task-creating call in an account or Region not watched: nothing polled', {
      account,
      region,
      call,
      eventId,
      reason: judged.skipped,
    });
    return { skipped: judged.skipped };
  }
  const unit: PollUnit = {
    account,
    accountName: judged.name,
    region,
    cycleStart: new Date(
      schedulePeriodStart(now, config.pollIntervalSeconds, deps.lastCycleStart),
    ).toISOString(),
    trigger: { taskType, call, eventId },
  };
  await deps.send([unit]);
  deps.metrics.addMetric('TriggeredUnits', MetricUnit.Count, 1);
  deps.logger.info('Task-creating call: its listing queued for a poll', {
    account,
    region,
    taskType,
    call,
    eventId,
  });
  return { unit };
}

/**
 * Whether the last cycle watched the account in the Region, from its coverage item: the item must
 * exist, be renewed (the dispatch rewrites every watched account's item at least daily, so one
 * older than that belongs to an account no cycle selects any more), not say Organizations found
 * the account inactive, and list the Region.
 */
async function watchedAccount(
  account: string,
  region: string,
  config: DispatcherConfig,
  coverage: TriggerDependencies['coverage'],
  now: Date,
): Promise<{ name?: string } | { skipped: TriggerSkip }> {
  if (config.excludeAccounts.includes(account)) return { skipped: 'excluded' };
  const stored = await coverage.load(account);
  if (!stored) return { skipped: 'unknown-account' };
  if (stored.failure?.kind === 'account-inactive') return { skipped: 'account-inactive' };
  const renewBy = Date.parse(stored.writtenAt) + COVERAGE_REFRESH_MS + 2 * config.pollIntervalSeconds * 1000;
  if (now.getTime() > renewBy) return { skipped: 'no-longer-watched' };
  if (!stored.regions.includes(region)) return { skipped: 'region-not-watched' };
  return { name: stored.name };
}
