// The notification channels' queues, drained the way Lambda's SQS event source would: batches of
// up to ten messages handed to the notifier, the messages it reports as failed left on the queue.
// A failed message is tried again at the next cycle (Lambda waits the visibility timeout), and
// after the queue's maxReceiveCount the emulator moves it to the dead-letter queue, as SQS does.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ChannelName } from '../lambdas/shared/config';
import { sqsMessageOf } from '../tools/local/sns-delivery';

/** A notifier handler, callable like the Lambda service calls it. */
export type NotifierInvoke = (event: SQSEvent) => Promise<SQSBatchResponse>;

/** One channel's queue and its notifier. */
export interface ChannelRunner {
  channel: ChannelName;
  queueUrl: string;
  invoke: NotifierInvoke;
  /** The client reading the queue, made once for every cycle. */
  sqs: SQSClient;
}

/** What one pass over a channel's queue did. */
export interface ChannelDeliveryResult {
  channel: ChannelName;
  /** Messages the notifier handled (delivered, or recognised as already delivered). */
  delivered: number;
  /** Messages it reported as failed, left for the next cycle. */
  failed: number;
}

/** Longer than any pass, so no message comes back within the pass that received it. */
const IN_FLIGHT_SECONDS = 300;

function recordOf(message: Message, queueUrl: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    // fauxqs delivers the whole message structure; SNS would deliver the SQS member.
    body: sqsMessageOf(message.Body ?? ''),
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'sns',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
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
  const result: ChannelDeliveryResult = { channel: runner.channel, delivered: 0, failed: 0 };
  const failed: Message[] = [];
  for (;;) {
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: runner.queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: IN_FLIGHT_SECONDS,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (messages.length === 0) break;
    const response = await runner.invoke({
      Records: messages.map((message) => recordOf(message, runner.queueUrl)),
    });
    const failedIds = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    const succeeded = messages.filter((message) => !failedIds.has(message.MessageId ?? ''));
    failed.push(...messages.filter((message) => failedIds.has(message.MessageId ?? '')));
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
  // Visible again for the next cycle's pass.
  for (let start = 0; start < failed.length; start += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: runner.queueUrl,
        Entries: failed.slice(start, start + 10).map((message, index) => ({
          Id: `m${index}`,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
  return result;
}
