// Reads what a topic subscriber received: an SQS queue subscribed to the event topic. Used by
// the local mode's event feed and by the integration tests' assertions.
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { isQuotaChange, type MonitorEvent, type QuotaEvent, type TaskChangeEvent } from '#events';
import { LOCAL_CREDENTIALS } from './engines';
import { LOCAL_REGION } from '../local-deployment';
import { sqsMessageOf, structureOf } from './sns-delivery';

/** One delivered message: a task's change or a quota crossing (tell them apart with `isQuotaChange`). */
export interface InboxMessage<E extends MonitorEvent = MonitorEvent> {
  event: E;
  subject: string | undefined;
  /** The email body of the same publish (the `email` member of the structured message). */
  emailText: string | undefined;
  attributes: Record<string, string>;
}

/**
 * Unwraps a message as an SQS subscriber of a MessageStructure=json publish receives it (see
 * {@link sqsMessageOf}); the `email` member is kept too, as what email subscribers read.
 */
export function unwrapDelivery(body: string): InboxMessage {
  const envelope = JSON.parse(body) as {
    Message: string;
    Subject?: string | null;
    MessageAttributes?: Record<string, { Value: string }>;
  };
  const structure = structureOf(envelope.Message);
  const event = JSON.parse(sqsMessageOf(envelope.Message)) as MonitorEvent;
  const attributes = Object.fromEntries(
    Object.entries(envelope.MessageAttributes ?? {}).map(([name, attribute]) => [name, attribute.Value]),
  );
  return {
    event,
    subject: envelope.Subject ?? undefined,
    emailText: typeof structure?.email === 'string' ? structure.email : undefined,
    attributes,
  };
}

/** Receives and deletes messages from a subscribed queue. */
export class Inbox {
  private readonly sqs: SQSClient;

  constructor(
    endpoint: string,
    private readonly queueUrl: string,
  ) {
    this.sqs = new SQSClient({
      endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      useQueueUrlAsEndpoint: false,
    });
  }

  /** Everything waiting in the queue now, oldest first, as event deliveries of the event topic. */
  async drain(): Promise<InboxMessage[]> {
    return (await this.drainBodies()).map(unwrapDelivery);
  }

  /** Everything waiting in the queue now, oldest first, as the message bodies received. */
  async drainBodies(): Promise<string[]> {
    const messages: string[] = [];
    for (;;) {
      const output = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 30,
        }),
      );
      const received = output.Messages ?? [];
      if (received.length === 0) return messages;
      messages.push(...received.map((message) => message.Body ?? ''));
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: received.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
    }
  }

  close(): void {
    this.sqs.destroy();
  }
}

/** Deliveries split by kind, each in delivery order. */
export interface SortedDeliveries {
  /** Task changes (TaskDiscovered, TaskStateChanged, ...). */
  taskChanges: InboxMessage<TaskChangeEvent>[];
  /** Quota crossings (QuotaNearlyExhausted, QuotaAvailable). */
  quotaChanges: InboxMessage<QuotaEvent>[];
}

/** Splits deliveries into task changes and quota crossings, keeping the order within each. */
export function sortDeliveries(messages: readonly InboxMessage[]): SortedDeliveries {
  const sorted: SortedDeliveries = { taskChanges: [], quotaChanges: [] };
  for (const message of messages) {
    const { event } = message;
    if (isQuotaChange(event)) sorted.quotaChanges.push({ ...message, event });
    else sorted.taskChanges.push({ ...message, event });
  }
  return sorted;
}

/**
 * The messages as task changes, for a reader that expects nothing else: a quota crossing among
 * them is a failure, named, rather than something silently dropped.
 */
export function onlyTaskChanges(messages: readonly InboxMessage[]): InboxMessage<TaskChangeEvent>[] {
  const { taskChanges, quotaChanges } = sortDeliveries(messages);
  if (quotaChanges.length > 0) {
    const names = quotaChanges.map(({ event }) => `${event.changeType} ${event.region} ${event.quota.name}`);
    throw new Error(`expected task changes only, received quota crossings: ${names.join(', ')}`);
  }
  return taskChanges;
}
