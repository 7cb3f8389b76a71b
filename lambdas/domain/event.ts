// The published event: the contract consumers depend on (documented in the README and in
// schema/task-change-event.schema.json). Built from a detected change, deterministic for the
// change so that a consumer can drop a redelivery by eventId.
import { createHash } from 'node:crypto';
import { CHANGE_TYPES, type ChangeType } from './changes';
import type { Phase } from './phase';
import type { StallInfo } from './stall';
import { isTaskTypeName, type ObservedStatus, type Task, type TaskTypeName } from './task';

/** Version of the event schema; bumped only on a breaking change. */
export const SCHEMA_VERSION = '1';

/** One change of one EC2 task, as published on the topic. */
export interface TaskChangeEvent {
  schemaVersion: typeof SCHEMA_VERSION;
  /** Same for every delivery of the same change: a UUID derived from the task and its snapshot version. */
  eventId: string;
  changeType: ChangeType;
  /** ISO-8601 time of the poll that saw the change. */
  detectedAt: string;
  account: string;
  /** The account's name in AWS Organizations; present in organization mode when the organization names it. */
  accountName?: string;
  region: string;
  taskType: TaskTypeName;
  taskId: string;
  /** The status before the change, with since when it was observed; null for a task seen for the first time. */
  previous: ObservedStatus | null;
  /** The status after the change, with since when its state was observed. */
  current: ObservedStatus;
  /** The normalised snapshot, raw API object included. */
  task: Task;
  /**
   * On a TaskStalled: since when the task has been still and for how long. On a TaskProgressed or
   * TaskStateChanged of a task that was stalled: the stall that ended, with its duration and when it
   * was reported. Absent otherwise.
   */
  stall?: StallInfo;
}

/** What {@link buildEvent} needs. */
export interface EventInput {
  changeType: ChangeType;
  previous: ObservedStatus | null;
  current: ObservedStatus;
  task: Task;
  /** The snapshot version this change creates; makes the event id unique per change. */
  version: number;
  detectedAt: Date;
  /** The account's name in AWS Organizations, when known (organization mode). */
  accountName?: string;
  /** The stall the change reports or ends, if any. */
  stall?: StallInfo;
}

/** A UUID (version 5 layout) derived from the change's identity. */
export function eventIdFor(
  task: Pick<Task, 'account' | 'region' | 'taskType' | 'taskId'>,
  version: number,
): string {
  return deterministicUuid([task.account, task.region, task.taskType, task.taskId, String(version)]);
}

/** A UUID (version 5 layout) from the SHA-256 of some parts: the same parts, the same id. */
export function deterministicUuid(parts: readonly string[]): string {
  const hash = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hash.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-5${hash.slice(13, 16)}-${variant}${hash.slice(18, 20)}-${hash.slice(20, 32)}`;
}

/**
 * True when a parsed value has the shape every consumer relies on: schema 1, an event id, a task
 * type, id and Region, and a current status. Used where an event arrives as text (the outbox,
 * a notifier's queue) before anything is rendered from it.
 */
export function isTaskChangeEvent(value: unknown): value is TaskChangeEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Partial<TaskChangeEvent>;
  return (
    event.schemaVersion === SCHEMA_VERSION &&
    typeof event.eventId === 'string' &&
    typeof event.changeType === 'string' &&
    CHANGE_TYPES.includes(event.changeType) &&
    typeof event.taskId === 'string' &&
    typeof event.taskType === 'string' &&
    isTaskTypeName(event.taskType) &&
    typeof event.region === 'string' &&
    (event.accountName === undefined || typeof event.accountName === 'string') &&
    typeof event.current === 'object' &&
    event.current !== null &&
    typeof event.task === 'object' &&
    event.task !== null
  );
}

/** Builds the event for a change. */
export function buildEvent(input: EventInput): TaskChangeEvent {
  const { task } = input;
  return {
    schemaVersion: SCHEMA_VERSION,
    eventId: eventIdFor(task, input.version),
    changeType: input.changeType,
    detectedAt: input.detectedAt.toISOString(),
    account: task.account,
    ...(input.accountName === undefined ? {} : { accountName: input.accountName }),
    region: task.region,
    taskType: task.taskType,
    taskId: task.taskId,
    previous: input.previous,
    current: input.current,
    task,
    ...(input.stall === undefined ? {} : { stall: input.stall }),
  };
}

/** The account as texts show it: `Name (111122223333)` when the event names it, else the id. */
export function accountLabel(event: Pick<TaskChangeEvent, 'account' | 'accountName'>): string {
  return event.accountName ? `${event.accountName} (${event.account})` : event.account;
}

/**
 * How long the task had been in its previous state when the change was detected, in
 * milliseconds: from `previous.since` to `detectedAt`. Both are poll times, so the figure is as
 * precise as the poll interval. Undefined when there is no previous status, when its `since` is
 * unknown (a snapshot recorded before the monitor kept it) or when the two times make no duration.
 */
export function timeInPreviousState(
  event: Pick<TaskChangeEvent, 'previous' | 'detectedAt'>,
): number | undefined {
  const since = event.previous?.since;
  if (since === undefined) return undefined;
  const ms = Date.parse(event.detectedAt) - Date.parse(since);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** Names of the SNS message attributes set on every event, for subscription filter policies. */
export type EventAttributeName =
  'changeType' | 'taskType' | 'phase' | 'previousPhase' | 'state' | 'region' | 'account' | 'quota';

/** Every message attribute name. */
export const EVENT_ATTRIBUTE_NAMES: readonly EventAttributeName[] = [
  'changeType',
  'taskType',
  'phase',
  'previousPhase',
  'state',
  'region',
  'account',
  // Quota events only (QuotaNearlyExhausted, QuotaAvailable): the quota group.
  'quota',
];

/**
 * The message attributes of an event. SNS rejects empty attribute values, so an attribute with
 * nothing to say (no previous phase, an empty state) is left out.
 */
export function eventAttributes(event: TaskChangeEvent): Partial<Record<EventAttributeName, string>> {
  const attributes: Partial<Record<EventAttributeName, string>> = {
    changeType: event.changeType,
    taskType: event.taskType,
    phase: event.current.phase,
    region: event.region,
    account: event.account,
  };
  const previousPhase: Phase | undefined = event.previous?.phase;
  if (previousPhase) attributes.previousPhase = previousPhase;
  if (event.current.state) attributes.state = event.current.state;
  return attributes;
}
