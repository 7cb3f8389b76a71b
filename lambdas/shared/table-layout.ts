// The single-table layout, shared by the poller, the publisher, the CLI and the CDK table
// definition so that the key names exist in one place only.
//
//   pk = <region>#<taskType>   sk = TASK#<taskId>               current snapshot of a task
//   pk = <region>#<taskType>   sk = EVENT#<taskId>#<version>    one recorded change (history)
//   pk = <region>#<taskType>   sk = BASELINE                    the listing's marker: a recent
//                                                               complete listing (heartbeat), a
//                                                               re-baseline's start, unsettled tasks
//
// One partition per (Region, task type) lets a poll read all stored snapshots of a listing
// with one Query, and a task's history sorts by version under its own prefix.
//
// The snapshot item is the outbox: a write that records a change puts the event in its
// `pendingEvent` attribute (and the history item in the same transaction); a silent write
// removes it. The stream of that one item is ordered, so the publisher sees a task's changes
// in the order they happened.
import type { TaskTypeName } from '../domain/task';

/** Attribute names of the keys and the TTL. */
export const TABLE_LAYOUT = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
} as const;

const SNAPSHOT_PREFIX = 'TASK#';
const EVENT_PREFIX = 'EVENT#';
const BASELINE_KEY = 'BASELINE';
/** Versions are zero-padded so that the history sorts numerically as strings. */
const VERSION_DIGITS = 10;

/** Partition key of one (Region, task type) listing. */
export function partitionKey(region: string, taskType: TaskTypeName): string {
  return `${region}#${taskType}`;
}

/**
 * Partition keys of every listing a deployment polls, one per (Region, task type). The poller
 * writes only these, the publisher marks changes only in these, and the stack's IAM policy limits
 * both to them (`dynamodb:LeadingKeys`), so the policy and the layout cannot drift apart.
 */
export function listingPartitionKeys(
  regions: readonly string[],
  taskTypes: readonly TaskTypeName[],
): string[] {
  return regions.flatMap((region) => taskTypes.map((taskType) => partitionKey(region, taskType)));
}

/**
 * The partition keys of every listing of one Region, as an IAM `StringLike` pattern. Sort keys
 * never start a partition key, and channel partitions start `DELIVERY#`, so it matches no other
 * partition of the table.
 */
export function regionPartitionPattern(region: string): string {
  return `${region}#*`;
}

/** Sort key of a task's current snapshot. */
export function snapshotSortKey(taskId: string): string {
  return `${SNAPSHOT_PREFIX}${taskId}`;
}

/** Sort key prefix shared by all snapshots of a partition. */
export const SNAPSHOT_SORT_PREFIX = SNAPSHOT_PREFIX;

/** Sort key of one recorded change of a task. */
export function eventSortKey(taskId: string, version: number): string {
  return `${EVENT_PREFIX}${taskId}#${String(version).padStart(VERSION_DIGITS, '0')}`;
}

/** Sort key prefix of one task's history. */
export function eventSortPrefix(taskId: string): string {
  return `${EVENT_PREFIX}${taskId}#`;
}

/** Sort key prefix of every recorded change (history items). */
export const EVENT_SORT_PREFIX = EVENT_PREFIX;

/** Sort key of a listing's marker, written by its first baseline (see lambdas/domain/baseline.ts). */
export const BASELINE_SORT_KEY = BASELINE_KEY;

/** Attribute of a snapshot item holding the change the write recorded (JSON of the event). */
export const PENDING_EVENT_ATTRIBUTE = 'pendingEvent';

/**
 * Lambda event-source filter for the publisher: only snapshot writes that recorded a change.
 * Silent snapshot updates, history items, baseline markers and TTL deletions never reach it.
 */
export const PUBLISHER_STREAM_FILTER = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: {
    Keys: { [TABLE_LAYOUT.sortKey]: { S: [{ prefix: SNAPSHOT_PREFIX }] } },
    NewImage: { [PENDING_EVENT_ATTRIBUTE]: { S: [{ exists: true }] } },
  },
} as const;

/**
 * Partition of the accounts' coverage items (organization mode): `pk = ACCOUNTS`,
 * `sk = ACCOUNT#<account id>`. One partition, so one Query reads every account's coverage (the
 * dispatcher once per cycle, the `accounts` command); each item is written only when it changes,
 * or daily, so the partition is never hot. Its sort keys never start with TASK#.
 */
export const COVERAGE_PARTITION_KEY = 'ACCOUNTS';

/** Sort key of an account's coverage item. */
export function coverageSortKey(account: string): string {
  return `ACCOUNT#${account}`;
}

const DELIVERY_PREFIX = 'DELIVERY#';

/**
 * Partition of one notification channel's delivery records (written by Powertools idempotency):
 * `pk = DELIVERY#<channel>`, `sk = <channel>#<hash of the event id>`. Their sort keys never start
 * with TASK#, so the publisher's stream filter keeps them away from it.
 */
export function deliveryPartitionKey(channel: string): string {
  return `${DELIVERY_PREFIX}${channel}`;
}
