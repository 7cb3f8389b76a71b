// The publisher's use case: turns the stream records of snapshot writes that recorded a change
// into SNS messages, exactly once in normal operation and in order per task.
//
// Records arrive in stream order. Each change is first claimed on its history item, then
// published in PublishBatch calls that never hold two changes of the same task (side by side when
// their tasks differ, one after the other when they share one), then marked published. The first failure (or a change another consumer holds) stops the attempt: Lambda
// retries from that record (ReportBatchItemFailures), and the marks make the retry skip whatever
// this attempt already published.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { isMonitorEvent, isQuotaChange, type MonitorEvent, orderKeyOf } from '../domain/monitor-event';
import { SNS_MAX_BYTES, type SnsMessage, toSnsMessage } from '../domain/sns-message';
import type { EventPublisher } from '../adapters/event-publisher';
import type { HistoryKey, Outbox, OutboxEntry } from '../adapters/outbox';
import { mapWithConcurrency } from '../shared/concurrency';
import {
  eventSortKey,
  PENDING_EVENT_ATTRIBUTE,
  QUOTA_HISTORY_ID,
  SNAPSHOT_SORT_PREFIX,
  TABLE_LAYOUT,
  UNIT_STATE_SORT_KEY,
} from '../shared/table-layout';

/** PublishBatch takes at most ten entries. */
const MAX_BATCH_ENTRIES = 10;
/** Claims in flight at once. */
const CLAIM_CONCURRENCY = 32;
/**
 * PublishBatch calls in flight at once: a stream batch of 100 records is at most 10 calls, all in
 * one wave when its tasks differ.
 */
const PUBLISH_CONCURRENCY = 10;

/** What the use case needs from the outside world. */
export interface DeliveryDependencies {
  publisher: Pick<EventPublisher, 'publishBatch'>;
  outbox: Pick<Outbox, 'claim' | 'markPublished' | 'release'>;
  /**
   * Identifies this consumer of the stream in its claims: the function's name, so that Lambda's
   * retry of a dead invocation takes its claims over at once, while another consumer (a
   * `poll --once` elsewhere) waits for them.
   */
  owner: string;
  /** How long a claim holds: the time this invocation has left, after which it is dead anyway. */
  leaseMs: number;
  logger: Logger;
  metrics: Metrics;
  now(): Date;
}

/** A change read from a stream record. */
export interface PendingChange {
  sequenceNumber: string;
  event: MonitorEvent;
  historyKey: HistoryKey;
  /** The snapshot that carries the change, at the version that recorded it. */
  carrier: OutboxEntry;
  message: SnsMessage;
}

/** A record that can never be published; it is logged and dropped rather than retried forever. */
export class MalformedRecordError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedRecordError';
  }
}

/**
 * Reads the change a stream record carries, or returns undefined for a record that carries none
 * (a silent snapshot write, another item, a deletion). A task's snapshot carries its changes, a
 * unit's state item its quota events. Throws {@link MalformedRecordError}.
 */
export function changeFromRecord(record: DynamoDBRecord): PendingChange | undefined {
  const stream = record.dynamodb;
  if (!stream?.SequenceNumber) throw new MalformedRecordError('the record has no dynamodb.SequenceNumber');
  if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') return undefined;
  const sortKey = stream.Keys?.[TABLE_LAYOUT.sortKey]?.S;
  const unitState = sortKey === UNIT_STATE_SORT_KEY;
  if (!sortKey?.startsWith(SNAPSHOT_SORT_PREFIX) && !unitState) return undefined;
  if (!stream.NewImage)
    throw new MalformedRecordError('the record has no NewImage (is the stream NEW_AND_OLD_IMAGES?)');
  const image = unmarshall(stream.NewImage as Record<string, AttributeValue>);
  const pending = image[PENDING_EVENT_ATTRIBUTE];
  if (typeof pending !== 'string') return undefined;
  const previous = stream.OldImage?.[PENDING_EVENT_ATTRIBUTE]?.S;
  if (previous === pending) return undefined;
  let event: unknown;
  try {
    event = JSON.parse(pending) as unknown;
  } catch {
    throw new MalformedRecordError(`${PENDING_EVENT_ATTRIBUTE} is not JSON`);
  }
  // A snapshot carries task changes only, a unit's state quota events only.
  if (!isMonitorEvent(event) || isQuotaChange(event) !== unitState) {
    throw new MalformedRecordError(`${PENDING_EVENT_ATTRIBUTE} is not a schema-1 event of its item`);
  }
  const version = Number(image.version);
  if (!Number.isInteger(version) || version < 1)
    throw new MalformedRecordError('the snapshot has no valid version');
  let message: SnsMessage;
  try {
    message = toSnsMessage(event);
  } catch (error) {
    throw new MalformedRecordError(
      `${PENDING_EVENT_ATTRIBUTE} cannot be rendered: ${(error as Error).message}`,
    );
  }
  return {
    sequenceNumber: stream.SequenceNumber,
    event,
    historyKey: {
      pk: String(image[TABLE_LAYOUT.partitionKey]),
      sk: eventSortKey(isQuotaChange(event) ? QUOTA_HISTORY_ID : event.taskId, version),
    },
    carrier: { key: { pk: String(image[TABLE_LAYOUT.partitionKey]), sk: sortKey }, version },
    message,
  };
}

/** What identifies a change's task (or a quota event's unit) among the changes of one stream batch. */
function taskKey(change: PendingChange): string {
  return orderKeyOf(change.event);
}

