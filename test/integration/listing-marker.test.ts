// The listing marker's conditional writes against DynamoDB Local (review finding W1): a marker of
// an older release (only `completedAt`, no version) is taken over at version 0, a stale version
// conflicts, and the unsettled list and its time make the round trip through the engine. The
// re-baseline, the heartbeat and the unsettled tasks rely on exactly these conditions.
import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { LOCAL_CREDENTIALS } from '../../devkit/engines/engines';
import { SnapshotStore } from '../../lambdas/adapters/snapshot-store';
import { BASELINE_SORT_KEY, partitionKey, TABLE_LAYOUT } from '../../lambdas/shared/table-layout';
import { ENGINE_ENV } from './support/global-setup';

const REGION = 'us-east-1';
const { partitionKey: PK, sortKey: SK } = TABLE_LAYOUT;
let client: DynamoDBClient;
let tableName: string;
let store: SnapshotStore;

beforeAll(async () => {
  client = new DynamoDBClient({
    endpoint: process.env[ENGINE_ENV.dynamodb],
    region: REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  tableName = `marker-${randomUUID()}`;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [
        { AttributeName: PK, KeyType: 'HASH' },
        { AttributeName: SK, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: PK, AttributeType: 'S' },
        { AttributeName: SK, AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  store = new SnapshotStore(client, tableName);
});

afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

it('takes over an older release marker at version 0, then refuses every stale version', async () => {
  // Prepare: the marker an older release wrote, with only its completion time.
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: marshall({
        [PK]: partitionKey(REGION, 'bundle'),
        [SK]: BASELINE_SORT_KEY,
        completedAt: '2026-11-01T00:00:00.000Z',
      }),
    }),
  );

  // Act and assess: it reads as version 0, with nothing known.
  expect((await store.loadListing(REGION, 'bundle')).marker).toEqual({ unsettled: [], version: 0 });

  // Version 0 takes it over (attribute_not_exists(version)), with the unsettled tasks.
  const first = {
    lastCompleteAt: '2026-12-01T10:00:00.000Z',
    unsettled: ['bun-1', 'bun-2'],
    unsettledSince: '2026-12-01T10:00:00.000Z',
    version: 0,
  };
  expect(await store.putMarker(REGION, 'bundle', first)).toBe('written');
  // A second poll that read the same old marker loses.
  expect(await store.putMarker(REGION, 'bundle', { ...first, unsettled: [] })).toBe('conflict');
  expect((await store.loadListing(REGION, 'bundle')).marker).toEqual({ ...first, version: 1 });

  // Version 1 moves on (#version = :expected) and clears the unsettled list; a stale 1 loses.
  const second = { lastCompleteAt: '2026-12-02T10:00:00.000Z', unsettled: [], version: 1 };
  expect(await store.putMarker(REGION, 'bundle', second)).toBe('written');
  expect(await store.putMarker(REGION, 'bundle', { ...second, rebaselineFrom: 'x' })).toBe('conflict');
  expect((await store.loadListing(REGION, 'bundle')).marker).toEqual({ ...second, version: 2 });
});

it('writes the first marker of a listing that has none at version 0, once', async () => {
  const marker = {
    lastCompleteAt: '2026-12-02T10:00:00.000Z',
    rebaselineFrom: '2026-12-02T09:59:00.000Z',
    unsettled: [],
    version: 0,
  };

  expect((await store.loadListing(REGION, 'conversion')).marker).toBeUndefined();
  expect(await store.putMarker(REGION, 'conversion', marker)).toBe('written');
  expect(await store.putMarker(REGION, 'conversion', marker)).toBe('conflict');
  expect((await store.loadListing(REGION, 'conversion')).marker).toEqual({ ...marker, version: 1 });
});
