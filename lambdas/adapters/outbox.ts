// Publication marks on the history items. The stream may deliver a record again (a retried
// batch, a bisected one); the mark lets the publisher skip what already went out, so a
// duplicate can only come from a crash between publishing and marking.
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { TABLE_LAYOUT } from '../shared/table-layout';

const { partitionKey: PK, sortKey: SK } = TABLE_LAYOUT;
/** BatchGetItem reads at most 100 keys per call. */
const BATCH_GET_LIMIT = 100;
const MAX_UNPROCESSED_ROUNDS = 5;

/** Key of a history item. */
export interface HistoryKey {
  pk: string;
  sk: string;
}

function keyString(key: HistoryKey): string {
  return `${key.pk}\u0000${key.sk}`;
}

/** Reads and writes publication marks. */
export class Outbox {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Returns a predicate telling which of the keys are already marked published. */
  async publishedAmong(keys: readonly HistoryKey[]): Promise<(key: HistoryKey) => boolean> {
    const published = new Set<string>();
    for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
      let pending: Record<string, AttributeValue>[] | undefined = keys
        .slice(start, start + BATCH_GET_LIMIT)
        .map((key) => marshall({ [PK]: key.pk, [SK]: key.sk }));
      for (let round = 0; pending && pending.length > 0; round++) {
        if (round === MAX_UNPROCESSED_ROUNDS)
          throw new Error('DynamoDB left keys unprocessed after several rounds');
        const output: BatchGetItemCommandOutput = await this.client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: pending,
                ConsistentRead: true,
                ProjectionExpression: '#pk, #sk, publishedAt',
                ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
              },
            },
          }),
        );
        for (const item of output.Responses?.[this.tableName] ?? []) {
          const record = unmarshall(item);
          if (record.publishedAt)
            published.add(keyString({ pk: String(record[PK]), sk: String(record[SK]) }));
        }
        pending = output.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return (key) => published.has(keyString(key));
  }

  /** Marks a history item published. A missing item (expired) is left alone. */
  async markPublished(key: HistoryKey, messageId: string, at: Date): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [PK]: key.pk, [SK]: key.sk }),
          UpdateExpression: 'SET publishedAt = :at, messageId = :id',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: marshall({ ':at': at.toISOString(), ':id': messageId }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
