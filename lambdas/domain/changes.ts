// The heart of the monitor: compares one complete listing of a (Region, task type) with the
// stored snapshots and decides, per task, what changed. Pure: no I/O, no clock (the poll's time
// is an input), no randomness, so every rule of the product is tested here without mocks.
import { isTerminal } from './phase';
import { isSameState, type ObservedStatus, observedStatusOf, type Task, type TaskStatus } from './task';

/** The kinds of change the monitor publishes. */
export type ChangeType = 'TaskStateChanged' | 'TaskDiscovered' | 'TaskProgressed' | 'TaskDisappeared';

/** Every change type. */
export const CHANGE_TYPES: readonly ChangeType[] = [
  'TaskStateChanged',
  'TaskDiscovered',
  'TaskProgressed',
  'TaskDisappeared',
];

/** What the store holds for one task: its last recorded state and the write version. */
export interface StoredTask {
  task: Task;
  /** Increases by one with every write of the snapshot; the optimistic-concurrency token. */
  version: number;
  /** True once the task has left the listing. */
  gone: boolean;
  /**
   * ISO-8601 time of the poll that first saw the task in its stored state (see
   * {@link ObservedStatus.since}). Absent on snapshots written before the monitor kept it.
   */
  stateSince?: string;
}

/** A change to record and publish. */
export interface DetectedChange {
  kind: 'change';
  changeType: ChangeType;
  /** The stored status, with since when it was observed (unknown for an old snapshot). */
  previous: ObservedStatus | null;
  /** The new status; its `since` is the poll's time when the state changed, the stored one otherwise. */
  current: ObservedStatus;
  /** The snapshot to store with the change (for a disappearance, the last one seen, marked gone). */
  task: Task;
  gone: boolean;
  /** Version the stored snapshot must still have for this write to win; 0 when none is stored. */
  expectedVersion: number;
  /** The snapshot's new {@link StoredTask.stateSince}: always `current.since`. */
  stateSince: string | undefined;
}

/** A snapshot write that publishes nothing: a terminal task seen at baseline, or one that aged out. */
export interface SilentUpdate {
  kind: 'silent';
  reason: 'baseline-terminal' | 'aged-out' | 'relisted';
  task: Task;
  gone: boolean;
  expectedVersion: number;
  /** The snapshot's {@link StoredTask.stateSince}: the poll's time for a task first seen, else kept. */
  stateSince: string | undefined;
}

/** One write the poller must make for a listing. */
export type ListingDecision = DetectedChange | SilentUpdate;

/** Input of {@link diffListing}. */
export interface ListingDiffInput {
  /** Every task of a listing that was read completely. */
  listed: readonly Task[];
  /** The stored snapshots of the same (Region, task type), keyed by task id. */
  stored: ReadonlyMap<string, StoredTask>;
  /** True for the first complete listing of this (Region, task type): terminal tasks are recorded silently. */
  baseline: boolean;
  /** Progress granularity in percent. */
  progressStep: number;
  /** Time of the poll that read the listing: the `since` of every state it is the first to see. */
  detectedAt: Date;
  /**
   * Whether stored tasks missing from the listing are judged (TaskDisappeared, ageing out).
   * False when the listing skipped objects it could not identify.
   * @default true
   */
  judgeAbsent?: boolean;
}

/**
 * Decides the writes for one complete listing. Tasks absent from the listing are judged too,
 * so the caller must only pass listings whose every page succeeded.
 */
export function diffListing({
  listed,
  stored,
  baseline,
  progressStep,
  detectedAt,
  judgeAbsent = true,
}: ListingDiffInput): ListingDecision[] {
  const now = detectedAt.toISOString();
  const decisions: ListingDecision[] = [];
  const seen = new Set<string>();
  for (const task of listed) {
    // A listing can repeat an id across pages while tasks move; the first occurrence wins.
    if (seen.has(task.taskId)) continue;
    seen.add(task.taskId);
    const decision = judgeListedTask(task, stored.get(task.taskId), baseline, progressStep, now);
    if (decision) decisions.push(decision);
  }
  for (const [taskId, snapshot] of stored) {
    if (!judgeAbsent || seen.has(taskId) || snapshot.gone) continue;
    decisions.push(judgeMissingTask(snapshot, now));
  }
  return decisions;
}

