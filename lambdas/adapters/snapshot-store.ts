// DynamoDB adapter of the poller and the CLI: reads a unit's state and the stored snapshots of a
// listing, and writes decisions with optimistic concurrency. A change is recorded by one transaction that
// updates the snapshot (the outbox, carrying the event) and adds the history item, so a change
// is never published without its snapshot and two overlapping polls cannot both claim it.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  paginateQuery,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { StoredTask } from '../domain/changes';
import type { ProgressObservation } from '../domain/completion-estimate';
import type { StallWatch } from '../domain/stall';
import type { ListingState } from '../domain/listing-state';
import type { TaskChangeEvent } from '../domain/event';
import {
  emptyQuotaState,
  QUOTA_GROUP_NAMES,
  type StoredQuotaLevel,
  type UnitQuotaState,
} from '../domain/quota';
import { isTaskTypeName, type Task, type TaskTypeName } from '../domain/task';
import {
  EVENT_SORT_PREFIX,
  eventSortKey,
  eventSortPrefix,
  PENDING_EVENT_ATTRIBUTE,
  partitionKey,
  QUOTA_VERSION_ATTRIBUTE,
  quotaAttribute,
  SNAPSHOT_SORT_PREFIX,
  snapshotSortKey,
  TABLE_LAYOUT,
  type Unit,
  unitStateKey,
} from '../shared/table-layout';

const { partitionKey: PK, sortKey: SK, timeToLiveAttribute: TTL } = TABLE_LAYOUT;

/**
 * A unit's state: each task type's listing state, for the types that have one, and the unit's quota
 * levels (read with it, so a poll needs no other read for them; see quota-store.ts).
 */
export type UnitState = Map<TaskTypeName, ListingState> & { quota?: UnitQuotaState };

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
  /** Stall and estimate observations (see StoredTask); each left out when absent. */
  stillSince?: string;
  stalledAt?: string;
  progressAnchor?: ProgressObservation;
  /** Time of the poll that writes the snapshot (ISO-8601): a re-baseline trusts snapshots by it. */
  writtenAt: string;
  /**
   * When the listing the write comes from began to be read (ISO-8601, milliseconds): the write wins
   * only over a snapshot from an earlier listing, so a stale listing never overwrites a newer one,
   * whatever order the reads happened in.
   */
  listedAt: string;
}

/** A change to record: its snapshot write and the event the snapshot carries to the publisher. */
export interface ChangeWrite {
  write: SnapshotWrite;
  event: TaskChangeEvent;
}

/** DynamoDB's limits on one TransactWriteItems call: items, and bytes (4 MB, with room for the request's own). */
const MAX_TRANSACTION_ITEMS = 100;
const MAX_TRANSACTION_BYTES = 3.5 * 2 ** 20;

/** Outcome of a conditional write: `written`, or `conflict` when another writer got there first. */
export type WriteOutcome = 'written' | 'conflict';

/** One entry of a task's history. */
export interface HistoryEntry {
  version: number;
  event: TaskChangeEvent;
  publishedAt: string | null;
}