/** Groups changes into PublishBatch calls: order kept, one change per task per call, within SNS's size limit. */
export function planBatches(changes: readonly PendingChange[]): PendingChange[][] {
  const batches: PendingChange[][] = [];
  let current: PendingChange[] = [];
  let bytes = 0;
  const tasks = new Set<string>();
  for (const change of changes) {
    const task = taskKey(change);
    const full = current.length === MAX_BATCH_ENTRIES || bytes + change.message.bytes > SNS_MAX_BYTES;
    if (current.length > 0 && (full || tasks.has(task))) {
      batches.push(current);
      current = [];
      bytes = 0;
      tasks.clear();
    }
    current.push(change);
    bytes += change.message.bytes;
    tasks.add(task);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Groups consecutive batches into waves published side by side: a wave ends before a batch that
 * holds a task already in it, so a task's later change is always published in a later wave, after
 * its earlier one was accepted. At most {@link PUBLISH_CONCURRENCY} batches a wave.
 */
export function planWaves(batches: readonly PendingChange[][]): PendingChange[][][] {
  const waves: PendingChange[][][] = [];
  let current: PendingChange[][] = [];
  const tasks = new Set<string>();
  for (const batch of batches) {
    const keys = batch.map(taskKey);
    if (current.length === PUBLISH_CONCURRENCY || keys.some((key) => tasks.has(key))) {
      waves.push(current);
      current = [];
      tasks.clear();
    }
    current.push(batch);
    for (const key of keys) tasks.add(key);
  }
  if (current.length > 0) waves.push(current);
  return waves;
}

/** Publishes the changes a batch of stream records carries. */
export async function deliverChanges(
  records: readonly DynamoDBRecord[],
  deps: DeliveryDependencies,
): Promise<DynamoDBBatchResponse> {
  deps.metrics.addMetric('StreamRecords', MetricUnit.Count, records.length);
  const changes: PendingChange[] = [];
  for (const record of records) {
    try {
      const change = changeFromRecord(record);
      if (change) changes.push(change);
    } catch (error) {
      if (!(error instanceof MalformedRecordError)) throw error;
      deps.logger.error('Dropped a stream record that carries no publishable change', {
        reason: error.message,
        eventID: record.eventID,
        sequenceNumber: record.dynamodb?.SequenceNumber,
      });
      deps.metrics.addMetric('MalformedRecords', MetricUnit.Count, 1);
    }
  }
  if (changes.length === 0) return { batchItemFailures: [] };

  // Claim every change first: in stream order, publishing stops at the first change another
  // consumer holds, so that a task's changes never overtake each other.
  const now = deps.now();
  const claims = await mapWithConcurrency(changes, CLAIM_CONCURRENCY, (change) =>
    deps.outbox.claim(change.historyKey, deps.owner, now, deps.leaseMs),
  );
  const blockedAt = claims.indexOf('busy');
  const reachable = blockedAt < 0 ? changes.length : blockedAt;
  const pending: PendingChange[] = [];
  const unpublished: PendingChange[] = [];
  changes.forEach((change, index) => {
    const claim = claims[index];
    if (claim === 'published') {
      deps.logger.info('Skipped a change already published', { eventId: change.event.eventId });
    } else if (index < reachable) {
      pending.push(change);
    } else if (claim !== 'busy') {
      unpublished.push(change);
    }
  });
  const blocked = blockedAt < 0 ? undefined : changes[blockedAt];
  if (blocked) {
    deps.logger.warn('A change is being published by another consumer; retrying from it later', {
      eventId: blocked.event.eventId,
    });
  }

  let failed: PendingChange | undefined;
  const waves = planWaves(planBatches(pending));
  for (const [waveIndex, wave] of waves.entries()) {
    const outcomesOf = await Promise.all(
      wave.map((batch) => deps.publisher.publishBatch(batch.map((change) => change.message))),
    );
    const marks: Promise<void>[] = [];
    let failures = 0;
    wave.forEach((batch, batchIndex) =>
      batch.forEach((change, index) => {
        const outcome = outcomesOf[batchIndex]?.[index];
        if (outcome?.ok) {
          marks.push(
            deps.outbox.markPublished(change.historyKey, outcome.messageId, deps.now(), change.carrier),
          );
          deps.logger.info('Change published', {
            eventId: change.event.eventId,
            changeType: change.event.changeType,
            ...(isQuotaChange(change.event)
              ? { quota: change.event.quota.name }
              : { taskId: change.event.taskId }),
          });
        } else {
          failed ??= change;
          failures += 1;
          unpublished.push(change);
          deps.logger.error('Publish failed; the change will be retried', {
            eventId: change.event.eventId,
            code: outcome?.code,
            errorMessage: outcome?.message,
          });
        }
      }),
    );
    // A mark that fails leaves the change to be published again on retry: at-least-once, same eventId.
    await Promise.all(marks);
    deps.metrics.addMetric('EventsPublished', MetricUnit.Count, marks.length);
    if (failed) {
      deps.metrics.addMetric('PublishFailures', MetricUnit.Count, failures);
      unpublished.push(...waves.slice(waveIndex + 1).flat(2));
      break;
    }
  }
  // Claims on what this attempt did not publish are given back, so the retry need not wait.
  await Promise.all(unpublished.map((change) => deps.outbox.release(change.historyKey, deps.owner)));

  const retryFrom = [failed, blocked]
    .filter((change): change is PendingChange => change !== undefined)
    .sort((a, b) => changes.indexOf(a) - changes.indexOf(b))[0];
  if (retryFrom) return { batchItemFailures: [{ itemIdentifier: retryFrom.sequenceNumber }] };
  return { batchItemFailures: [] };
}
