// Why: EC2 keeps tasks per account and Region; the simulator keeps one map per Region and task
// type, validating every task against its API's shape so what is stored is what the SDK reads.
import { cloneTask, specOfType, type SdkTask, type TaskTypeName, taskIdOf } from './task-types';
import { TaskShapeError, validateAgainstShape } from './task-validation';

/** One stored task with where it lives. */
export interface StoredTask {
  readonly region: string;
  readonly taskType: TaskTypeName;
  /** The task's id; for store-image `${AmiId}@${ISO TaskStartTime}`. */
  readonly id: string;
  readonly task: SdkTask;
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Throws unless `region` looks like an AWS Region name (`us-east-1`, `us-gov-west-1`). */
export function assertRegion(region: unknown, path = 'region'): asserts region is string {
  if (typeof region !== 'string' || !REGION_PATTERN.test(region)) {
    throw new TaskShapeError(path, `expected a Region name like 'us-east-1', got ${JSON.stringify(region)}`);
  }
}

/** An update or removal named a task that is not stored. */
export class TaskNotFoundError extends Error {
  constructor(
    readonly region: string,
    readonly taskType: string,
    readonly id: string,
  ) {
    super(`No ${taskType} task '${id}' in ${region}`);
    this.name = 'TaskNotFoundError';
  }
}

/** Tasks by Region, task type and id. Returned tasks are copies: callers cannot change the store. */
export class TaskStore {
  private readonly regions = new Map<string, Map<TaskTypeName, Map<string, SdkTask>>>();

  /**
   * Stores a task, replacing any task with the same id.
   * @returns the task's id.
   * @throws {TaskShapeError} when the task does not fit its API's shape or has no id.
   */
  put(region: string, taskType: TaskTypeName, task: SdkTask, path = 'task'): string {
    assertRegion(region);
    const spec = specOfType(taskType);
    validateAgainstShape(task, spec.itemShape, path);
    const id = taskIdOf(spec, task);
    if (id === undefined) {
      throw new TaskShapeError(
        `${path}.${spec.idMembers.join('/')}`,
        `a ${taskType} task needs ${spec.idMembers.join(' and ')}`,
      );
    }
    this.bucket(region, taskType).set(id, withoutEmptyMembers(cloneTask(task)));
    return id;
  }

  /**
   * Shallow-merges a patch into a stored task (nested objects are replaced; null removes a member).
   * @throws {TaskNotFoundError} when the task is absent.
   * @throws {TaskShapeError} when the patch does not fit the shape or would change the task's id.
   */
  update(region: string, taskType: TaskTypeName, id: string, patch: SdkTask): SdkTask {
    const spec = specOfType(taskType);
    const tasks = this.regions.get(region)?.get(taskType);
    const current = tasks?.get(id);
    if (!tasks || !current) throw new TaskNotFoundError(region, taskType, id);
    validateAgainstShape(patch, spec.itemShape, 'patch');
    const merged = withoutEmptyMembers({ ...current, ...cloneTask(patch) });
    if (taskIdOf(spec, merged) !== id) {
      throw new TaskShapeError(
        `patch.${spec.idMembers.join('/')}`,
        `a patch cannot change the id of ${taskType} task '${id}'`,
      );
    }
    tasks.set(id, merged);
    return cloneTask(merged);
  }

  /** Removes a task; returns whether it was there. */
  remove(region: string, taskType: TaskTypeName, id: string): boolean {
    return this.regions.get(region)?.get(taskType)?.delete(id) ?? false;
  }

  /** Copies of the stored tasks, optionally of one Region and/or task type. */
  list(region?: string, taskType?: TaskTypeName): StoredTask[] {
    const out: StoredTask[] = [];
    for (const [r, types] of this.regions) {
      if (region !== undefined && r !== region) continue;
      for (const [t, tasks] of types) {
        if (taskType !== undefined && t !== taskType) continue;
        for (const [id, task] of tasks) out.push({ region: r, taskType: t, id, task: cloneTask(task) });
      }
    }
    return out;
  }

  /** The live tasks of one listing, for serialisation (not copied: do not modify). */
  tasksOf(region: string, taskType: TaskTypeName): readonly SdkTask[] {
    return [...(this.regions.get(region)?.get(taskType)?.values() ?? [])];
  }

  /** Removes every task. */
  clear(): void {
    this.regions.clear();
  }

  private bucket(region: string, taskType: TaskTypeName): Map<string, SdkTask> {
    let types = this.regions.get(region);
    if (!types) this.regions.set(region, (types = new Map()));
    let tasks = types.get(taskType);
    if (!tasks) types.set(taskType, (tasks = new Map()));
    return tasks;
  }
}

function withoutEmptyMembers(task: SdkTask): SdkTask {
  for (const key of Object.keys(task)) if (task[key] === undefined || task[key] === null) delete task[key];
  return task;
}
