// SNS adapter of the publisher: publishes rendered events with PublishBatch and reports the
// outcome of every entry, so the caller knows exactly which events went out.
import { PublishBatchCommand, type PublishBatchRequestEntry, type SNSClient } from '@aws-sdk/client-sns';
import type { SnsMessage } from '../domain/sns-message';

/** Outcome of one entry of a batch. */
export type PublishOutcome = { ok: true; messageId: string } | { ok: false; code: string; message: string };

/** Publishes batches of messages to one topic. */
export class EventPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  /** Publishes up to ten messages in one call; one outcome per message, in order. Never throws. */
  async publishBatch(messages: readonly SnsMessage[]): Promise<PublishOutcome[]> {
    const entries: PublishBatchRequestEntry[] = messages.map((message, index) => ({
      Id: `m${index}`,
      Message: message.message,
      MessageStructure: 'json',
      Subject: message.subject,
      MessageAttributes: Object.fromEntries(
        Object.entries(message.attributes).map(([name, value]) => [
          name,
          { DataType: 'String', StringValue: value },
        ]),
      ),
    }));
    try {
      const output = await this.client.send(
        new PublishBatchCommand({ TopicArn: this.topicArn, PublishBatchRequestEntries: entries }),
      );
      const succeeded = new Map((output.Successful ?? []).map((entry) => [entry.Id, entry.MessageId ?? '']));
      const failed = new Map((output.Failed ?? []).map((entry) => [entry.Id, entry]));
      return entries.map((entry): PublishOutcome => {
        const messageId = succeeded.get(entry.Id);
        if (messageId !== undefined) return { ok: true, messageId };
        const failure = failed.get(entry.Id);
        return {
          ok: false,
          code: failure?.Code ?? 'Unknown',
          message: failure?.Message ?? 'SNS reported no result for the entry',
        };
      });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      return entries.map(() => ({ ok: false, code: failure.name, message: failure.message }));
    }
  }
}
