// Builders of normalised tasks for the domain tests: realistic defaults, overridable per test.
import type { ChangeType, StoredTask } from '../../lambdas/domain/changes';
import { buildEvent, type EventInput, type TaskChangeEvent } from '../../lambdas/domain/event';
import { type ObservedStatus, statusOf, type Task } from '../../lambdas/domain/task';

/** A running import-image task in us-east-1, as the normaliser would produce it. */
export function aTask(overrides: Partial<Task> = {}): Task {
  return {
    taskType: 'import-image',
    taskId: 'import-ami-0123456789abcdef0',
    region: 'us-east-1',
    account: '123456789012',
    state: 'active',
    phase: 'running',
    progress: 28,
    statusMessage: 'converting',
    resources: { bucket: 'vm-images', key: 'disks/web.vmdk' },
    startTime: null,
    updateTime: null,
    raw: {
      ImportTaskId: 'import-ami-0123456789abcdef0',
      Status: 'active',
      StatusMessage: 'converting',
      Progress: '28',
    },
    ...overrides,
  };
}

/** A stored snapshot of a task; `stateSince` left out, as on a snapshot written before it was kept. */
export function stored(task: Task, version = 1, gone = false, stateSince?: string): StoredTask {
  return stateSince === undefined ? { task, version, gone } : { task, version, gone, stateSince };
}

/** A map of stored snapshots keyed by task id. */
export function storedMap(...snapshots: StoredTask[]): Map<string, StoredTask> {
  return new Map(snapshots.map((snapshot) => [snapshot.task.taskId, snapshot]));
}

/**
 * The event of a change to `task` (its status is the current one), as the poller builds it: by
 * default a TaskStateChanged from a running `active` import at 40%, version 1, detected
 * 2026-11-23T08:00:00Z.
 */
export function aChange(
  task: Task,
  overrides: Partial<Omit<EventInput, 'task' | 'current'>> = {},
): TaskChangeEvent {
  return buildEvent({
    changeType: 'TaskStateChanged',
    previous: { state: 'active', phase: 'running', progress: 40, statusMessage: null },
    current: statusOf(task),
    task,
    version: 1,
    detectedAt: new Date('2026-11-23T08:00:00.000Z'),
    ...overrides,
  });
}

/** When {@link aTimedChange} detects its change: 2026-11-23T08:00:00Z. */
export const DETECTED_AT = new Date('2026-11-23T08:00:00.000Z');

/** Converting since 06:55, so 1h 5m in that state when the change is detected at 08:00. */
export const RUNNING_SINCE_0655: ObservedStatus = {
  state: 'active',
  phase: 'running',
  progress: 42,
  statusMessage: 'converting',
  since: '2026-11-23T06:55:00.000Z',
};

/**
 * The event of a change to `task` as the renderers see it, with the times they show: detected at
 * {@link DETECTED_AT}, the current status entered then, version 5; by default a TaskStateChanged
 * from {@link RUNNING_SINCE_0655}.
 */
export function aTimedChange(
  task: Task,
  changeType: ChangeType = 'TaskStateChanged',
  previous: ObservedStatus | null = RUNNING_SINCE_0655,
): TaskChangeEvent {
  return buildEvent({
    changeType,
    previous,
    current: { ...statusOf(task), since: DETECTED_AT.toISOString() },
    task,
    version: 5,
    detectedAt: DETECTED_AT,
  });
}
