// DynamoDB adapter of the poller and the CLI: reads the stored snapshots of a listing and
// writes decisions with optimistic concurrency. A change is recorded by one transaction that
// updates the snapshot (the outbox, carrying the event) and adds the history item, so a change
// is never published without its snapshot and two overlapping polls cannot both claim it.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  paginateQuery,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ListingMarker } from '../domain/baseline';
import type { StoredTask } from '../domain/changes';
import type { TaskChangeEvent } from '../domain/event';
import type { Task, TaskTypeName } from '../domain/task';
import {
  BASELINE_SORT_KEY,
  EVENT_SORT_PREFIX,
  eventSortKey,
  eventSortPrefix,
  PENDING_EVENT_ATTRIBUTE,
  partitionKey,
  SNAPSHOT_SORT_PREFIX,
  snapshotSortKey,
  TABLE_LAYOUT,
} from '../shared/table-layout';

const { partitionKey: PK, sortKey: SK, timeToLiveAttribute: TTL } = TABLE_LAYOUT;

/** What a poll needs to know about one (Region, task type) before diffing. */
export interface StoredListing {
  stored: Map<string, StoredTask>;
  /** The listing's marker; undefined until its first baseline is recorded. */
  marker: ListingMarker | undefined;
}

/** A snapshot write: the task, whether it left the listing, and the version it creates. */
export interface SnapshotWrite {
  task: Task;
  gone: boolean;
  /** Version the stored item must have (0: no item yet). */
  expectedVersion: number;
  /** Epoch seconds after which DynamoDB may delete the item, or undefined to keep it. */
  expiresAt: number | undefined;
  /** When the task's current state was first observed (ISO-8601); left out when unknown. */
  stateSince?: string;
  /** Consecutive listings the unfinished task has been missing from; left out when none. */
  misses?: number;
  /** Time of the poll that writes the snapshot (ISO-8601): a re-baseline trusts snapshots by it. */
  writtenAt: string;
}

/** Outcome of a conditional write: `written`, or `conflict` when another writer got there first. */
export type WriteOutcome = 'written' | 'conflict';

/** One entry of a task's history. */
export interface HistoryEntry {
  version: number;
  event: TaskChangeEvent;
  publishedAt: string | null;
}

