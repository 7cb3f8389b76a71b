// Replays recorded changes that were never marked published (a batch the stream trigger gave up
// on and parked in the dead-letter queue, say) through the publisher handler itself, so the same
// claims and marks keep it exactly once: a change already published is skipped, one published
// by the replay is marked.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { HistoryEntry, SnapshotStore } from '../lambdas/adapters/snapshot-store';
import type { TaskTypeName } from '../lambdas/domain/task';
import {
  partitionKey,
  PENDING_EVENT_ATTRIBUTE,
  snapshotSortKey,
  TABLE_LAYOUT,
} from '../lambdas/shared/table-layout';
import type { Handlers } from './cycle';
import { feedPublisher } from './stream-delivery';

/** Outcome of a replay. */
export interface RedriveResult {
  /** Unpublished changes found. */
  found: HistoryEntry[];
  /** How many the publisher was handed before it stopped (all of them unless it reported a failure). */
  delivered: number;
  failure?: string;
}

/** The stream record the change's snapshot write produced, as the publisher reads it. */
function recordOf(entry: HistoryEntry, sequence: number): DynamoDBRecord {
  const { event } = entry;
  const keys = {
    [TABLE_LAYOUT.partitionKey]: partitionKey(event, event.taskType),
    [TABLE_LAYOUT.sortKey]: snapshotSortKey(event.taskId),
  };
  return {
    eventID: `redrive-${sequence}`,
    eventName: 'MODIFY',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: String(sequence).padStart(21, '0'),
      // The Lambda types name their own AttributeValue; the wire shape is the same.
      Keys: marshall(keys) as never,
      NewImage: marshall({
        ...keys,
        version: entry.version,
        [PENDING_EVENT_ATTRIBUTE]: JSON.stringify(event),
      }) as never,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** Finds the unpublished changes of the given listings and hands them to the publisher in order. */
export async function redriveUnpublished(
  store: Pick<SnapshotStore, 'unpublished'>,
  scope: { regions: readonly string[]; taskTypes: readonly TaskTypeName[] },
  publish: Handlers['publish'] | undefined,
): Promise<RedriveResult> {
  const listings = scope.regions.flatMap((region) =>
    scope.taskTypes.map((taskType) => ({ region, taskType })),
  );
  const found = (
    await Promise.all(listings.map(({ region, taskType }) => store.unpublished(region, taskType)))
  )
    .flat()
    // Oldest first; a task's versions stay in order.
    .sort((a, b) => a.event.detectedAt.localeCompare(b.event.detectedAt) || a.version - b.version);
  if (!publish) return { found, delivered: 0 };
  const fed = await feedPublisher(
    found.map((entry, index) => recordOf(entry, index + 1)),
    publish,
  );
  return {
    found,
    delivered: fed.delivered,
    failure: fed.failure && `the publisher could not deliver ${found[fed.delivered]?.event.eventId}`,
  };
}
