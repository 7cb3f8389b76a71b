// Stalled tasks: a running task whose progress, raw state and status message have not changed for
// longer than its type's `stallAfter` is reported once as TaskStalled; when it moves again, the
// usual change says so with how long it was still. Detecting a stall costs nothing at rest:
// - each snapshot keeps `stillSince`, the time its progress, state and message were last written
//   differently, so how long a task has been still is known from the snapshot;
// - each listing's state keeps a {@link StallWatch}: the earliest time a stall could be due and the
//   exact progress of the tasks already stalled. A listing whose fingerprint is unchanged is left
//   alone while the watch is quiet ({@link isWatchQuiet}); once a stall is due, or a stalled task's
//   progress moved, the listing is judged against its snapshots (the one read a stall costs when
//   the container is cold) and the outcome written through the usual conditional write and outbox.
// Progress moving within a progress step writes nothing, so the stored progress can lag the
// listing's: when a stall would be due but the exact values differ, the task did move, and that
// is recorded silently (one write per `stallAfter` at most) instead of a stall.
// Pure: the poll's time is an input.
import { type DetectedChange, type ListingDecision, type StoredTask, withKnownProgress } from './changes';
import { anchorAfter, estimateCompletion, type ProgressObservation } from './completion-estimate';
import { observedStatusOf, type Task, type TaskTypeName } from './task';

/** Minutes each task type may be still before it is stalled; a type left out is never stalled. */
export type StallThresholds = Readonly<Partial<Record<TaskTypeName, number>>>;

/**
 * The default `stallAfter` of each type, in minutes, from how its API reports progress
 * (../shared/reference/ec2-task-apis.md):
 * - store-image and export-image report a percentage that moves steadily while data is copied to
 *   S3: an hour (store-image) or two (export-image's conversion step is slower) without a move is
 *   abnormal;
 * - bundle reports a percentage while bundling and storing: two hours;
 * - import-image and import-snapshot report a percentage and named sub-steps, but converting a
 *   large disk can sit on one value for a long time: three hours;
 * - conversion (ImportInstance, ImportVolume) reports no progress and waits for the disk image to
 *   be uploaded, which may take a day and is cancelled at `ExpirationTime`: twelve hours, so an
 *   upload that stopped is noticed well before it expires;
 * - export-instance, replace-root-volume and mac-modification report no progress (state and
 *   message only): six hours for an export, one hour for a root-volume replacement (minutes
 *   normally), three hours for a Mac modification (a few reboots).
 */
export const DEFAULT_STALL_AFTER_MINUTES: Readonly<Record<TaskTypeName, number>> = {
  bundle: 120,
  conversion: 720,
  'import-image': 180,
  'import-snapshot': 180,
  'store-image': 60,
  'export-instance': 360,
  'export-image': 120,
  'replace-root-volume': 60,
  'mac-modification': 180,
};

/** Limits of a `stallAfter` value in minutes: at least a few polls, at most a week. */
export const STALL_AFTER_LIMITS = { min: 5, max: 10_080 } as const;

const MINUTE_MS = 60_000;

/** What an event says of a stall (`stall`): on a TaskStalled, and on the change of a task that moves again. */
export interface StallInfo {
  /** ISO-8601 time of the poll that first recorded the values the task stayed on. */
  stillSince: string;
  /** Whole seconds the task had been still when the event's change was detected. */
  stillForSeconds: number;
  /** On the change after a stall: when the TaskStalled was recorded. */
  stalledAt?: string;
}

/** What a listing's state keeps so that a stall is noticed without reading the snapshots. */
export interface StallWatch {
  /** The type's `stallAfter` (minutes) the watch was computed with; another value re-judges the listing. */
  afterMinutes: number;
  /** ISO-8601: the earliest time a running, not yet stalled task can be stalled; absent when none. */
  dueAt?: string;
  /** Stalled tasks' exact progress (null: none reported), by task id: a change means it moved. */
  stalled?: Readonly<Record<string, number | null>>;
}

/** True when a task's progress, raw state or status message differ from its snapshot's. */
export function hasMoved(before: Task, listed: Task): boolean {
  const task = withKnownProgress(listed, before);
  return (
    task.progress !== before.progress ||
    task.state !== before.state ||
    task.statusMessage !== before.statusMessage
  );
}