/** Reads and writes snapshots in the monitor's table. */
export class SnapshotStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Loads every stored snapshot of a listing, with strongly consistent reads. */
  async loadListing(region: string, taskType: TaskTypeName): Promise<StoredListing> {
    const pk = partitionKey(region, taskType);
    const [stored, marker] = await Promise.all([
      this.querySnapshots(pk),
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: marshall({ [PK]: pk, [SK]: BASELINE_SORT_KEY }),
          ConsistentRead: true,
          ProjectionExpression: 'lastCompleteAt, rebaselineFrom, unsettled, unsettledSince, version',
        }),
      ),
    ]);
    return { stored, marker: marker.Item ? toListingMarker(marker.Item) : undefined };
  }

  /** Every snapshot of a listing, keyed by task id. */
  async querySnapshots(pk: string): Promise<Map<string, StoredTask>> {
    const stored = new Map<string, StoredTask>();
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: marshall({ ':pk': pk, ':prefix': SNAPSHOT_SORT_PREFIX }),
        ProjectionExpression: 'task, version, gone, stateSince, misses, updatedAt',
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const snapshot = toStoredTask(item);
        stored.set(snapshot.task.taskId, snapshot);
      }
    }
    return stored;
  }

  /**
   * Records a change: the snapshot (carrying the event, for the publisher) and the history item,
   * in one transaction conditioned on the snapshot version.
   */
  async recordChange(
    write: SnapshotWrite,
    event: TaskChangeEvent,
    historyExpiresAt: number,
  ): Promise<WriteOutcome> {
    const version = write.expectedVersion + 1;
    const { task } = write;
    const pk = partitionKey(task.region, task.taskType);
    const snapshot = this.snapshotItem(write, version, event);
    const history = marshall(
      {
        [PK]: pk,
        [SK]: eventSortKey(task.taskId, version),
        taskId: task.taskId,
        version,
        changeType: event.changeType,
        detectedAt: event.detectedAt,
        event: JSON.stringify(event),
        [TTL]: historyExpiresAt,
      },
      { removeUndefinedValues: true },
    );
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: { TableName: this.tableName, Item: snapshot, ...versionCondition(write.expectedVersion) },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: history,
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': PK },
              },
            },
          ],
        }),
      );
      return 'written';
    } catch (error) {
      if (error instanceof TransactionCanceledException && isConditionFailure(error)) return 'conflict';
      throw error;
    }
  }

  /** Writes a snapshot without recording a change (baseline of a finished task, ageing out). */
  async recordSilently(write: SnapshotWrite): Promise<WriteOutcome> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: this.snapshotItem(write, write.expectedVersion + 1, undefined),
          ...versionCondition(write.expectedVersion),
        }),
      );
      return 'written';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }

  /**
   * Writes a listing's marker if its version is still `marker.version` (or it has none), as
   * `marker.version + 1`: two polls cannot both rewrite it from the same state.
   */
  async putMarker(region: string, taskType: TaskTypeName, marker: ListingMarker): Promise<WriteOutcome> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(
            {
              [PK]: partitionKey(region, taskType),
              [SK]: BASELINE_SORT_KEY,
              lastCompleteAt: marker.lastCompleteAt,
              rebaselineFrom: marker.rebaselineFrom,
              // A list, not a set: DynamoDB has no empty set, and the ids are few.
              unsettled: marker.unsettled.length > 0 ? [...marker.unsettled] : undefined,
              unsettledSince: marker.unsettledSince,
              version: marker.version + 1,
            },
            { removeUndefinedValues: true },
          ),
          ...(marker.version === 0
            ? {
                // No marker yet, or one written before markers had versions.
                ConditionExpression: 'attribute_not_exists(#version)',
                ExpressionAttributeNames: { '#version': 'version' },
              }
            : versionCondition(marker.version)),
        }),
      );
      return 'written';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }

  /** One task's recorded changes, oldest first. */
  async history(region: string, taskType: TaskTypeName, taskId: string): Promise<HistoryEntry[]> {
    return this.queryHistory(region, taskType, eventSortPrefix(taskId), false);
  }

  /** Every recorded change of a listing not marked published yet, oldest first per task. */
  async unpublished(region: string, taskType: TaskTypeName): Promise<HistoryEntry[]> {
    return this.queryHistory(region, taskType, EVENT_SORT_PREFIX, true);
  }

  private async queryHistory(
    region: string,
    taskType: TaskTypeName,
    prefix: string,
    unpublishedOnly: boolean,
  ): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        FilterExpression: unpublishedOnly ? 'attribute_not_exists(publishedAt)' : undefined,
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: marshall({ ':pk': partitionKey(region, taskType), ':prefix': prefix }),
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const record = unmarshall(item);
        entries.push({
          version: Number(record.version),
          event: JSON.parse(String(record.event)) as TaskChangeEvent,
          publishedAt: typeof record.publishedAt === 'string' ? record.publishedAt : null,
        });
      }
    }
    return entries;
  }

  private snapshotItem(
    write: SnapshotWrite,
    version: number,
    event: TaskChangeEvent | undefined,
  ): Record<string, AttributeValue> {
    const { task } = write;
    return marshall(
      {
        [PK]: partitionKey(task.region, task.taskType),
        [SK]: snapshotSortKey(task.taskId),
        task,
        version,
        gone: write.gone,
        // Next to the task, not in it: the task is EC2's view, these are the monitor's observations.
        stateSince: write.stateSince,
        misses: write.misses,
        // Flat copies for people reading the table in the console and for the CLI's status view.
        taskType: task.taskType,
        taskId: task.taskId,
        state: task.state,
        phase: task.phase,
        // The poll's time, which a re-baseline compares with its start.
        updatedAt: write.writtenAt,
        [PENDING_EVENT_ATTRIBUTE]: event ? JSON.stringify(event) : undefined,
        [TTL]: write.expiresAt,
      },
      { removeUndefinedValues: true },
    );
  }
}

interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

/** The write wins only if the snapshot still has the version the poll read (or still does not exist). */
function versionCondition(expectedVersion: number): Condition {
  return expectedVersion === 0
    ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } }
    : {
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: marshall({ ':expected': expectedVersion }),
      };
}

/**
 * A lost race: the snapshot's version condition failed (the winner's history item then usually
 * fails too). A failure on the history item alone means that version's history exists while
 * the snapshot says otherwise, which no race explains: an error, not a conflict.
 */
function isConditionFailure(error: TransactionCanceledException): boolean {
  const [snapshot] = error.CancellationReasons ?? [];
  return snapshot?.Code === 'ConditionalCheckFailed';
}

/** Reads a stored snapshot item. */
export function toStoredTask(item: Record<string, AttributeValue>): StoredTask {
  const record = unmarshall(item);
  const stored: StoredTask = {
    task: record.task as Task,
    version: Number(record.version),
    gone: record.gone === true,
  };
  // Snapshots written before the monitor kept this time have none: it stays unknown.
  if (typeof record.stateSince === 'string') stored.stateSince = record.stateSince;
  if (typeof record.misses === 'number' && record.misses > 0) stored.misses = record.misses;
  if (typeof record.updatedAt === 'string') stored.writtenAt = record.updatedAt;
  return stored;
}

/** Reads a listing's marker item; a marker of an older release has only `completedAt`. */
export function toListingMarker(item: Record<string, AttributeValue>): ListingMarker {
  const record = unmarshall(item);
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const unsettled = Array.isArray(record.unsettled)
    ? record.unsettled.filter((id): id is string => typeof id === 'string')
    : [];
  const marker: ListingMarker = { unsettled, version: Number(record.version ?? 0) || 0 };
  const lastCompleteAt = text(record.lastCompleteAt);
  const rebaselineFrom = text(record.rebaselineFrom);
  const unsettledSince = text(record.unsettledSince);
  if (lastCompleteAt !== undefined) marker.lastCompleteAt = lastCompleteAt;
  if (rebaselineFrom !== undefined) marker.rebaselineFrom = rebaselineFrom;
  if (unsettledSince !== undefined) marker.unsettledSince = unsettledSince;
  return marker;
}
