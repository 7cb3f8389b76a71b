import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SnapshotStore } from '../../../lambdas/adapters/snapshot-store';
import { anEvent } from '../../support/stream-records';
import { aTask } from '../../support/tasks';

const dynamodb = mockClient(DynamoDBClient);
const store = new SnapshotStore(new DynamoDBClient({ region: 'us-east-1' }), 'monitor');
/** The time of the poll that writes the snapshots. */
const WRITTEN_AT = '2026-11-23T08:00:00.000Z';

beforeEach(() => dynamodb.reset());

describe('SnapshotStore', () => {
  it('loads the snapshots of one listing with consistent reads, and a marker of an older release', async () => {
    const task = aTask();
    dynamodb.on(QueryCommand).resolves({
      Items: [
        marshall({
          pk: 'us-east-1#import-image',
          sk: `TASK#${task.taskId}`,
          task,
          version: 3,
          gone: false,
        }),
      ],
    });
    dynamodb.on(GetItemCommand).resolves({
      Item: marshall({
        pk: 'us-east-1#import-image',
        sk: 'BASELINE',
        completedAt: '2026-01-01T00:00:00.000Z',
      }),
    });

    const listing = await store.loadListing('us-east-1', 'import-image');

    expect(listing.marker).toEqual({ unsettled: [], version: 0 });
    expect(listing.stored.get(task.taskId)).toEqual({ task, version: 3, gone: false });
    const query = dynamodb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query).toMatchObject({ TableName: 'monitor', ConsistentRead: true });
    expect(query?.ExpressionAttributeValues).toEqual(
      marshall({ ':pk': 'us-east-1#import-image', ':prefix': 'TASK#' }),
    );
  });

  it('reads back when the stored state was first observed, and nothing for a snapshot from before it was kept', async () => {
    // Prepare
    const observed = aTask({ taskId: 'import-ami-observed' });
    const legacy = aTask({ taskId: 'import-ami-legacy' });
    dynamodb.on(QueryCommand).resolves({
      Items: [
        marshall({
          pk: 'us-east-1#import-image',
          sk: `TASK#${observed.taskId}`,
          task: observed,
          version: 2,
          gone: false,
          stateSince: '2026-11-23T06:55:00.000Z',
        }),
        marshall({
          pk: 'us-east-1#import-image',
          sk: `TASK#${legacy.taskId}`,
          task: legacy,
          version: 9,
          gone: false,
        }),
      ],
    });
    dynamodb.on(GetItemCommand).resolves({});

    // Act
    const { stored } = await store.loadListing('us-east-1', 'import-image');

    // Assess
    expect(stored.get(observed.taskId)).toEqual({
      task: observed,
      version: 2,
      gone: false,
      stateSince: '2026-11-23T06:55:00.000Z',
    });
    expect(stored.get(legacy.taskId)).not.toHaveProperty('stateSince');
    const projection = dynamodb.commandCalls(QueryCommand)[0]?.args[0].input.ProjectionExpression;
    expect(projection?.split(/,\s*/)).toContain('stateSince');
  });

  it('stores when the state was first observed next to the task, with a change and silently', async () => {
    // Prepare
    dynamodb.on(TransactWriteItemsCommand).resolves({});
    dynamodb.on(PutItemCommand).resolves({});
    const task = aTask();
    const stateSince = '2026-11-23T06:55:00.000Z';

    // Act
    await store.recordChange(
      { task, gone: false, expectedVersion: 4, expiresAt: undefined, writtenAt: WRITTEN_AT, stateSince },
      anEvent(5, task),
      1,
    );
    await store.recordSilently({
      task,
      gone: true,
      expectedVersion: 5,
      expiresAt: 1,
      writtenAt: WRITTEN_AT,
      stateSince,
    });
    await store.recordSilently({ task, gone: true, expectedVersion: 6, expiresAt: 1, writtenAt: WRITTEN_AT });

    // Assess
    const [changed] = dynamodb.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems ?? [];
    const [silent, unknown] = dynamodb.commandCalls(PutItemCommand).map((call) => call.args[0].input.Item);
    expect(changed?.Put?.Item?.stateSince).toEqual({ S: stateSince });
    expect(silent?.stateSince).toEqual({ S: stateSince });
    expect(unknown).not.toHaveProperty('stateSince');
    expect(changed?.Put?.Item?.task?.M).not.toHaveProperty('stateSince');
  });

  it('records a change as one transaction: snapshot conditioned on its version, plus a new history item', async () => {
    dynamodb.on(TransactWriteItemsCommand).resolves({});
    const task = aTask();
    const event = anEvent(5, task);

    const outcome = await store.recordChange(
      { task, gone: false, expectedVersion: 4, expiresAt: undefined, writtenAt: WRITTEN_AT },
      event,
      1_900_000_000,
    );

    expect(outcome).toBe('written');
    const [snapshot, history] =
      dynamodb.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(snapshot?.Put).toMatchObject({
      ConditionExpression: '#version = :expected',
      ExpressionAttributeValues: { ':expected': { N: '4' } },
    });
    expect(snapshot?.Put?.Item).toMatchObject({
      sk: { S: `TASK#${task.taskId}` },
      version: { N: '5' },
      pendingEvent: { S: JSON.stringify(event) },
    });
    expect(snapshot?.Put?.Item).not.toHaveProperty('expiresAt');
    expect(history?.Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(#pk)' });
    expect(history?.Put?.Item).toMatchObject({
      sk: { S: `EVENT#${task.taskId}#0000000005` },
      expiresAt: { N: '1900000000' },
    });
  });

  it('requires a first snapshot not to exist yet', async () => {
    dynamodb.on(TransactWriteItemsCommand).resolves({});

    await store.recordChange(
      { task: aTask(), gone: false, expectedVersion: 0, expiresAt: undefined, writtenAt: WRITTEN_AT },
      anEvent(1),
      1,
    );

    const [snapshot] = dynamodb.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(snapshot?.Put?.ConditionExpression).toBe('attribute_not_exists(#pk)');
  });

  it('answers conflict when another writer changed the snapshot first', async () => {
    dynamodb.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        // The winner wrote both items, so both conditions fail for the loser.
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'ConditionalCheckFailed' }],
      }),
    );

    await expect(
      store.recordChange(
        { task: aTask(), gone: false, expectedVersion: 1, expiresAt: undefined, writtenAt: WRITTEN_AT },
        anEvent(2),
        1,
      ),
    ).resolves.toBe('conflict');
  });

  it('treats an existing history item for the version as an error, not a lost race', async () => {
    dynamodb.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
      }),
    );

    await expect(
      store.recordChange(
        { task: aTask(), gone: false, expectedVersion: 0, expiresAt: undefined, writtenAt: WRITTEN_AT },
        anEvent(1),
        1,
      ),
    ).rejects.toThrow(TransactionCanceledException);
  });

  it('lets other write errors through, so the change is retried by the next poll', async () => {
    dynamodb
      .on(TransactWriteItemsCommand)
      .rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));

    await expect(
      store.recordChange(
        { task: aTask(), gone: false, expectedVersion: 1, expiresAt: undefined, writtenAt: WRITTEN_AT },
        anEvent(2),
        1,
      ),
    ).rejects.toThrow('throttled');
  });

  it('writes a silent snapshot without a pending event, with its expiry', async () => {
    dynamodb.on(PutItemCommand).resolves({});

    await store.recordSilently({
      task: aTask({ phase: 'succeeded' }),
      gone: true,
      expectedVersion: 2,
      expiresAt: 1_900_000_000,
      writtenAt: WRITTEN_AT,
    });

    const item = dynamodb.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({ version: { N: '3' }, gone: { BOOL: true }, expiresAt: { N: '1900000000' } });
    expect(item).not.toHaveProperty('pendingEvent');
  });

  it("keeps a task's miss count and the poll's time on its snapshot, and reads both back", async () => {
    // Prepare
    dynamodb.on(PutItemCommand).resolves({});
    const task = aTask();
    await store.recordSilently({
      task,
      gone: false,
      expectedVersion: 2,
      expiresAt: undefined,
      misses: 1,
      writtenAt: WRITTEN_AT,
    });
    const item = dynamodb.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
    dynamodb.on(QueryCommand).resolves({ Items: [item!] });
    dynamodb.on(GetItemCommand).resolves({});

    // Act
    const { stored, marker } = await store.loadListing('us-east-1', 'import-image');

    // Assess
    expect(item).toMatchObject({ misses: { N: '1' }, updatedAt: { S: WRITTEN_AT } });
    expect(stored.get(task.taskId)).toEqual({
      task,
      version: 3,
      gone: false,
      misses: 1,
      writtenAt: WRITTEN_AT,
    });
    expect(marker).toBeUndefined();
  });

  it('writes the marker conditioned on its version, and reads it back', async () => {
    // Prepare
    dynamodb.on(PutItemCommand).resolves({});
    const marker = {
      lastCompleteAt: WRITTEN_AT,
      unsettled: ['import-ami-1'],
      unsettledSince: WRITTEN_AT,
      version: 4,
    };

    // Act
    const outcome = await store.putMarker('us-east-1', 'import-image', marker);
    await store.putMarker('us-east-1', 'import-image', { unsettled: [], version: 0 });

    // Assess
    const [first, second] = dynamodb.commandCalls(PutItemCommand).map((call) => call.args[0].input);
    expect(outcome).toBe('written');
    expect(first).toMatchObject({
      ConditionExpression: '#version = :expected',
      ExpressionAttributeValues: { ':expected': { N: '4' } },
      Item: { pk: { S: 'us-east-1#import-image' }, sk: { S: 'BASELINE' }, version: { N: '5' } },
    });
    expect(second?.ConditionExpression).toBe('attribute_not_exists(#version)');
    expect(second?.Item).not.toHaveProperty('unsettled');
    dynamodb.on(GetItemCommand).resolves({ Item: first?.Item });
    dynamodb.on(QueryCommand).resolves({ Items: [] });
    expect((await store.loadListing('us-east-1', 'import-image')).marker).toEqual({ ...marker, version: 5 });
  });

  it('answers conflict when another poll rewrote the marker first', async () => {
    dynamodb
      .on(PutItemCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );

    await expect(store.putMarker('us-east-1', 'bundle', { unsettled: [], version: 2 })).resolves.toBe(
      'conflict',
    );
  });
});
