// Helpers the integration tests share to read what subscribers received: compact transition
// tuples per task, and the check that a message's attributes and subject say what its event says.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { InboxMessage } from '../../../devkit/engines/inbox';
import type { TaskChangeEvent } from '../../../lambdas/domain/event';
import type { StoredTask } from '../../../lambdas/domain/changes';
import { isSameState, statusOf, type TaskTypeName } from '../../../lambdas/domain/task';
import { type HistoryEntry, SnapshotStore } from '../../../lambdas/adapters/snapshot-store';
import { partitionKey } from '../../../lambdas/shared/table-layout';
import { LOCAL_ACCOUNT } from '../../../devkit/local-deployment';
import type { Harness } from './harness';

/** (changeType, previous phase, current phase, current state) of one delivered change. */
export type Transition = [string, string | null, string, string];

/** The transition a message carries. */
export function transitionOf(message: InboxMessage<TaskChangeEvent>): Transition {
  const { event } = message;
  return [event.changeType, event.previous?.phase ?? null, event.current.phase, event.current.state];
}

/** (taskId, changeType, current phase) of each message, in delivery order. */
export function tuples(messages: readonly InboxMessage<TaskChangeEvent>[]): [string, string, string][] {
  return messages.map(({ event }) => [event.taskId, event.changeType, event.current.phase]);
}

/** Sorted copy, for comparing sets of tuples or ids regardless of delivery order. */
export function sorted<T>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** Event ids of messages, sorted. */
export function eventIds(messages: readonly InboxMessage<TaskChangeEvent>[]): string[] {
  return messages.map((message) => message.event.eventId).sort();
}

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/** The email subject the README's contract gives an event: `[EC2 tasks] <type> <id> <headline> (<region>)`. */
export function expectedSubject(event: TaskChangeEvent): string {
  const { current } = event;
  const headline = {
    TaskStateChanged: current.phase,
    TaskDiscovered: `started (${current.state || 'no state'})`,
    TaskProgressed: `${current.state || current.phase}${current.progress === null ? '' : ` ${current.progress}%`}`,
    TaskDisappeared: 'disappeared',
    TaskStalled: `stalled${current.progress === null ? '' : ` at ${current.progress}%`}`,
  }[event.changeType];
  const subject = `[EC2 tasks] ${event.taskType} ${event.taskId} ${headline} (${event.region})`;
  // SNS allows at most 100 characters.
  return subject.length > 100 ? `${subject.slice(0, 97)}...` : subject;
}

/** The message attributes an event must carry (filter policies match on them). */
export function expectedAttributes(event: TaskChangeEvent): Record<string, string> {
  const attributes: Record<string, string> = {
    changeType: event.changeType,
    taskType: event.taskType,
    phase: event.current.phase,
    region: event.region,
    account: event.account,
  };
  if (event.previous) attributes.previousPhase = event.previous.phase;
  if (event.current.state) attributes.state = event.current.state;
  return attributes;
}

/** Asserts that a message's envelope (attributes, subject, email text) matches its event. */
export function expectConsistent(message: InboxMessage<TaskChangeEvent>): void {
  const { event } = message;
  expect(event.schemaVersion).toBe('1');
  expect(event.task).toMatchObject({
    taskType: event.taskType,
    taskId: event.taskId,
    region: event.region,
    account: event.account,
    ...statusOf(event.current),
  });
  expectObservedSince(event);
  expect(message.attributes).toEqual(expectedAttributes(event));
  expect(message.subject).toBe(expectedSubject(event));
  expect(message.emailText).toContain(`Event ${event.eventId} (${event.changeType})`);
}

/**
 * Asserts the `since` rules on an event recorded by this version (every table in these tests is
 * new, so the time is always known): a new state begins at the detection, a change within the
 * state keeps the time the previous one carries, and no state begins after it was detected.
 */
export function expectObservedSince(event: TaskChangeEvent): void {
  const { previous, current, detectedAt } = event;
  const kept = previous !== null && isSameState(previous, current);
  expect(current.since).toBe(kept ? previous.since : detectedAt);
  if (previous) {
    expect(previous.since).toEqual(expect.any(String));
    expect(Date.parse(previous.since ?? '')).toBeLessThanOrEqual(Date.parse(detectedAt));
  }
}

/** True when the stack's default email filter promises to deliver the event. */
export function emailWorthy(event: TaskChangeEvent): boolean {
  return (
    (event.changeType === 'TaskStateChanged' && TERMINAL.includes(event.current.phase)) ||
    event.changeType === 'TaskDisappeared' ||
    event.changeType === 'TaskStalled'
  );
}

/** Reads the table as `ec2-task-monitor status` and `history` do. */
export class TableReader {
  private readonly client = new DynamoDBClient({});
  private readonly store: SnapshotStore;

  constructor(harness: Harness) {
    this.store = new SnapshotStore(this.client, harness.deployment.tableName, LOCAL_ACCOUNT);
  }

  /** Every stored snapshot of the (Region, task type) listings given. */
  async snapshots(regions: readonly string[], taskTypes: readonly TaskTypeName[]): Promise<StoredTask[]> {
    const maps = await Promise.all(
      regions.flatMap((region) =>
        taskTypes.map((taskType) =>
          this.store.querySnapshots(partitionKey({ account: LOCAL_ACCOUNT, region }, taskType)),
        ),
      ),
    );
    return maps.flatMap((map) => [...map.values()]);
  }

  /** One task's recorded changes, oldest first. */
  history(region: string, taskType: TaskTypeName, taskId: string): Promise<HistoryEntry[]> {
    return this.store.history(region, taskType, taskId);
  }

  close(): void {
    this.client.destroy();
  }
}
