// A SnapshotStore on a table of its own on DynamoDB Local, for the integration tests that drive the
// store directly: the table is created before the file's tests and deleted after them.
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from '../../../devkit/engines/engines';
import { SnapshotStore } from '../../../lambdas/adapters/snapshot-store';
import { createMonitorTable } from '../../support/table';
import { ENGINE_ENV } from './global-setup';

/** What {@link useStoreTable} sets up; read it in the tests, not before `beforeAll` has run. */
export interface StoreTable {
  client: DynamoDBClient;
  tableName: string;
  store: SnapshotStore;
}

/** Registers the hooks that create the table (`<prefix>-<uuid>`) and its store for `account`, and delete it. */
export function useStoreTable(prefix: string, account: string): StoreTable {
  const table = {} as StoreTable;
  beforeAll(async () => {
    table.client = new DynamoDBClient({
      endpoint: process.env[ENGINE_ENV.dynamodb],
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    table.tableName = await createMonitorTable(table.client, prefix);
    table.store = new SnapshotStore(table.client, table.tableName, account);
  });
  afterAll(async () => {
    await table.client?.send(new DeleteTableCommand({ TableName: table.tableName }));
    table.client?.destroy();
  });
  return table;
}
