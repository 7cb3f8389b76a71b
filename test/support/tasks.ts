// Builders of normalised tasks for the domain tests: realistic defaults, overridable per test.
import type { StoredTask } from '../../lambdas/domain/changes';
import { buildEvent, type EventInput, type TaskChangeEvent } from '../../lambdas/domain/event';
import { statusOf, type Task } from '../../lambdas/domain/task';

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
