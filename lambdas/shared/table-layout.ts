// The single-table layout, shared by the poller, the publisher, the CLI and the CDK table
// definition so that the key names exist in one place only.
//
//   pk = <account>#<region>#<taskType>  sk = TASK#<taskId>             current snapshot of a task
//   pk = <account>#<region>#<taskType>  sk = EVENT#<taskId>#<version>  one recorded change (history)
//   pk = UNIT#<account>#<region>        sk = STATE                     the unit's state: per task
//                                                                      type, the listing's marker (a
//                                                                      recent complete listing, a
//                                                                      re-baseline's start, unsettled
//                                                                      tasks), its fingerprint and
//                                                                      when it must be judged again
//
// A unit of polling is (account, Region). One partition per (account, Region, task type) lets a
// poll read all stored snapshots of a listing with one Query, and a task's history sorts by
// version under its own prefix. The unit's state is one small item, so a poll of a new container
// reads one item per unit and, when no listing changed, nothing else.
//
// The snapshot item is the outbox: a write that records a change puts the event in its
// `pendingEvent` attribute (and the history item in the same transaction); the publisher removes
// it once the change is published, and a silent write removes it too. The stream of that one item
// is ordered, so the publisher sees a task's changes in the order they happened.
import type { TaskTypeName } from '../domain/task';

/** Attribute names of the keys and the TTL. */
export const TABLE_LAYOUT = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
} as const;

const SNAPSHOT_PREFIX = 'TASK#';
const EVENT_PREFIX = 'EVENT#';
const UNIT_PREFIX = 'UNIT#';
const UNIT_STATE_KEY = 'STATE';
/** Versions are zero-padded so that the history sorts numerically as strings. */
const VERSION_DIGITS = 10;

/** A unit of polling: every enabled task type of one account in one Region. */
export interface Unit {
  /** The 12-digit account id. */
  readonly account: string;
  readonly region: string;
  /** The account's name in AWS Organizations (organization mode), for the events; part of no key. */
  readonly accountName?: string;
}

/** Partition key of one listing: a task type of a unit. */
export function partitionKey(unit: Unit, taskType: TaskTypeName): string {
  return `${unit.account}#${unit.region}#${taskType}`;
}

/** Key of a unit's state item. */
export function unitStateKey(unit: Unit): { pk: string; sk: string } {
  return { pk: `${UNIT_PREFIX}${unit.account}#${unit.region}`, sk: UNIT_STATE_KEY };
}

/**
 * Partition keys of every listing a deployment polls, one per (account, Region, task type), and
 * each unit's state. The poller writes only these, the publisher marks changes only in these, and
 * the stack's IAM policy limits both to them (`dynamodb:LeadingKeys`), so the policy and the
 * layout cannot drift apart.
 */
export function listingPartitionKeys(
  account: string,
  regions: readonly string[],
  taskTypes: readonly TaskTypeName[],
): string[] {
  return regions.flatMap((region) => [
    ...taskTypes.map((taskType) => partitionKey({ account, region }, taskType)),
    unitStateKey({ account, region }).pk,
  ]);
}

/**
 * The partition keys of every listing of one unit and its state, as IAM `StringLike` patterns.
 * Sort keys never start a partition key, and channel partitions start `DELIVERY#`, so they match
 * no other partition of the table.
 */
export function unitPartitionPatterns(account: string, region: string): string[] {
  return [`${account}#${region}#*`, unitStateKey({ account, region }).pk];
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

/** The attribute of a unit's state item holding a quota group's level (see quota-store.ts). */
export function quotaAttribute(group: string): string {
  return `quota:${group}`;
}

/** The attribute of a unit's state item counting its quota events: the outbox's carrier version there. */
export const QUOTA_VERSION_ATTRIBUTE = 'version';

/** What stands for the task id in the history keys of a unit's quota events (`EVENT#quota#<version>`). */
export const QUOTA_HISTORY_ID = 'quota';

/** Attribute of a snapshot item holding the change the write recorded (JSON of the event). */
export const PENDING_EVENT_ATTRIBUTE = 'pendingEvent';

/** Sort key of every unit's state item. */
export const UNIT_STATE_SORT_KEY = UNIT_STATE_KEY;

/**
 * Lambda event-source filter for the publisher: only snapshot writes that recorded a change, and
 * unit state writes that carry a quota event. Silent snapshot updates, the publisher's removal of
 * a published event, history items, unit states without an event and TTL deletions never reach it.
 */
export const PUBLISHER_STREAM_FILTER = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: {
    Keys: { [TABLE_LAYOUT.sortKey]: { S: [{ prefix: SNAPSHOT_PREFIX }, UNIT_STATE_KEY] } },
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