/** Reads and writes one account's snapshots and unit states in the monitor's table. */
export class SnapshotStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    /** The account whose listings {@link history} and {@link unpublished} read. */
    readonly account: string,
  ) {}

  /** Reads a unit's state item (strongly consistent): one small read. */
  async loadUnitState(unit: Unit): Promise<UnitState> {
    const key = unitStateKey(unit);
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall({ [PK]: key.pk, [SK]: key.sk }),
        ConsistentRead: true,
      }),
    );
    const state: UnitState = new Map();
    if (!Item) return state;
    const record = unmarshall(Item);
    state.quota = quotaStateOf(record);
    for (const [name, value] of Object.entries(record)) {
      if (!isTaskTypeName(name) || typeof value !== 'object' || value === null) continue;
      state.set(name as TaskTypeName, toListingState(value as Record<string, unknown>));
    }
    return state;
  }

  /**
   * Every stored snapshot of a listing, keyed by task id, with strongly consistent Queries.
   *
   * @param listedIds the ids of the listing's tasks, which tell how the stored ones spread over the
   *   sort key: a large listing is read as several ranges side by side rather than page after page.
   * @default - no ids: one Query, page after page
   */
  async loadSnapshots(
    unit: Unit,
    taskType: TaskTypeName,
    listedIds: readonly string[] = [],
  ): Promise<Map<string, StoredTask>> {
    return this.querySnapshots(partitionKey(unit, taskType), listedIds);
  }

  /**
   * Every snapshot of a listing, keyed by task id. With `listedIds` (see {@link loadSnapshots}) the
   * sort keys are split into ranges, each holding about {@link SNAPSHOTS_PER_RANGE} of the ids, that
   * together cover every snapshot key: what is read does not depend on the ids, only how fast.
   */
  async querySnapshots(pk: string, listedIds: readonly string[] = []): Promise<Map<string, StoredTask>> {
    const stored = new Map<string, StoredTask>();
    const ranges = snapshotKeyRanges(listedIds);
    await Promise.all(
      ranges.map(async ({ from, to }) => {
        const pages = paginateQuery(
          { client: this.client },
          {
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
            ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
            ExpressionAttributeValues: marshall({ ':pk': pk, ':from': from, ':to': to.key }),
            ProjectionExpression:
              'task, version, gone, stateSince, misses, updatedAt, observedAt, stillSince, stalledAt, progressAnchor',
            ConsistentRead: true,
          },
        );
        for await (const page of pages) {
          for (const item of page.Items ?? []) {
            const snapshot = toStoredTask(item);
            // BETWEEN includes both ends: a range's upper bound is the next range's first key.
            if (to.exclusive && snapshot.task.taskId === to.taskId) continue;
            stored.set(snapshot.task.taskId, snapshot);
          }
        }
      }),
    );
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
    return writeChange(this.client, this.changeItems({ write, event }, historyExpiresAt));
  }

  /**
   * Records changes of distinct tasks as {@link recordChange} does, each with the same two items and
   * conditions, in as few transactions as DynamoDB takes (100 items, 4 MB): a transaction per change
   * made most of the time of a poll with many changes. A transaction is all or nothing; when one
   * fails (a change lost its race, another writer was writing one of its items, an item DynamoDB
   * refuses, or an outcome unknown), its changes are recorded again one by one, so that each gets
   * its own outcome and one bad change never holds back the others. Recording again is safe
   * whatever the failed transaction did: every item is conditioned, so a change it did record
   * comes back as a conflict.
   * @returns each change's outcome, or why it could not be written, in the order given
   */
  async recordChanges(
    changes: readonly ChangeWrite[],
    historyExpiresAt: number,
  ): Promise<PromiseSettledResult<WriteOutcome>[]> {
    const results: PromiseSettledResult<WriteOutcome>[] = [];
    let group: ChangeWrite[] = [];
    let items: TransactWriteItem[] = [];
    let bytes = 0;
    const flush = async () => {
      if (group.length > 1) {
        try {
          await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
          for (const _ of group) results.push({ status: 'fulfilled', value: 'written' });
          group = [];
        } catch {
          // Recorded one by one below.
        }
      }
      for (const { write, event } of group) {
        results.push(
          await this.recordChange(write, event, historyExpiresAt).then(
            (value) => ({ status: 'fulfilled', value }) as const,
            (reason: unknown) => ({ status: 'rejected', reason }) as const,
          ),
        );
      }
      group = [];
      items = [];
      bytes = 0;
    };
    for (const change of changes) {
      const changeItems = this.changeItems(change, historyExpiresAt);
      const size = Buffer.byteLength(JSON.stringify(changeItems));
      if (items.length + changeItems.length > MAX_TRANSACTION_ITEMS || bytes + size > MAX_TRANSACTION_BYTES)
        await flush();
      group.push(change);
      items.push(...changeItems);
      bytes += size;
    }
    await flush();
    return results;
  }

  /** A change's two items: the snapshot, conditioned on its version, and the new history item. */
  private changeItems(
    { write, event }: ChangeWrite,
    historyExpiresAt: number,
  ): [snapshot: TransactWriteItem, history: TransactWriteItem] {
    const version = write.expectedVersion + 1;
    const { task } = write;
    const history = marshall(
      {
        [PK]: partitionKey(task, task.taskType),
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
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: this.snapshotItem(write, version, event),
          ...writeCondition(write),
        },
      },
      historyPut(this.tableName, history),
    ];
  }

  /** Writes a snapshot without recording a change (baseline of a finished task, ageing out). */
  async recordSilently(write: SnapshotWrite): Promise<WriteOutcome> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: this.snapshotItem(write, write.expectedVersion + 1, undefined),
          ...writeCondition(write),
        }),
      );
      return 'written';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }

  /**
   * Writes a listing's state into its unit's state item if the listing's version is still
   * `state.version` (or it has none), as `state.version + 1`: two polls cannot both rewrite it from
   * the same state. The other task types' states in the item are left as they are.
   */
  async putListingState(unit: Unit, taskType: TaskTypeName, state: ListingState): Promise<WriteOutcome> {
    const key = unitStateKey(unit);
    const value = {
      lastCompleteAt: state.lastCompleteAt,
      rebaselineFrom: state.rebaselineFrom,
      // A list, not a set: DynamoDB has no empty set, and the ids are few.
      unsettled: state.unsettled.length > 0 ? [...state.unsettled] : undefined,
      unsettledSince: state.unsettledSince,
      fingerprint: state.fingerprint,
      stall: state.stall,
      version: state.version + 1,
    };
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [PK]: key.pk, [SK]: key.sk }),
          UpdateExpression: 'SET #type = :state',
          ConditionExpression:
            state.version === 0 ? 'attribute_not_exists(#type)' : '#type.#version = :expected',
          ExpressionAttributeNames: {
            '#type': taskType,
            ...(state.version === 0 ? {} : { '#version': 'version' }),
          },
          ExpressionAttributeValues: marshall(
            {
              ':state': value,
              ...(state.version === 0 ? {} : { ':expected': state.version }),
            },
            { removeUndefinedValues: true },
          ),
        }),
      );
      return 'written';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }

  /** One task's recorded changes, oldest first (in this store's account). */
  async history(region: string, taskType: TaskTypeName, taskId: string): Promise<HistoryEntry[]> {
    return this.queryHistory(region, taskType, eventSortPrefix(taskId), false);
  }

  /** Every recorded change of a listing (in this store's account) not marked published yet, oldest first per task. */
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
        ExpressionAttributeValues: marshall({
          ':pk': partitionKey({ account: this.account, region }, taskType),
          ':prefix': prefix,
        }),
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
        [PK]: partitionKey(task, task.taskType),
        [SK]: snapshotSortKey(task.taskId),
        task,
        version,
        gone: write.gone,
        // Next to the task, not in it: the task is EC2's view, these are the monitor's observations.
        stateSince: write.stateSince,
        misses: write.misses,
        stillSince: write.stillSince,
        stalledAt: write.stalledAt,
        progressAnchor: write.progressAnchor,
        // Flat copies for people reading the table in the console and for the CLI's status view.
        taskType: task.taskType,
        taskId: task.taskId,
        state: task.state,
        phase: task.phase,
        // The poll's time, which a re-baseline compares with its start.
        updatedAt: write.writtenAt,
        // When the listing it comes from began: a later write must come from a later listing.
        observedAt: write.listedAt,
        [PENDING_EVENT_ATTRIBUTE]: event ? JSON.stringify(event) : undefined,
        [TTL]: write.expiresAt,
      },
      { removeUndefinedValues: true },
    );
  }
}

