// The heart of the monitor: compares one complete listing of a (Region, task type) with the
// stored snapshots and decides, per task, what changed. Pure: no I/O, no clock (the poll's time
// is an input), no randomness, so every rule of the product is tested here without mocks.
import type { ProgressObservation } from './completion-estimate';
import { isTerminal } from './phase';
import type { StallInfo } from './stall';
import {
  isSameState,
  type ObservedStatus,
  observedStatusOf,
  type RelatedResources,
  type Task,
  type TaskStatus,
} from './task';

/** The kinds of change the monitor publishes. */
export type ChangeType =
  'TaskStateChanged' | 'TaskDiscovered' | 'TaskProgressed' | 'TaskDisappeared' | 'TaskStalled';

/** Every change type. */
export const CHANGE_TYPES: readonly ChangeType[] = [
  'TaskStateChanged',
  'TaskDiscovered',
  'TaskProgressed',
  'TaskDisappeared',
  'TaskStalled',
];

/** Consecutive complete listings a task must be missing from before it is declared disappeared. */
export const DEFAULT_DISAPPEAR_AFTER_MISSES = 2;

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
  /** Consecutive complete listings the unfinished task has been missing from; absent when none. */
  misses?: number;
  /** ISO-8601 time of the poll that wrote the snapshot; absent on snapshots of older releases. */
  writtenAt?: string;
  /** ISO-8601 time (milliseconds) the listing that wrote the snapshot began to be read. */
  observedAt?: string;
  /**
   * ISO-8601 time of the poll that first recorded the task's current progress, raw state and status
   * message together (see stall.ts); absent on snapshots of older releases.
   */
  stillSince?: string;
  /** ISO-8601 time a TaskStalled was recorded for the current still period; absent when none was. */
  stalledAt?: string;
  /** The first progress observation of the current run (see completion-estimate.ts); absent when none. */
  progressAnchor?: ProgressObservation;
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
  /** For a TaskStalled, or a change of a task that moves again after one: the stall (see stall.ts). */
  stall?: StallInfo;
}

/**
 * Why a snapshot is written without publishing anything:
 * - `baseline-terminal`: a finished task seen by a baseline (history, not news);
 * - `stale`: a snapshot a re-baseline does not trust, of a task no longer listed: retired;
 * - `aged-out`: a finished task left the listing;
 * - `relisted`: a task marked gone is listed again, unchanged;
 * - `missed`: an unfinished task is missing from a listing, not yet often enough to be declared disappeared;
 * - `returned`: such a task is back before that, unchanged;
 * - `spared`: such a task is missing, but an object the listing could not identify could be it: not
 *   judged, and its count of consecutive misses starts again;
 * - `moved`: a stall would be due, but the task moved within a progress step since its snapshot was
 *   written: the exact values are recorded and its still time starts again (stall.ts).
 */
export type SilentReason =
  'baseline-terminal' | 'stale' | 'aged-out' | 'relisted' | 'missed' | 'returned' | 'spared' | 'moved';

/** Reasons of the silent writes that judge a task as in a baseline. */
export const BASELINE_REASONS: readonly SilentReason[] = ['baseline-terminal', 'stale'];

/** A snapshot write that publishes nothing. */
export interface SilentUpdate {
  kind: 'silent';
  reason: SilentReason;
  task: Task;
  gone: boolean;
  expectedVersion: number;
  /** The snapshot's {@link StoredTask.stateSince}: the poll's time for a task first seen, else kept. */
  stateSince: string | undefined;
  /** The snapshot's new miss count; absent when none. */
  misses?: number;
}

/** One write the poller must make for a listing. */
export type ListingDecision = DetectedChange | SilentUpdate;

