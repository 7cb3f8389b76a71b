// The heart of the monitor: compares one complete listing of a (Region, task type) with the
// stored snapshots and decides, per task, what changed. Pure: no I/O, no clock, no randomness,
// so every rule of the product is tested here without mocks.
import { isTerminal } from './phase';
import { statusOf, type Task, type TaskStatus } from './task';

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
}

/** A change to record and publish. */
export interface DetectedChange {
  kind: 'change';
  changeType: ChangeType;
  previous: TaskStatus | null;
  current: TaskStatus;
  /** The snapshot to store with the change (for a disappearance, the last one seen, marked gone). */
  task: Task;
  gone: boolean;
  /** Version the stored snapshot must still have for this write to win; 0 when none is stored. */
  expectedVersion: number;
}

/** A snapshot write that publishes nothing: a terminal task seen at baseline, or one that aged out. */
export interface SilentUpdate {
  kind: 'silent';
  reason: 'baseline-terminal' | 'aged-out' | 'relisted';
  task: Task;
  gone: boolean;
  expectedVersion: number;
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
  judgeAbsent = true,
}: ListingDiffInput): ListingDecision[] {
  const decisions: ListingDecision[] = [];
  const seen = new Set<string>();
  for (const task of listed) {
    // A listing can repeat an id across pages while tasks move; the first occurrence wins.
    if (seen.has(task.taskId)) continue;
    seen.add(task.taskId);
    const decision = judgeListedTask(task, stored.get(task.taskId), baseline, progressStep);
    if (decision) decisions.push(decision);
  }
  for (const [taskId, snapshot] of stored) {
    if (!judgeAbsent || seen.has(taskId) || snapshot.gone) continue;
    decisions.push(judgeMissingTask(snapshot));
  }
  return decisions;
}

function judgeListedTask(
  task: Task,
  snapshot: StoredTask | undefined,
  baseline: boolean,
  progressStep: number,
): ListingDecision | undefined {
  if (!snapshot) {
    if (!isTerminal(task.phase)) return change('TaskDiscovered', null, task, 0);
    // Deploying the stack must not replay last week's history; after that, a task that is born
    // and finishes between two polls (an import failing in seconds) must still alert.
    if (baseline)
      return { kind: 'silent', reason: 'baseline-terminal', task, gone: false, expectedVersion: 0 };
    return change('TaskStateChanged', null, task, 0);
  }
  const before = snapshot.task;
  if (before.phase !== task.phase) return change('TaskStateChanged', before, task, snapshot.version);
  if (
    before.state !== task.state ||
    before.statusMessage !== task.statusMessage ||
    progressBucket(before.progress, progressStep) !== progressBucket(task.progress, progressStep)
  ) {
    return change('TaskProgressed', before, task, snapshot.version);
  }
  if (snapshot.gone)
    return { kind: 'silent', reason: 'relisted', task, gone: false, expectedVersion: snapshot.version };
  return undefined;
}

function judgeMissingTask(snapshot: StoredTask): ListingDecision {
  const last = snapshot.task;
  if (isTerminal(last.phase)) {
    return { kind: 'silent', reason: 'aged-out', task: last, gone: true, expectedVersion: snapshot.version };
  }
  const current: TaskStatus = {
    state: last.state,
    phase: 'unknown',
    progress: last.progress,
    statusMessage: 'The task is no longer listed by EC2 although it had not finished.',
  };
  return {
    kind: 'change',
    changeType: 'TaskDisappeared',
    previous: statusOf(last),
    current,
    task: { ...last, ...current },
    gone: true,
    expectedVersion: snapshot.version,
  };
}

function change(
  changeType: ChangeType,
  before: Task | null,
  task: Task,
  expectedVersion: number,
): DetectedChange {
  return {
    kind: 'change',
    changeType,
    previous: before ? statusOf(before) : null,
    current: statusOf(task),
    task,
    gone: false,
    expectedVersion,
  };
}

/**
 * The progress step a value falls in. Missing progress counts as 0 so that an API that reports
 * progress only now and then does not emit on every appearance.
 */
export function progressBucket(progress: number | null, step: number): number {
  return Math.floor((progress ?? 0) / step);
}