function judgeListedTask(
  listed: Task,
  snapshot: StoredTask | undefined,
  baseline: boolean,
  progressStep: number,
  now: string,
): ListingDecision | undefined {
  if (!snapshot) {
    const task = listed;
    if (!isTerminal(task.phase)) return change('TaskDiscovered', null, task, 0, now);
    // Deploying the stack must not replay last week's history; after that, a task that is born
    // and finishes between two polls (an import failing in seconds) must still alert.
    if (baseline)
      return {
        kind: 'silent',
        reason: 'baseline-terminal',
        task,
        gone: false,
        expectedVersion: 0,
        stateSince: now,
      };
    return change('TaskStateChanged', null, task, 0, now);
  }
  const before = snapshot.task;
  const task = withKnownProgress(listed, before);
  // Progress and message changes happen within a state, so they keep the time it began; an old
  // snapshot's unknown time stays unknown rather than being guessed.
  const since = isSameState(before, task) ? snapshot.stateSince : now;
  if (before.phase !== task.phase) {
    // A task's end is announced once. EC2 changing its mind about a finished task (cancelled, then
    // an error message) is recorded as progress, never as a second end; the task types' lifecycles
    // (transitional states) keep the one announcement the right one.
    const changeType = isTerminal(before.phase) ? 'TaskProgressed' : 'TaskStateChanged';
    return change(changeType, snapshot, task, snapshot.version, since);
  }
  if (
    before.state !== task.state ||
    before.statusMessage !== task.statusMessage ||
    progressBucket(before.progress, progressStep) !== progressBucket(task.progress, progressStep)
  ) {
    return change('TaskProgressed', snapshot, task, snapshot.version, since);
  }
  if (snapshot.gone)
    return {
      kind: 'silent',
      reason: 'relisted',
      task,
      gone: false,
      expectedVersion: snapshot.version,
      stateSince: snapshot.stateSince,
    };
  return undefined;
}

function judgeMissingTask(snapshot: StoredTask, now: string): ListingDecision {
  const last = snapshot.task;
  if (isTerminal(last.phase)) {
    return {
      kind: 'silent',
      reason: 'aged-out',
      task: last,
      gone: true,
      expectedVersion: snapshot.version,
      stateSince: snapshot.stateSince,
    };
  }
  const status: TaskStatus = {
    state: last.state,
    phase: 'unknown',
    progress: last.progress,
    statusMessage: 'The task is no longer listed by EC2 although it had not finished.',
  };
  return {
    kind: 'change',
    changeType: 'TaskDisappeared',
    previous: observedStatusOf(last, snapshot.stateSince),
    // Phase unknown is a new state, first observed by this listing.
    current: observedStatusOf(status, now),
    task: { ...last, ...status },
    gone: true,
    expectedVersion: snapshot.version,
    stateSince: now,
  };
}

function change(
  changeType: ChangeType,
  before: StoredTask | null,
  task: Task,
  expectedVersion: number,
  since: string | undefined,
): DetectedChange {
  return {
    kind: 'change',
    changeType,
    previous: before ? observedStatusOf(before.task, before.stateSince) : null,
    current: observedStatusOf(task, since),
    task,
    gone: false,
    expectedVersion,
    stateSince: since,
  };
}

/**
 * The listed task with the last known progress when EC2 left it out this time: a missing value
 * says nothing about how far the task got, so 60 → (none) → 61 is no progress at all. A task that
 * has just finished keeps its missing value: done is not "60 %".
 */
function withKnownProgress(listed: Task, before: Task): Task {
  if (listed.progress !== null || before.progress === null) return listed;
  if (isTerminal(listed.phase) && listed.phase !== before.phase) return listed;
  return { ...listed, progress: before.progress };
}

/**
 * The progress step a value falls in. Missing progress counts as 0 so that an API that reports
 * progress only now and then does not emit on every appearance.
 */
export function progressBucket(progress: number | null, step: number): number {
  return Math.floor((progress ?? 0) / step);
}
