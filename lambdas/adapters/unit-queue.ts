// The workers' FIFO queue, written by the dispatcher: one message per unit, grouped by unit (no two
// workers poll one unit at once) and deduplicated per unit and cycle (a retried dispatch sends a
// unit once), ten to a SendMessageBatch call.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type PollUnit, unitDeduplicationId, unitGroupId } from '../domain/unit';
import { mapWithConcurrency } from '../shared/concurrency';

/** SQS's largest batch. */
const BATCH_SIZE = 10;
/** Batches in flight. */
const SEND_CONCURRENCY = 8;

/** Sends units to the queue. @throws Error listing the units SQS refused after the SDK's retries */
export async function sendUnits(
  client: SQSClient,
  queueUrl: string,
  units: readonly PollUnit[],
): Promise<void> {
  const batches: PollUnit[][] = [];
  for (let start = 0; start < units.length; start += BATCH_SIZE)
    batches.push(units.slice(start, start + BATCH_SIZE));
  const refused = await mapWithConcurrency(batches, SEND_CONCURRENCY, async (batch) => {
    const { Failed: failed } = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((unit, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify(unit),
          MessageGroupId: unitGroupId(unit),
          MessageDeduplicationId: unitDeduplicationId(unit),
        })),
      }),
    );
    return (failed ?? []).map(
      (entry) => `${unitGroupId(batch[Number(entry.Id)] as PollUnit)} (${entry.Code})`,
    );
  });
  const all = refused.flat();
  if (all.length > 0) throw new Error(`SQS refused ${all.length} unit(s): ${all.slice(0, 10).join(', ')}`);
}
