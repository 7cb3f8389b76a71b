// Detection within seconds, the pure part: what started an invocation of the poller (its schedule,
// a task-creating API call seen by CloudTrail, or a plain `poll --once`), and when the fast re-polls
// of the listings with unfinished tasks fall within one scheduled period.
//
// EventBridge schedules stop at one minute, so the invocation the schedule starts stays on after its
// full poll and polls again, every `fastPollSeconds`, only the listings that still hold unfinished
// tasks, ending before the next scheduled run: with the poller's reserved concurrency of 1 no two
// polls of one listing ever run at once, and at rest (nothing unfinished) the invocation ends after
// its one poll, as it always did.
import type { TaskTypeName } from './task';

/**
 * The EC2 calls that create a task, by CloudTrail `eventName`, and the task type each creates. The
 * Mac modification task is created by `CreateMacSystemIntegrityProtectionModificationTask` (the only
 * call that creates one; DescribeMacModificationTasks lists them).
 */
export const TASK_CREATING_CALLS: Readonly<Record<string, TaskTypeName>> = {
  ImportImage: 'import-image',
  ImportSnapshot: 'import-snapshot',
  ExportImage: 'export-image',
  CreateInstanceExportTask: 'export-instance',
  CreateStoreImageTask: 'store-image',
  BundleInstance: 'bundle',
  ImportInstance: 'conversion',
  ImportVolume: 'conversion',
  CreateReplaceRootVolumeTask: 'replace-root-volume',
  CreateMacSystemIntegrityProtectionModificationTask: 'mac-modification',
};

/** The calls of {@link TASK_CREATING_CALLS} that create tasks of the given types. */
export function creatingCallsOf(taskTypes: readonly TaskTypeName[]): string[] {
  return Object.entries(TASK_CREATING_CALLS)
    .filter(([, taskType]) => taskTypes.includes(taskType))
    .map(([call]) => call);
}

/** What started an invocation. */
export type Trigger =
  /** The schedule: a full poll, then fast re-polls within the period that began at `scheduledAt`. */
  | { kind: 'schedule'; scheduledAt: Date }
  /**
   * A task-creating call: a poll of that one listing at once, then fast re-polls. `eventId` is
   * CloudTrail's id of the call (organization mode deduplicates its unit message by it).
   */
  | {
      kind: 'api-call';
      account: string;
      region: string;
      taskType: TaskTypeName;
      call: string;
      eventId?: string;
    }
  /** Anything else (`ec2-task-monitor poll --once`, a test, a console invoke): one full poll. */
  | { kind: 'once' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads what started an invocation from its event: an EventBridge `Scheduled Event` (its `time` is
 * the scheduled time), an `AWS API Call via CloudTrail` event of a task-creating EC2 call that
 * succeeded, or anything else (one full poll). A CloudTrail event of another call, or of a call that
 * failed (`errorCode`), creates no task and is `once` too: a full poll costs what a scheduled one does.
 */
export function triggerOf(event: unknown): Trigger {
  if (!isRecord(event)) return { kind: 'once' };
  const detailType = event['detail-type'];
  if (detailType === 'Scheduled Event' && typeof event.time === 'string') {
    const scheduledAt = new Date(event.time);
    return Number.isNaN(scheduledAt.getTime()) ? { kind: 'once' } : { kind: 'schedule', scheduledAt };
  }
  const detail = event.detail;
  if (detailType !== 'AWS API Call via CloudTrail' || !isRecord(detail)) return { kind: 'once' };
  const call = detail.eventName;
  // Own keys only: an eventName such as `constructor` names no call.
  const taskType =
    typeof call === 'string' && Object.hasOwn(TASK_CREATING_CALLS, call)
      ? TASK_CREATING_CALLS[call]
      : undefined;
  // The member account and Region the call was made in; a forwarded event keeps both.
  const account = detail.recipientAccountId ?? event.account;
  const region = detail.awsRegion ?? event.region;
  if (
    taskType === undefined ||
    detail.errorCode !== undefined ||
    typeof account !== 'string' ||
    typeof region !== 'string'
  )
    return { kind: 'once' };
  const eventId = typeof detail.eventID === 'string' && detail.eventID !== '' ? detail.eventID : undefined;
  return {
    kind: 'api-call',
    account,
    region,
    taskType,
    call: call as string,
    ...(eventId ? { eventId } : {}),
  };
}

/** Time a fast re-poll is given before the period ends: one starting later is left to the next run. */
export const FAST_POLL_ALLOWANCE_MS = 5_000;

/** The period a fast-polling invocation works in. */
export interface FastPollWindow {
  /** Epoch ms the period began (the scheduled time); re-polls fall at whole `everyMs` after it. */
  start: number;
  /** Epoch ms the next scheduled run is due: every poll of this invocation ends before it. */
  end: number;
  everyMs: number;
}

/**
 * The window of an invocation: for the schedule, the period its scheduled time began; for an API
 * call, the period it falls in, counted from the last scheduled time this container saw (or from
 * the epoch's whole periods, as EventBridge's rate schedules are minute-aligned, when it saw none).
 */
export function fastPollWindow(
  trigger: Exclude<Trigger, { kind: 'once' }>,
  now: Date,
  { fastPollSeconds, pollIntervalSeconds }: { fastPollSeconds: number; pollIntervalSeconds: number },
  lastScheduledAt?: Date,
): FastPollWindow {
  const periodMs = pollIntervalSeconds * 1000;
  const everyMs = fastPollSeconds * 1000;
  if (trigger.kind === 'schedule') {
    const start = trigger.scheduledAt.getTime();
    return { start, end: start + periodMs, everyMs };
  }
  const start = schedulePeriodStart(now, pollIntervalSeconds, lastScheduledAt);
  // Re-polls of an API call's listing count from the call's own poll, not from the period's start.
  return { start: now.getTime(), end: start + periodMs, everyMs };
}

/**
 * When the schedule period holding `now` began (epoch ms): counted in whole periods from the last
 * scheduled time seen, or from the epoch when none was (EventBridge's rate schedules are
 * minute-aligned, so a one-minute period is then exact and a longer one a best guess).
 */
export function schedulePeriodStart(now: Date, pollIntervalSeconds: number, lastScheduledAt?: Date): number {
  const periodMs = pollIntervalSeconds * 1000;
  const anchor = lastScheduledAt?.getTime() ?? 0;
  return anchor + Math.floor((now.getTime() - anchor) / periodMs) * periodMs;
}

/**
 * When the next fast re-poll is due (epoch ms), or undefined when none fits before the window's end
 * ({@link FAST_POLL_ALLOWANCE_MS} kept for it): the first whole `everyMs` after the window's start
 * that is later than `now`. A re-poll that ran long skips the ticks it overran, never doubles up.
 */
export function nextFastPollAt(window: FastPollWindow, now: number): number | undefined {
  const elapsed = Math.max(0, now - window.start);
  const tick = window.start + (Math.floor(elapsed / window.everyMs) + 1) * window.everyMs;
  return tick + FAST_POLL_ALLOWANCE_MS <= window.end ? tick : undefined;
}
