import {
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

beforeEach(() => dynamodb.reset());

describe('SnapshotStore', () => {
  it('loads the snapshots of one listing with consistent reads and reports whether the baseline is done', async () => {
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
    dynamodb.on(GetItemCommand).resolves({ Item: marshall({ pk: 'us-east-1#import-image' }) });

    const listing = await store.loadListing('us-east-1', 'import-image');

    expect(listing.baselineDone).toBe(true);
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
      { task, gone: false, expectedVersion: 4, expiresAt: undefined, stateSince },
      anEvent(5, task),
      1,
    );
    await store.recordSilently({ task, gone: true, expectedVersion: 5, expiresAt: 1, stateSince });
    await store.recordSilently({ task, gone: true, expectedVersion: 6, expiresAt: 1 });

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
      { task, gone: false, expectedVersion: 4, expiresAt: undefined },
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
      { task: aTask(), gone: false, expectedVersion: 0, expiresAt: undefined },
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
        { task: aTask(), gone: false, expectedVersion: 1, expiresAt: undefined },
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
        { task: aTask(), gone: false, expectedVersion: 0, expiresAt: undefined },
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
        { task: aTask(), gone: false, expectedVersion: 1, expiresAt: undefined },
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
    });

    const item = dynamodb.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({ version: { N: '3' }, gone: { BOOL: true }, expiresAt: { N: '1900000000' } });
    expect(item).not.toHaveProperty('pendingEvent');
  });
});