/** Since when a stored task has been still; an older release's snapshot counts from its last write. */
export function stillSinceOf(snapshot: StoredTask): string | undefined {
  return snapshot.stillSince ?? snapshot.writtenAt;
}

/** When the stored task's stall is due (epoch ms), or undefined when it cannot stall now. */
function dueAtOf(snapshot: StoredTask, afterMinutes: number | undefined): number | undefined {
  if (afterMinutes === undefined || snapshot.gone || snapshot.stalledAt !== undefined) return undefined;
  if (snapshot.task.phase !== 'running') return undefined;
  const since = Date.parse(stillSinceOf(snapshot) ?? '');
  return Number.isNaN(since) ? undefined : since + afterMinutes * MINUTE_MS;
}

function stallOf(stillSince: string, now: Date, stalledAt?: string): StallInfo {
  const stillForSeconds = Math.max(0, Math.floor((now.getTime() - Date.parse(stillSince)) / 1000));
  return { stillSince, stillForSeconds, ...(stalledAt === undefined ? {} : { stalledAt }) };
}

/** Input of {@link judgeStillTasks}. */
export interface StillTasksInput {
  /** The complete listing. */
  listed: readonly Task[];
  /** Its stored snapshots by task id (trusted: not a baseline). */
  stored: ReadonlyMap<string, StoredTask>;
  /** Tasks the diff already decided a write for: their stall fields follow that write. */
  decided: ReadonlySet<string>;
  /** `stallAfter` of the listing's type in minutes; undefined when off. */
  afterMinutes: number | undefined;
  detectedAt: Date;
}

/**
 * The writes stalls call for in a listing, for the tasks the diff left alone: a TaskStalled for a
 * running task still for `stallAfter` and not stalled yet; a silent `moved` write for one whose
 * stall would be due but whose exact values moved within a progress step; and a TaskProgressed for
 * a stalled task that moved within a step (a move is news after a stall).
 */
export function judgeStillTasks(input: StillTasksInput): ListingDecision[] {
  const { listed, stored, decided, afterMinutes, detectedAt } = input;
  const decisions: ListingDecision[] = [];
  const seen = new Set<string>();
  for (const listedTask of listed) {
    if (seen.has(listedTask.taskId) || decided.has(listedTask.taskId)) continue;
    seen.add(listedTask.taskId);
    const snapshot = stored.get(listedTask.taskId);
    if (!snapshot || snapshot.gone || afterMinutes === undefined) continue;
    const task = withKnownProgress(listedTask, snapshot.task);
    const moved = hasMoved(snapshot.task, task);
    const since = stillSinceOf(snapshot);
    if (snapshot.stalledAt !== undefined) {
      if (moved && since !== undefined) {
        decisions.push(
          stallChange('TaskProgressed', snapshot, task, stallOf(since, detectedAt, snapshot.stalledAt)),
        );
      }
      continue;
    }
    const due = dueAtOf(snapshot, afterMinutes);
    if (due === undefined || due > detectedAt.getTime() || since === undefined) continue;
    decisions.push(
      moved
        ? {
            kind: 'silent',
            reason: 'moved',
            task,
            gone: false,
            expectedVersion: snapshot.version,
            stateSince: snapshot.stateSince,
          }
        : stallChange('TaskStalled', snapshot, task, stallOf(since, detectedAt)),
    );
  }
  return decisions;
}

function stallChange(
  changeType: 'TaskStalled' | 'TaskProgressed',
  snapshot: StoredTask,
  task: Task,
  stall: StallInfo,
): DetectedChange {
  // The state is the stored one (the diff decides every change of state), so its `since` holds.
  return {
    kind: 'change',
    changeType,
    previous: observedStatusOf(snapshot.task, snapshot.stateSince),
    current: observedStatusOf(task, snapshot.stateSince),
    task,
    gone: false,
    expectedVersion: snapshot.version,
    stateSince: snapshot.stateSince,
    stall,
  };
}

/** What a snapshot write records besides the task: the stall fields, the progress anchor, and the event's additions. */
export interface ObservationFields {
  stillSince: string;
  stalledAt?: string;
  progressAnchor?: ProgressObservation;
  /** For the event: the stall this change reports or ends. */
  stall?: StallInfo;
  /** For the event's `current`: the estimated completion time, when one is given. */
  estimatedCompletion?: string;
}

