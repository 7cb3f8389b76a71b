// Publication claims and marks on the history items. Before publishing a change the publisher
// claims it (a conditional write with a lease); after SNS accepts it, it marks it published. A
// change already marked is skipped when the stream delivers it again (a retried or bisected
// batch), and one claimed by another consumer (a second `poll --once`, say) is left to it, so a
// duplicate can only come from a crash between publishing and marking.
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { PENDING_EVENT_ATTRIBUTE, TABLE_LAYOUT } from '../shared/table-layout';

const { partitionKey: PK, sortKey: SK } = TABLE_LAYOUT;

/** Key of a history item. */
export interface HistoryKey {
  pk: string;
  sk: string;
}

/**
 * Outcome of a claim: `claimed` (publish it), `published` (already out: skip it), `busy`
 * (another consumer holds a live claim: retry later), or `missing` (the history item expired;
 * publish without a mark).
 */
export type ClaimOutcome = 'claimed' | 'published' | 'busy' | 'missing';

/** The snapshot item that carried a change, and the version that recorded it. */
export interface OutboxEntry {
  key: HistoryKey;
  version: number;
}

/** Claims, marks and releases changes for publication. */
export class Outbox {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Claims a change for `owner` until now + lease, unless it is published or claimed by someone else. */
  async claim(key: HistoryKey, owner: string, now: Date, leaseMs: number): Promise<ClaimOutcome> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [PK]: key.pk, [SK]: key.sk }),
          UpdateExpression: 'SET claimOwner = :owner, claimUntil = :until',
          ConditionExpression:
            'attribute_exists(#pk) AND attribute_not_exists(publishedAt) AND (attribute_not_exists(claimUntil) OR claimUntil < :now OR claimOwner = :owner)',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: marshall({
            ':owner': owner,
            ':until': now.getTime() + leaseMs,
            ':now': now.getTime(),
          }),
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Why the condition failed decides what to do, so read the item once.
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall({ [PK]: key.pk, [SK]: key.sk }),
        ConsistentRead: true,
      }),
    );
    if (!Item) return 'missing';
    return unmarshall(Item).publishedAt ? 'published' : 'busy';
  }

  /**
   * Marks a change published and ends its claim. A missing item (expired) is left alone. Then the
   * snapshot that carried the change drops it, unless a later write replaced it: a snapshot does
   * not carry a published event for the rest of its life (reads of the listing would pay for it).
   */
  async markPublished(key: HistoryKey, messageId: string, at: Date, carrier?: OutboxEntry): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [PK]: key.pk, [SK]: key.sk }),
          UpdateExpression: 'SET publishedAt = :at, messageId = :id REMOVE claimOwner, claimUntil',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: marshall({ ':at': at.toISOString(), ':id': messageId }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    if (carrier) await this.dropPendingEvent(carrier);
  }

  /** Removes the published event from the snapshot still at the version that recorded it. */
  private async dropPendingEvent(carrier: OutboxEntry): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [PK]: carrier.key.pk, [SK]: carrier.key.sk }),
          UpdateExpression: 'REMOVE #pending',
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#pending': PENDING_EVENT_ATTRIBUTE, '#version': 'version' },
          ExpressionAttributeValues: marshall({ ':version': carrier.version }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Gives up `owner`'s claim on a change it did not publish, so that a retry need not wait for the lease. */
  async release(key: HistoryKey, owner: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [PK]: key.pk, [SK]: key.sk }),
          UpdateExpression: 'REMOVE claimOwner, claimUntil',
          ConditionExpression: 'claimOwner = :owner',
          ExpressionAttributeValues: marshall({ ':owner': owner }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
