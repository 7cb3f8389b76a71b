// The normalised task: one shape for all nine EC2 task APIs. The diff, the events and the
// DynamoDB snapshot all work on this shape, never on the raw API objects.
import type { Phase } from './phase';

/** The product's name of each EC2 task type; appears in every event and message attribute. */
export type TaskTypeName =
  | 'bundle'
  | 'conversion'
  | 'import-image'
  | 'import-snapshot'
  | 'store-image'
  | 'export-instance'
  | 'export-image'
  | 'replace-root-volume'
  | 'mac-modification';

/** Every task type, in the order the docs and the poller list them. */
export const TASK_TYPE_NAMES: readonly TaskTypeName[] = [
  'bundle',
  'conversion',
  'import-image',
  'import-snapshot',
  'store-image',
  'export-instance',
  'export-image',
  'replace-root-volume',
  'mac-modification',
];

/** Narrows a string to a task type name. */
export function isTaskTypeName(value: string): value is TaskTypeName {
  return (TASK_TYPE_NAMES as readonly string[]).includes(value);
}

/** Ids of the AWS resources a task works on or produces. Only the ones the API reports are set. */
export interface RelatedResources {
  instanceId?: string;
  imageId?: string;
  snapshotId?: string;
  volumeId?: string;
  /** S3 bucket the task reads from or writes to. */
  bucket?: string;
  /** S3 object key or key prefix inside {@link bucket}. */
  key?: string;
}

/** The state of a task at one point, as the diff and the events see it. */
export interface TaskStatus {
  /** The API's raw state, for example `bundling` or `InProgress`. */
  state: string;
  phase: Phase;
  /** Percent complete, 0–100, or null when the API gives none. */
  progress: number | null;
  /** Status message, failure reason or `code: message`, whichever the API gives; null when none. */
  statusMessage: string | null;
}

/** One EC2 task normalised to the product's shape. */
export interface Task extends TaskStatus {
  taskType: TaskTypeName;
  /** The API's task id; for store-image, `<AMI id>@<task start time>`. */
  taskId: string;
  region: string;
  account: string;
  resources: RelatedResources;
  /** ISO-8601 start time, when the API reports one. */
  startTime: string | null;
  /** ISO-8601 time of the last update or completion, when the API reports one. */
  updateTime: string | null;
  /** The API object as returned (dates as ISO strings), trimmed to bounded size. */
  raw: Record<string, unknown>;
}

/**
 * A status as events carry it (`previous` and `current`): the {@link TaskStatus} and since when the
 * monitor has seen the task in that state.
 *
 * "State" here is what people read as the state: the raw `state` together with its `phase`
 * (`running (active)`). A change of either starts a new state; a change of progress or of the
 * status message alone does not.
 */
export interface ObservedStatus extends TaskStatus {
  /**
   * ISO-8601 time of the first poll that saw the task in this state: when the monitor observed it,
   * not when EC2 entered it (at most one poll interval later for a change the monitor saw happen;
   * for a task already in that state when the monitor first listed it, the time of that listing).
   * Absent when unknown: the task's snapshot was recorded before the monitor kept this time.
   */
  since?: string;
  /**
   * ISO-8601 time the task is estimated to finish, from the progress observed so far (see
   * completion-estimate.ts); only on `current`, and absent when no estimate is given.
   */
  estimatedCompletion?: string;
}

/** The status part of a task, as carried in events as `previous` and `current`. */
export function statusOf(task: TaskStatus): TaskStatus {
  return { state: task.state, phase: task.phase, progress: task.progress, statusMessage: task.statusMessage };
}

/** The status part of a task with the time its state was first observed; no `since` when unknown. */
export function observedStatusOf(task: TaskStatus, since: string | undefined): ObservedStatus {
  return since === undefined ? statusOf(task) : { ...statusOf(task), since };
}

/** True when two statuses are the same state as people read it: same raw state and same phase. */
export function isSameState(a: TaskStatus, b: TaskStatus): boolean {
  return a.state === b.state && a.phase === b.phase;
}