/** Input of {@link diffListing}. */
export interface ListingDiffInput {
  /** Every task of a listing that was read completely. */
  listed: readonly Task[];
  /** The stored snapshots of the same (Region, task type), keyed by task id. */
  stored: ReadonlyMap<string, StoredTask>;
  /**
   * True for a baseline (the first complete listing, or a re-baseline after a gap): every task is
   * judged as in a baseline, unfinished ones discovered and finished ones recorded silently.
   */
  baseline: boolean;
  /**
   * A re-baseline's start: snapshots written before it (or with no time) are not trusted, and are
   * judged as if the task were seen for the first time.
   * @default - every snapshot is trusted
   */
  untrustedBefore?: string;
  /**
   * Finished tasks an earlier baseline saw but could not record: judged as in a baseline, their
   * snapshots not trusted, even when the listing is not a baseline.
   * @default - none
   */
  unsettled?: ReadonlySet<string>;
  /** Progress granularity in percent. */
  progressStep: number;
  /** Time of the poll that read the listing: the `since` of every state it is the first to see. */
  detectedAt: Date;
  /**
   * Consecutive complete listings an unfinished task must be missing from before it is declared
   * disappeared; the misses before that are recorded silently.
   * @default DEFAULT_DISAPPEAR_AFTER_MISSES
   */
  disappearAfterMisses?: number;
  /**
   * What the listing's objects that could not be identified (no id) do tell: their resources. A
   * stored task missing from the listing that could be one of them is not judged at all; one whose
   * resources contradict every one of them is.
   * @default - none
   */
  unidentified?: ReadonlyArray<Partial<RelatedResources>>;
}

/**
 * Decides the writes for one complete listing. Tasks absent from the listing are judged too,
 * so the caller must only pass listings whose every page succeeded.
 */
export function diffListing(input: ListingDiffInput): ListingDecision[] {
  const { listed, stored, unidentified = [] } = input;
  const judge = judgeWith(input);
  const decisions: ListingDecision[] = [];
  const seen = new Set<string>();
  for (const task of listed) {
    // A listing can repeat an id across pages while tasks move; the first occurrence wins.
    if (seen.has(task.taskId)) continue;
    seen.add(task.taskId);
    const decision = judge.listed(task, stored.get(task.taskId));
    if (decision) decisions.push(decision);
  }
  for (const [taskId, snapshot] of stored) {
    if (seen.has(taskId) || snapshot.gone) continue;
    if (unidentified.some((resources) => couldBe(snapshot.task, resources))) {
      // Not judged: it could be listed after all. Its misses are no longer consecutive, so a
      // count is cleared (one write, only when there is one).
      if ((snapshot.misses ?? 0) > 0) {
        decisions.push(silent('spared', snapshot.task, false, snapshot, snapshot.stateSince));
      }
      continue;
    }
    decisions.push(judge.missing(snapshot));
  }
  return decisions;
}

/** False when a stored task's resources contradict what an unidentified object tells. */
function couldBe(task: Task, resources: Partial<RelatedResources>): boolean {
  return (Object.keys(resources) as Array<keyof RelatedResources>).every((name) => {
    const known = resources[name];
    const stored = task.resources[name];
    return known === undefined || stored === undefined || known === stored;
  });
}

function judgeWith({
  baseline,
  untrustedBefore,
  unsettled = new Set<string>(),
  progressStep,
  detectedAt,
  disappearAfterMisses = DEFAULT_DISAPPEAR_AFTER_MISSES,
}: ListingDiffInput) {
  const now = detectedAt.toISOString();
  const asInBaseline = (taskId: string) => baseline || unsettled.has(taskId);
  const trusted = (snapshot: StoredTask) =>
    !unsettled.has(snapshot.task.taskId) &&
    (untrustedBefore === undefined || (snapshot.writtenAt ?? '') >= untrustedBefore);

  return {
    listed(task: Task, snapshot: StoredTask | undefined): ListingDecision | undefined {
      if (snapshot && trusted(snapshot)) return judgeKnownTask(task, snapshot, progressStep, now);
      // Seen for the first time, or its snapshot cannot be trusted: judged as new, written over
      // the untrusted snapshot (conditioned on its version).
      return judgeNewTask(task, asInBaseline(task.taskId), snapshot?.version ?? 0, now);
    },
    missing(snapshot: StoredTask): ListingDecision {
      if (!trusted(snapshot)) return silent('stale', snapshot.task, true, snapshot, snapshot.stateSince);
      return judgeMissingTask(snapshot, disappearAfterMisses, now);
    },
  };
}

