// A table with the monitor's key schema (no stream, no TTL) on DynamoDB Local, for tests that drive
// the real stores without a whole deployment; the deployment's own table comes from the template.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_LAYOUT } from '../../lambdas/shared/table-layout';

/** Creates a table named `<prefix>-<uuid>` keyed as the monitor's table is, and returns its name. */
export async function createMonitorTable(client: DynamoDBClient, prefix: string): Promise<string> {
  const { partitionKey, sortKey } = TABLE_LAYOUT;
  const tableName = `${prefix}-${randomUUID()}`;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: partitionKey, AttributeType: 'S' },
        { AttributeName: sortKey, AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return tableName;
}
