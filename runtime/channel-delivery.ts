// The notification channels' queues (and organization mode's unit queue, see
// organization-cycle.ts), drained the way Lambda's SQS event source would: pollers take
// batches of up to ten messages side by side and hand each to a notifier instance; the messages an
// instance reports as failed are left on the queue. A failed message is tried again at the next
// cycle (Lambda waits the visibility timeout), and after the queue's maxReceiveCount the emulator
// moves it to the dead-letter queue, as SQS does.
//
// Concurrency is modelled as Lambda runs it: the event source runs as many pollers as its maximum
// concurrency (5 without one, Lambda's starting number for a standard queue), each invocation
// takes one notifier instance with its own state, and an invocation beyond the function's reserved
// concurrency is throttled: its batch goes back to the queue and the receive still counts.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ChannelName } from '../lambdas/shared/config';
import { mapWithConcurrency } from '../lambdas/shared/concurrency';

/** A notifier handler, callable like the Lambda service calls it. */
export type NotifierInvoke = (event: SQSEvent) => Promise<SQSBatchResponse>;

/** Pollers Lambda's SQS event source starts with when it has no maximum concurrency. */
export const DEFAULT_SQS_POLLERS = 5;

/** One channel's queue and its notifier. */
export interface ChannelRunner {
  channel: ChannelName;
  queueUrl: string;
  /**
   * One handler per notifier instance that can run at once, each with its own state (a Lambda
   * execution environment): as many as the pollers, within the reserved concurrency.
   */
  instances: NotifierInvoke[];
  /** Batches taken from the queue side by side: the event source's maximum concurrency, or 5. */
  pollers: number;
  /** Invocations that may run at once: the function's reserved concurrency, or no limit. */
  concurrencyLimit: number;
  /** The client reading the queue, made once for every cycle. */
  sqs: SQSClient;
  /**
   * The notifier's view of a received body: what SQS holds when SNS delivered it raw. The identity
   * for SQS itself; an emulator that delivers a published message structure whole needs its
   * member picked out (the dev kit passes its reader).
   */
  bodyOf?: (body: string) => string;
}

/** What one pass over a channel's queue did. */
export interface ChannelDeliveryResult {
  channel: ChannelName;
  /** Messages the notifier handled (delivered, or recognised as already delivered). */
  delivered: number;
  /** Messages it reported as failed, left for the next cycle. */
  failed: number;
  /** Messages whose invocation was throttled (beyond the reserved concurrency), left for the next cycle. */
  throttled: number;
}

/** Longer than any pass, so no message comes back within the pass that received it. */
const IN_FLIGHT_SECONDS = 300;

function recordOf(message: Message, queueUrl: string, bodyOf: (body: string) => string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: bodyOf(message.Body ?? ''),
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'sns',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      // A FIFO queue's (the organization's unit queue): the worker keeps each group's order.
      ...(attributes.MessageGroupId ? { MessageGroupId: attributes.MessageGroupId } : {}),
      ...(attributes.MessageDeduplicationId
        ? { MessageDeduplicationId: attributes.MessageDeduplicationId }
        : {}),
      ...(attributes.SequenceNumber ? { SequenceNumber: attributes.SequenceNumber } : {}),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueUrl,
    awsRegion: process.env.AWS_REGION ?? 'us-east-1',
  };
}

/** Hands every message on the channel's queue to its notifier once; returns the counts. */
export async function deliverChannel(runner: ChannelRunner): Promise<ChannelDeliveryResult> {
  const { sqs } = runner;
  const result: ChannelDeliveryResult = { channel: runner.channel, delivered: 0, failed: 0, throttled: 0 };
  const returned: Message[] = [];
  const idle = [...runner.instances];
  let running = 0;

  const poller = async (): Promise<void> => {
    for (;;) {
      const { Messages: messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: runner.queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: IN_FLIGHT_SECONDS,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (messages.length === 0) return;
      const instance = running < runner.concurrencyLimit ? idle.pop() : undefined;
      if (!instance) {
        // Throttled: Lambda refuses the invocation, and the batch comes back after the visibility
        // timeout with its receives counted.
        result.throttled += messages.length;
        returned.push(...messages);
        continue;
      }
      running += 1;
      let response: SQSBatchResponse;
      try {
        response = await instance({
          Records: messages.map((message) =>
            recordOf(message, runner.queueUrl, runner.bodyOf ?? ((body) => body)),
          ),
        });
      } finally {
        running -= 1;
        idle.push(instance);
      }
      const failedIds = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
      const succeeded = messages.filter((message) => !failedIds.has(message.MessageId ?? ''));
      returned.push(...messages.filter((message) => failedIds.has(message.MessageId ?? '')));
      result.delivered += succeeded.length;
      result.failed += messages.length - succeeded.length;
      if (succeeded.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: runner.queueUrl,
            Entries: succeeded.map((message, index) => ({
              Id: `m${index}`,
              ReceiptHandle: message.ReceiptHandle,
            })),
          }),
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, runner.pollers) }, poller));

  // Visible again for the next cycle's pass.
  const chunks = Array.from({ length: Math.ceil(returned.length / 10) }, (_, index) =>
    returned.slice(index * 10, index * 10 + 10),
  );
  await mapWithConcurrency(chunks, 4, (chunk) =>
    sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: runner.queueUrl,
        Entries: chunk.map((message, index) => ({
          Id: `m${index}`,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    ),
  );
  return result;
}
