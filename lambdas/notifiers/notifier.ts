// What the three notifiers (Chatbot, Slack webhook, EventBridge) share: each is fed by its own SQS
// queue, subscribed to the event topic with the channel's filter policy, and delivers the events
// of a batch one after another, once each. A failure leaves the message in the queue: SQS
// redelivers it after the visibility timeout and, after the queue's maxReceiveCount, moves it to
// the channel's dead-letter queue. Nothing is dropped, and a redelivered event already delivered
// is recognised by its eventId and not posted again.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { isMonitorEvent, type MonitorEvent } from '../domain/monitor-event';
import type { ChannelName } from '../shared/config';

/** A place events are delivered to. */
export interface DeliveryAdapter {
  readonly name: ChannelName;
  /**
   * Delivers one event. Throws when it could not; the message is then redelivered later.
   *
   * @param remainingMs time left in the invocation, for waits such as a rate limit's
   */
  deliver(event: MonitorEvent, remainingMs: () => number): Promise<void>;
}

/** What {@link createNotifier} needs. */
export interface NotifierDependencies {
  channel: DeliveryAdapter;
  /** Where deliveries are remembered (see delivery-records.ts). */
  persistenceStore: BasePersistenceLayer;
  /** Days a delivery is remembered; a redelivery after that would be posted again. */
  retentionDays: number;
  logger: Logger;
  metrics: Metrics;
}

/** An SQS message that is not a published event. */
export class MalformedNotificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedNotificationError';
  }
}

/** Reads the event out of a queue message: the topic delivers it raw, the JSON event as the body. */
export function eventFromRecord(record: Pick<SQSRecord, 'body'>): MonitorEvent {
  let value: unknown;
  try {
    value = JSON.parse(record.body);
  } catch {
    throw new MalformedNotificationError('the message body is not JSON');
  }
  if (!isMonitorEvent(value))
    throw new MalformedNotificationError('the message body is not a schema-1 event');
  return value;
}

/** What is remembered of a delivery. */
interface Delivery {
  eventId: string;
  deliveredAt: string;
}

/** A notifier's Lambda handler, before middleware. */
export type NotifierHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * Builds a notifier's handler: parses each message of the batch, delivers it through the channel
 * unless its eventId was delivered before, and reports the messages that failed so that only
 * they are redelivered.
 */
export function createNotifier(deps: NotifierDependencies): NotifierHandler {
  const { channel, logger, metrics } = deps;
  // Into the invocation's metrics, which the handler's middleware publishes with the channel
  // dimension added at the start of the invocation.
  const count = (name: string): void => {
    metrics.addMetric(name, MetricUnit.Count, 1);
  };
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'eventId',
    expiresAfterSeconds: deps.retentionDays * 24 * 3600,
    // Called only when the event was delivered before: the stored result is returned instead.
    responseHook: (response) => {
      count('DuplicateNotifications');
      const { eventId, deliveredAt } = (response ?? {}) as Partial<Delivery>;
      logger.info('Skipped an event already delivered', { eventId, deliveredAt });
      return response;
    },
  });
  const deliverOnce = makeIdempotent(
    async (event: MonitorEvent, context: Context): Promise<Delivery> => {
      await channel.deliver(event, () => context.getRemainingTimeInMillis());
      count('NotificationsDelivered');
      return { eventId: event.eventId, deliveredAt: new Date().toISOString() };
    },
    // The prefix names the channel, not the function, so a redeployed (renamed) function still
    // recognises what it delivered.
    // Shaped like a Lambda handler (event, context): the event is the idempotency payload, and the
    // context sets how long an in-progress record holds (the invocation's remaining time).
    { persistenceStore: deps.persistenceStore, config, keyPrefix: channel.name },
  );
  const processor = new BatchProcessor(EventType.SQS);

  // The batch processor hands each record the invocation's context (given in the options below).
  const deliverRecord = async (record: SQSRecord, context: Context): Promise<void> => {
    let event: MonitorEvent;
    try {
      event = eventFromRecord(record);
    } catch (error) {
      // Kept, not dropped: it fails until the queue moves it to the dead-letter queue to be read.
      count('MalformedNotifications');
      logger.error('A message is not an event; it will end in the dead-letter queue', {
        messageId: record.messageId,
        reason: (error as Error).message,
      });
      throw error;
    }
    try {
      await deliverOnce(event, context);
    } catch (error) {
      count('NotificationFailures');
      logger.warn('Delivery failed; the message will be redelivered', {
        eventId: event.eventId,
        changeType: event.changeType,
        messageId: record.messageId,
        attempt: Number(record.attributes?.ApproximateReceiveCount ?? 1),
        error: (error as Error).message,
      });
      throw error;
    }
  };

  return async (event, context) => {
    if (!Array.isArray(event?.Records)) {
      logger.error('Ignored an invocation that is not an SQS batch', { keys: Object.keys(event ?? {}) });
      return { batchItemFailures: [] };
    }
    metrics.addDimension('channel', channel.name);
    return processPartialResponse(event, deliverRecord, processor, {
      context,
      // One after another: a channel's rate limit and the order of a task's events both need it.
      processInParallel: false,
      // A batch where every message failed is reported like any other, not thrown.
      throwOnFullBatchFailure: false,
    });
  };
}
