// The fault suite's tasks and the transitions they must produce. Tests drive simulated tasks
// through this model, which knows each task's next snapshot version and so the exact event id
// (derived from the task and its version) of every transition the monitor has to deliver.
import type { Ec2Simulator } from '../../../devkit/ec2-simulator';
import { LOCAL_ACCOUNT } from '../../../devkit/local-deployment';
import type { ChangeType } from '../../../lambdas/domain/changes';
import { eventIdFor, type TaskChangeEvent } from '../../../lambdas/domain/event';
import type { Phase } from '../../../lambdas/domain/phase';

/** The task types the suite uses: both list flat Status / StatusMessage / Progress members. */
export type FaultTaskType = 'import-image' | 'export-image';

/** One change the monitor must record and publish. */
export interface Transition {
  region: string;
  taskType: FaultTaskType;
  taskId: string;
  /** Snapshot version the change creates. */
  version: number;
  changeType: ChangeType;
  phase: Phase;
  eventId: string;
}

const ID_MEMBER: Record<FaultTaskType, string> = {
  'import-image': 'ImportTaskId',
  'export-image': 'ExportImageTaskId',
};

/** Drives simulated tasks and returns the transition each step must produce. */
export class TaskModel {
  private readonly versions = new Map<string, number>();

  constructor(private readonly sim: Ec2Simulator) {}

  /** A new running task (progress in percent): TaskDiscovered. */
  start(region: string, taskType: FaultTaskType, taskId: string, progress = 10): Transition {
    const extra = taskType === 'export-image' ? { ImageId: 'ami-0abcdef1234567890' } : {};
    this.sim.putTask(region, taskType, {
      [ID_MEMBER[taskType]]: taskId,
      ...extra,
      Status: 'active',
      StatusMessage: 'converting',
      Progress: String(progress),
    });
    return this.next(region, taskType, taskId, 'TaskDiscovered', 'running');
  }

  /** Progress into another 25 % step: TaskProgressed. */
  progress(region: string, taskType: FaultTaskType, taskId: string, progress: number): Transition {
    this.sim.updateTask(region, taskType, taskId, { Progress: String(progress) });
    return this.next(region, taskType, taskId, 'TaskProgressed', 'running');
  }

  /** The task completes: TaskStateChanged to succeeded. */
  complete(region: string, taskType: FaultTaskType, taskId: string): Transition {
    this.sim.updateTask(region, taskType, taskId, {
      Status: 'completed',
      StatusMessage: null,
      Progress: null,
    });
    return this.next(region, taskType, taskId, 'TaskStateChanged', 'succeeded');
  }

  private next(
    region: string,
    taskType: FaultTaskType,
    taskId: string,
    changeType: ChangeType,
    phase: Phase,
  ): Transition {
    const key = `${region}|${taskType}|${taskId}`;
    const version = (this.versions.get(key) ?? 0) + 1;
    this.versions.set(key, version);
    const eventId = eventIdFor({ account: LOCAL_ACCOUNT, region, taskType, taskId }, version);
    return { region, taskType, taskId, version, changeType, phase, eventId };
  }
}

/** What a transition or a delivered event looks like in assertions. */
function label(changeType: string, phase: string, eventId: string): string {
  return `${changeType} ${phase} ${eventId}`;
}

/** Expected deliveries per task, in order: `changeType phase eventId`. */
export function expectedByTask(transitions: readonly Transition[]): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const t of transitions) (grouped[t.taskId] ??= []).push(label(t.changeType, t.phase, t.eventId));
  return grouped;
}

/** Delivered events per task, in arrival order, labelled like {@link expectedByTask}. */
export function deliveredByTask(events: readonly TaskChangeEvent[]): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const e of events) (grouped[e.taskId] ??= []).push(label(e.changeType, e.current.phase, e.eventId));
  return grouped;
}
