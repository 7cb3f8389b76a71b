// The registry of the EC2 task types' listing modules, which the poller reads. Their metadata
// (name, API, lifecycle), which the stack's IAM policy, the simulator and the docs read without
// loading the SDK, is in metadata.ts.
import type { TaskTypeName } from '../domain/task';
import { bundle } from './bundle';
import { conversion } from './conversion';
import { exportImage } from './export-image';
import { exportInstance } from './export-instance';
import { importImage } from './import-image';
import { importSnapshot } from './import-snapshot';
import { macModification } from './mac-modification';
import { replaceRootVolume } from './replace-root-volume';
import { storeImage } from './store-image';
import type { TaskTypeDescriptor } from './task-type';

export { InvalidTaskError } from './task-type';
export { iamActionOf } from './metadata';
export type { ListingScope, TaskTypeDescriptor } from './task-type';

/**
 * Forgets a descriptor's raw type. Sound as used: a descriptor's `normalise` is only ever given
 * the objects its own `listPages` yielded, never another type's.
 */
function untyped<Raw>(descriptor: TaskTypeDescriptor<Raw>): TaskTypeDescriptor {
  return descriptor as TaskTypeDescriptor<unknown>;
}

/** Every task type, in the order of `TASK_TYPE_NAMES`. */
export const TASK_TYPES: readonly TaskTypeDescriptor[] = [
  untyped(bundle),
  untyped(conversion),
  untyped(importImage),
  untyped(importSnapshot),
  untyped(storeImage),
  untyped(exportInstance),
  untyped(exportImage),
  untyped(replaceRootVolume),
  untyped(macModification),
];

const BY_NAME: ReadonlyMap<TaskTypeName, TaskTypeDescriptor> = new Map(
  TASK_TYPES.map((descriptor) => [descriptor.name, descriptor]),
);

/** The descriptor of a task type. Throws on a name that is not registered. */
export function taskTypeDescriptor(name: TaskTypeName): TaskTypeDescriptor {
  const descriptor = BY_NAME.get(name);
  if (!descriptor) throw new Error(`Unknown task type: ${String(name)}`);
  return descriptor;
}