/** The Put of a change's history item, which must not exist yet. */
export function historyPut(tableName: string, item: Record<string, AttributeValue>): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': PK },
    },
  };
}

/**
 * Writes a change in one transaction: its carrier (the item holding the event, first) and its
 * history item. `conflict` when the carrier's condition failed: another writer got there first.
 */
export async function writeChange(
  client: DynamoDBClient,
  items: [carrier: TransactWriteItem, history: TransactWriteItem],
): Promise<WriteOutcome> {
  try {
    await client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    return 'written';
  } catch (error) {
    if (error instanceof TransactionCanceledException && isConditionFailure(error)) return 'conflict';
    throw error;
  }
}

interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

/**
 * The write wins only if the snapshot still has the version the poll read (or still does not
 * exist), and was written from an earlier listing than this one: a listing older than the stored
 * state loses, whatever order the reads and writes happened in.
 */
function writeCondition(write: SnapshotWrite): Condition {
  return write.expectedVersion === 0
    ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } }
    : {
        ConditionExpression:
          '#version = :expected AND (attribute_not_exists(#observedAt) OR #observedAt < :listedAt)',
        ExpressionAttributeNames: { '#version': 'version', '#observedAt': 'observedAt' },
        ExpressionAttributeValues: marshall({
          ':expected': write.expectedVersion,
          ':listedAt': write.listedAt,
        }),
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

/** Snapshots per range of a listing read side by side: about one 1 MB page of DynamoDB's. */
const SNAPSHOTS_PER_RANGE = 1_000;
/** Ranges of one listing read side by side, at most. */
const MAX_RANGES = 8;

/** A range of snapshot sort keys, read with `BETWEEN from AND to.key`. */
interface SnapshotKeyRange {
  from: string;
  /** Its upper bound: the next range's first key (`exclusive`, a task id), or the end of the prefix. */
  to: { key: string; exclusive: boolean; taskId?: string };
}

/**
 * Splits the snapshot keys of a listing into ranges of about {@link SNAPSHOTS_PER_RANGE} listed
 * ids. The first range starts at the snapshot prefix and the last one ends past every key that
 * starts with it, and each bound is the next range's start, so the ranges cover every snapshot
 * key, listed or not. The bounds are ordered as DynamoDB orders keys: by their UTF-8 bytes.
 */
export function snapshotKeyRanges(listedIds: readonly string[]): SnapshotKeyRange[] {
  const prefix = SNAPSHOT_SORT_PREFIX;
  const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  const count = Math.min(MAX_RANGES, Math.ceil(listedIds.length / SNAPSHOTS_PER_RANGE));
  const sorted = [...new Set(listedIds)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const bounds: string[] = [];
  for (let range = 1; range < count; range++) {
    const id = sorted[Math.floor((range * sorted.length) / count)];
    if (id !== undefined && id !== bounds[bounds.length - 1]) bounds.push(id);
  }
  const starts = [prefix, ...bounds.map(snapshotSortKey)];
  return starts.map((from, index) => {
    const next = bounds[index];
    return {
      from,
      to:
        next === undefined
          ? { key: end, exclusive: false }
          : { key: snapshotSortKey(next), exclusive: true, taskId: next },
    };
  });
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
  if (typeof record.observedAt === 'string') stored.observedAt = record.observedAt;
  if (typeof record.stillSince === 'string') stored.stillSince = record.stillSince;
  if (typeof record.stalledAt === 'string') stored.stalledAt = record.stalledAt;
  const anchor = record.progressAnchor as Partial<ProgressObservation> | undefined;
  if (typeof anchor?.at === 'string' && typeof anchor.progress === 'number') {
    stored.progressAnchor = { at: anchor.at, progress: anchor.progress };
  }
  return stored;
}

/** Reads one task type's listing state from a unit's state item. */
function toListingState(record: Record<string, unknown>): ListingState {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const unsettled = Array.isArray(record.unsettled)
    ? record.unsettled.filter((id): id is string => typeof id === 'string')
    : [];
  const state: ListingState = { unsettled, version: Number(record.version ?? 0) || 0 };
  for (const name of ['lastCompleteAt', 'rebaselineFrom', 'unsettledSince', 'fingerprint'] as const) {
    const value = text(record[name]);
    if (value !== undefined) state[name] = value;
  }
  const stall = toStallWatch(record.stall);
  if (stall) state.stall = stall;
  return state;
}

/** Reads a unit's quota state from its state item (unmarshalled); no quota attribute is an empty state. */
export function quotaStateOf(item: Record<string, unknown>): UnitQuotaState {
  const state = emptyQuotaState();
  const version = Number(item[QUOTA_VERSION_ATTRIBUTE] ?? 0);
  state.version = Number.isInteger(version) && version > 0 ? version : 0;
  for (const group of QUOTA_GROUP_NAMES) {
    const value = item[quotaAttribute(group)] as Partial<StoredQuotaLevel> | undefined;
    if (value?.level === 'available' || value?.level === 'nearly-exhausted') {
      state.levels.set(group, {
        level: value.level,
        inUse: Number(value.inUse ?? 0),
        limit: Number(value.limit ?? 0),
        since: String(value.since ?? ''),
      });
    }
  }
  return state;
}

/** Reads a listing's stall watch; anything malformed is no watch (the listing is then judged once). */
function toStallWatch(value: unknown): StallWatch | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.afterMinutes !== 'number') return undefined;
  const watch: StallWatch = { afterMinutes: record.afterMinutes };
  if (typeof record.dueAt === 'string') watch.dueAt = record.dueAt;
  if (typeof record.stalled === 'object' && record.stalled !== null) {
    const stalled = Object.entries(record.stalled).filter(
      (entry): entry is [string, number | null] => entry[1] === null || typeof entry[1] === 'number',
    );
    if (stalled.length > 0) watch.stalled = Object.fromEntries(stalled);
  }
  return watch;
}
