// The package's entry point for consumers of the published events (`ec2-task-monitor/events`): the
// event's TypeScript types, its JSON Schema, and the vocabularies that subscription filters,
// EventBridge rules and consumers match on. Only the pure domain modules are re-exported; nothing
// here loads the AWS SDK or the CDK, so a Lambda function consuming the events can import it. The
// main entry (lib/index.ts) re-exports it next to the constructs.
import taskChangeEventSchema from './schema/task-change-event.schema.json';

export type { ChangeType } from './lambdas/domain/changes';
export type { EventAttributeName, TaskChangeEvent } from './lambdas/domain/event';
export type { MonitorEvent } from './lambdas/domain/monitor-event';
export type { Phase } from './lambdas/domain/phase';
export type {
  LimitSource,
  QuotaChangeType,
  QuotaEvent,
  QuotaGroupName,
  QuotaStatus,
} from './lambdas/domain/quota';
export type { StallInfo } from './lambdas/domain/stall';
export type { ObservedStatus, RelatedResources, Task, TaskStatus, TaskTypeName } from './lambdas/domain/task';

export { CHANGE_TYPES } from './lambdas/domain/changes';
export { EVENT_ATTRIBUTE_NAMES, isTaskChangeEvent, SCHEMA_VERSION } from './lambdas/domain/event';
export { EVENT_DETAIL_TYPE, EVENT_SOURCE, QUOTA_EVENT_DETAIL_TYPE } from './channels/event-bus/entry';
export { isMonitorEvent, isQuotaChange } from './lambdas/domain/monitor-event';
export { isQuotaEvent, QUOTA_CHANGE_TYPES, QUOTA_GROUP_NAMES } from './lambdas/domain/quota';
export { PHASES, TERMINAL_PHASES } from './lambdas/domain/phase';
export { TASK_TYPE_NAMES } from './lambdas/domain/task';

/**
 * The JSON Schema (draft 2020-12) of {@link TaskChangeEvent}, for validating events in any
 * language's validator; `schema/task-change-event.schema.json` is the same document.
 */
export const TASK_CHANGE_EVENT_SCHEMA = taskChangeEventSchema;
