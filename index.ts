// The package's entry point for consumers of the published events: the event's TypeScript types,
// its JSON Schema, and the vocabularies that subscription filters and consumers match on. Only
// the pure domain modules are re-exported; nothing here pulls in the AWS SDK or the CDK.
import taskChangeEventSchema from './schema/task-change-event.schema.json';

export type { ChangeType } from './lambdas/domain/changes';
export type { EventAttributeName, TaskChangeEvent } from './lambdas/domain/event';
export type { Phase } from './lambdas/domain/phase';
export type { Task, TaskStatus, TaskTypeName } from './lambdas/domain/task';

export { CHANGE_TYPES } from './lambdas/domain/changes';
export { EVENT_ATTRIBUTE_NAMES, SCHEMA_VERSION } from './lambdas/domain/event';
export { PHASES, TERMINAL_PHASES } from './lambdas/domain/phase';
export { TASK_TYPE_NAMES } from './lambdas/domain/task';

/**
 * The JSON Schema (draft 2020-12) of {@link TaskChangeEvent}, for validating events in any
 * language's validator; `schema/task-change-event.schema.json` is the same document.
 */
export const TASK_CHANGE_EVENT_SCHEMA = taskChangeEventSchema;