/**
 * The observation fields a decision's write records, from the snapshot it replaces: `stillSince`
 * starts again when the progress, state or message written differ from the stored ones;
 * `stalledAt` is set by a TaskStalled and cleared by a move; a change that moves a stalled task
 * carries the stall's duration; the progress anchor and the estimate follow completion-estimate.ts
 * (no estimate while the task is stalled).
 */
export function observationFields(
  before: StoredTask | undefined,
  decision: ListingDecision,
  now: Date,
): ObservationFields {
  const at = now.toISOString();
  const { task } = decision;
  // A disappearance writes the last task seen: it did not move, it is gone.
  const disappeared = decision.kind === 'change' && decision.changeType === 'TaskDisappeared';
  const moved = !before || (!disappeared && hasMoved(before.task, task));
  const stillSince = (moved || !before ? undefined : stillSinceOf(before)) ?? at;
  const stalled = decision.kind === 'change' && decision.changeType === 'TaskStalled';
  const stalledAt = stalled ? at : moved ? undefined : before?.stalledAt;
  let stall = decision.kind === 'change' ? decision.stall : undefined;
  const endedSince = before && stillSinceOf(before);
  if (!stall && moved && before?.stalledAt !== undefined && decision.kind === 'change' && endedSince) {
    stall = stallOf(endedSince, now, before.stalledAt);
  }
  const progressAnchor = anchorAfter(before?.progressAnchor, before?.task, task, now);
  // A stalled task's past rate says nothing about when it will finish.
  const estimatedCompletion = stalledAt
    ? undefined
    : estimateCompletion(progressAnchor, { at: now, progress: task.progress, phase: task.phase });
  return {
    stillSince,
    ...(stalledAt === undefined ? {} : { stalledAt }),
    ...(progressAnchor === undefined ? {} : { progressAnchor }),
    ...(stall === undefined ? {} : { stall }),
    ...(estimatedCompletion === undefined ? {} : { estimatedCompletion }),
  };
}

/**
 * A listing's watch after it was judged, from its snapshots as written: the earliest due time of
 * its running, not yet stalled tasks and the exact progress of the stalled ones. Undefined when
 * stalls are off for the type and no task is stalled (nothing to keep).
 */
export function stallWatchOf(
  snapshots: Iterable<StoredTask>,
  afterMinutes: number | undefined,
): StallWatch | undefined {
  if (afterMinutes === undefined) return undefined;
  let due: number | undefined;
  const stalled: Record<string, number | null> = {};
  for (const snapshot of snapshots) {
    if (snapshot.gone || snapshot.task.phase !== 'running') continue;
    if (snapshot.stalledAt !== undefined) stalled[snapshot.task.taskId] = snapshot.task.progress;
    const at = dueAtOf(snapshot, afterMinutes);
    if (at !== undefined && (due === undefined || at < due)) due = at;
  }
  return {
    afterMinutes,
    ...(due === undefined ? {} : { dueAt: new Date(due).toISOString() }),
    ...(Object.keys(stalled).length === 0 ? {} : { stalled }),
  };
}

/**
 * True when the watch says nothing about stalls needs judging: it was computed with the current
 * `stallAfter`, no stall is due yet, and every stalled task still shows the progress it stalled on
 * (a missing value says nothing). Read with the fingerprint: both quiet, the listing is left alone.
 */
export function isWatchQuiet(
  watch: StallWatch | undefined,
  listed: readonly Task[],
  afterMinutes: number | undefined,
  now: Date,
): boolean {
  if ((watch?.afterMinutes ?? undefined) !== afterMinutes) return false;
  if (!watch) return true;
  if (watch.dueAt !== undefined && Date.parse(watch.dueAt) <= now.getTime()) return false;
  const stalled = watch.stalled ?? {};
  return listed.every((task) => {
    const progress = stalled[task.taskId];
    return progress === undefined || task.progress === null || task.progress === progress;
  });
}

/** True when two watches hold the same (the listing's state needs no write for it). */
export function isSameWatch(a: StallWatch | undefined, b: StallWatch | undefined): boolean {
  if (!a || !b) return a === b;
  const stalledA = Object.entries(a.stalled ?? {});
  const stalledB = b.stalled ?? {};
  return (
    a.afterMinutes === b.afterMinutes &&
    a.dueAt === b.dueAt &&
    stalledA.length === Object.keys(stalledB).length &&
    stalledA.every(([id, progress]) => stalledB[id] === progress)
  );
}
