// When a task that reports progress will be done, from what the monitor observed of it: the first
// observation of its current run (the anchor, kept on the snapshot and written only with writes
// that happen anyway) and the latest one. The rate between the two, applied to what is left, gives
// the estimate. Pure: the poll's time is an input.
import { isTerminal, type Phase } from './phase';
import type { TaskStatus } from './task';

/** One observation of a task's progress: when (ISO-8601) and how far (0–100). */
export interface ProgressObservation {
  at: string;
  progress: number;
}

/**
 * The least time between the anchor and the latest observation for an estimate: EC2's progress
 * moves in whole percents, and over fewer minutes one step more or less changes the rate several
 * times over.
 */
export const MIN_OBSERVED_MS = 5 * 60_000;

/** An estimate further away than this is no estimate (a task creeping at 1 % a day). */
const MAX_REMAINING_MS = 30 * 86_400_000;

/**
 * The anchor to keep after an observation of `task` at `at`:
 * - the first progress the monitor sees starts it;
 * - progress that went back (EC2 restarting a step, a value that is not monotonic) starts it again,
 *   so the estimate is withheld until enough minutes of the new run are observed;
 * - a task leaving `pending` for `running` starts it again (queueing time is not progress);
 * - a finished task keeps none; a missing progress value keeps the anchor as it is.
 *
 * @param before the stored status, if any
 */
export function anchorAfter(
  anchor: ProgressObservation | undefined,
  before: TaskStatus | undefined,
  task: TaskStatus,
  at: Date,
): ProgressObservation | undefined {
  if (isTerminal(task.phase)) return undefined;
  if (task.progress === null) return anchor;
  const fresh = { at: at.toISOString(), progress: task.progress };
  if (!anchor || task.progress < anchor.progress) return fresh;
  if (before && before.phase !== task.phase) return fresh;
  return anchor;
}

/**
 * The estimated completion time (ISO-8601, to the second) of a task at `latest`, from its
 * anchor, or undefined when it is withheld: the task is not pending or running, reports no
 * progress or is at 100 %, fewer than {@link MIN_OBSERVED_MS} separate the two observations,
 * progress did not move forward between them (rate zero, or not monotonic), or the estimate is
 * more than 30 days away.
 */
export function estimateCompletion(
  anchor: ProgressObservation | undefined,
  latest: { at: Date; progress: number | null; phase: Phase },
): string | undefined {
  if (!anchor || latest.progress === null || latest.progress >= 100) return undefined;
  if (latest.phase !== 'running' && latest.phase !== 'pending') return undefined;
  const elapsed = latest.at.getTime() - Date.parse(anchor.at);
  const gained = latest.progress - anchor.progress;
  if (!(elapsed >= MIN_OBSERVED_MS) || gained <= 0) return undefined;
  const remaining = ((100 - latest.progress) * elapsed) / gained;
  if (remaining > MAX_REMAINING_MS) return undefined;
  const at = new Date(latest.at.getTime() + remaining);
  at.setUTCMilliseconds(0);
  return at.toISOString();
}