function judgeNewTask(
  task: Task,
  inBaseline: boolean,
  expectedVersion: number,
  now: string,
): ListingDecision {
  if (!isTerminal(task.phase)) return change('TaskDiscovered', null, task, expectedVersion, now);
  // Deploying the stack must not replay last week's history; after that, a task that is born
  // and finishes between two polls (an import failing in seconds) must still alert.
  if (inBaseline) {
    return {
      kind: 'silent',
      reason: 'baseline-terminal',
      task,
      gone: false,
      expectedVersion,
      stateSince: now,
    };
  }
  return change('TaskStateChanged', null, task, expectedVersion, now);
}

function judgeKnownTask(
  listed: Task,
  snapshot: StoredTask,
  progressStep: number,
  now: string,
): ListingDecision | undefined {
  const before = snapshot.task;
  const task = stillFinished(withKnownProgress(listed, before), before);
  // Progress and message changes happen within a state, so they keep the time it began; an old
  // snapshot's unknown time stays unknown rather than being guessed.
  const since = isSameState(before, task) ? snapshot.stateSince : now;
  if (before.phase !== task.phase) {
    // A task's end is announced once. EC2 changing its mind about a finished task (cancelled, then
    // an error message) is recorded as progress, never as a second end (stillFinished keeps the
    // phase terminal); the task types' lifecycles (transitional states) keep the one announcement
    // the right one.
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
  if (snapshot.gone) return silent('relisted', task, false, snapshot, snapshot.stateSince);
  // Back before it was declared disappeared: nothing to tell, only the count to clear.
  if ((snapshot.misses ?? 0) > 0) return silent('returned', task, false, snapshot, snapshot.stateSince);
  return undefined;
}

function judgeMissingTask(snapshot: StoredTask, disappearAfterMisses: number, now: string): ListingDecision {
  const last = snapshot.task;
  if (isTerminal(last.phase)) return silent('aged-out', last, true, snapshot, snapshot.stateSince);
  // One listing can miss a task (pages read while the set changes, a short answer from EC2): a
  // task is declared disappeared only after enough consecutive complete listings without it.
  const misses = (snapshot.misses ?? 0) + 1;
  if (misses < disappearAfterMisses) {
    return { ...silent('missed', last, false, snapshot, snapshot.stateSince), misses };
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

function silent(
  reason: SilentReason,
  task: Task,
  gone: boolean,
  snapshot: StoredTask,
  stateSince: string | undefined,
): SilentUpdate {
  return { kind: 'silent', reason, task, gone, expectedVersion: snapshot.version, stateSince };
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
 * The listed task, still in its stored terminal phase when EC2 now reports a state that is not one
 * (a transitional state whose error message went away, or a snapshot an older release stored as
 * cancelled while EC2 was still cancelling): once announced, an end stays an end, so the next
 * terminal state is progress, not a second end. A move to another terminal phase is kept.
 */
function stillFinished(listed: Task, before: Task): Task {
  if (!isTerminal(before.phase) || isTerminal(listed.phase)) return listed;
  return { ...listed, phase: before.phase };
}

/**
 * The listed task with the last known progress when EC2 left it out this time: a missing value
 * says nothing about how far the task got, so 60 → (none) → 61 is no progress at all. A task that
 * has just finished keeps its missing value: done is not "60 %".
 */
export function withKnownProgress(listed: Task, before: Task): Task {
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
