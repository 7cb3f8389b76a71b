// Where a notifier remembers what it delivered: Powertools idempotency records in the monitor's
// own table, so that a message SQS delivers twice, or a change the publisher published twice
// (same eventId), is posted to a channel once.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ChannelName } from '../shared/config';
import { deliveryPartitionKey, TABLE_LAYOUT } from '../shared/table-layout';

/**
 * The persistence layer of one channel's delivery records: the table's own key attributes, a
 * partition per channel, and the table's TTL attribute as the records' expiry, so DynamoDB
 * deletes them when they can no longer matter.
 */
export function deliveryRecords(
  client: DynamoDBClient,
  tableName: string,
  channel: ChannelName,
): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client: client,
    keyAttr: TABLE_LAYOUT.partitionKey,
    sortKeyAttr: TABLE_LAYOUT.sortKey,
    staticPkValue: deliveryPartitionKey(channel),
    expiryAttr: TABLE_LAYOUT.timeToLiveAttribute,
  });
}
