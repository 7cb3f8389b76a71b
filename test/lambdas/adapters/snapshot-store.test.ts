import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SnapshotStore } from '../../../lambdas/adapters/snapshot-store';
import { anEvent } from '../../support/stream-records';
import { aTask } from '../../support/tasks';

const dynamodb = mockClient(DynamoDBClient);
const ACCOUNT = '123456789012';
const UNIT = { account: ACCOUNT, region: 'us-east-1' };
const store = new SnapshotStore(new DynamoDBClient({ region: 'us-east-1' }), 'monitor', ACCOUNT);
/** The time of the poll that writes the snapshots. */
const WRITTEN_AT = '2026-11-23T08:00:00.000Z';
/** When the listing the writes come from began. */
const LISTED_AT = '2026-11-23T08:00:01.234Z';

beforeEach(() => dynamodb.reset());

describe('SnapshotStore', () => {
  it('loads the snapshots of one listing with a consistent Query under the account, Region and type', async () => {
    const task = aTask();
    dynamodb.on(QueryCommand).resolves({
      Items: [
        marshall({
          pk: `${ACCOUNT}#us-east-1#import-image`,
          sk: `TASK#${task.taskId}`,
          task,
          version: 3,
          gone: false,
        }),
      ],
    });

    const stored = await store.loadSnapshots(UNIT, 'import-image');

    expect(stored.get(task.taskId)).toEqual({ task, version: 3, gone: false });
    const query = dynamodb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query).toMatchObject({ TableName: 'monitor', ConsistentRead: true });
    // Every snapshot key, and only snapshot keys: from the prefix to just past it.
    expect(query?.KeyConditionExpression).toBe('#pk = :pk AND #sk BETWEEN :from AND :to');
    expect(query?.ExpressionAttributeValues).toEqual(
      marshall({ ':pk': `${ACCOUNT}#us-east-1#import-image`, ':from': 'TASK#', ':to': 'TASK$' }),
    );
  });

  it('reads a large listing as ranges of its sort keys side by side, each snapshot once', async () => {
    // Prepare: 2,500 listed ids make three ranges; DynamoDB answers each range with the snapshots
    // between its bounds, both included, so the key at a bound comes back in two ranges.
    const ids = Array.from({ length: 2_500 }, (_, index) => `import-ami-${String(index).padStart(5, '0')}`);
    const snapshotOf = (taskId: string, version: number) =>
      marshall({ task: aTask({ taskId }), version, gone: false });
    dynamodb
      .on(QueryCommand)
      .callsFake((input: { ExpressionAttributeValues: Record<string, { S: string }> }) => {
        const from = input.ExpressionAttributeValues[':from']?.S ?? '';
        const to = input.ExpressionAttributeValues[':to']?.S ?? '';
        const inRange = [...ids, 'import-ami-unlisted']
          .filter((id) => `TASK#${id}` >= from && `TASK#${id}` <= to)
          // A range read later sees a later version: the one kept must be its own range's.
          .map((id) => snapshotOf(id, from === 'TASK#' ? 1 : 2));
        return { Items: inRange };
      });

    // Act
    const stored = await store.loadSnapshots(UNIT, 'import-image', ids);

    // Assert
    const ranges = dynamodb
      .commandCalls(QueryCommand)
      .map((call) => call.args[0].input.ExpressionAttributeValues as Record<string, { S: string }>)
      .map((values) => [values[':from']?.S, values[':to']?.S]);
    expect(ranges).toEqual([
      ['TASK#', 'TASK#import-ami-00833'],
      ['TASK#import-ami-00833', 'TASK#import-ami-01666'],
      ['TASK#import-ami-01666', 'TASK$'],
    ]);
    expect(stored.size).toBe(2_501);
    expect(stored.get('import-ami-00833')?.version).toBe(2);
    expect(stored.get('import-ami-00832')?.version).toBe(1);
    expect(stored.has('import-ami-unlisted')).toBe(true);
  });

  it('reads back when the stored state was first observed, and nothing for a snapshot from before it was kept', async () => {
    // Prepare
    const observed = aTask({ taskId: 'import-ami-observed' });
    const legacy = aTask({ taskId: 'import-ami-legacy' });
    dynamodb.on(QueryCommand).resolves({
      Items: [
        marshall({
          pk: `${ACCOUNT}#us-east-1#import-image`,
          sk: `TASK#${observed.taskId}`,
          task: observed,
          version: 2,
          gone: false,
          stateSince: '2026-11-23T06:55:00.000Z',
        }),
        marshall({
          pk: `${ACCOUNT}#us-east-1#import-image`,
          sk: `TASK#${legacy.taskId}`,
          task: legacy,
          version: 9,
          gone: false,
        }),
      ],
    });
    // Act
    const stored = await store.loadSnapshots(UNIT, 'import-image');

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
      {
        task,
        gone: false,
        expectedVersion: 4,
        expiresAt: undefined,
        writtenAt: WRITTEN_AT,
        listedAt: LISTED_AT,
        stateSince,
      },
      anEvent(5, task),
      1,
    );
    await store.recordSilently({
      task,
      gone: true,
      expectedVersion: 5,
      expiresAt: 1,
      writtenAt: WRITTEN_AT,
      listedAt: LISTED_AT,
      stateSince,
    });
    await store.recordSilently({
      task,
      gone: true,
      expectedVersion: 6,
      expiresAt: 1,
      writtenAt: WRITTEN_AT,
      listedAt: LISTED_AT,
    });

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
      {
        task,
        gone: false,
        expectedVersion: 4,
        expiresAt: undefined,
        writtenAt: WRITTEN_AT,
        listedAt: LISTED_AT,
      },
      event,
      1_900_000_000,
    );

    expect(outcome).toBe('written');
    const [snapshot, history] =
      dynamodb.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(snapshot?.Put).toMatchObject({
      ConditionExpression:
        '#version = :expected AND (attribute_not_exists(#observedAt) OR #observedAt < :listedAt)',
      ExpressionAttributeValues: { ':expected': { N: '4' }, ':listedAt': { S: LISTED_AT } },
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

  describe('recording many changes', () => {
    const changeOf = (index: number, expectedVersion = 0) => {
      const task = aTask({ taskId: `import-ami-${String(index).padStart(5, '0')}` });
      return {
        write: {
          task,
          gone: false,
          expectedVersion,
          expiresAt: undefined,
          writtenAt: WRITTEN_AT,
          listedAt: LISTED_AT,
        },
        event: anEvent(expectedVersion + 1, task),
      };
    };
    const taskIdsOf = (call: {
      args: [{ input: { TransactItems?: { Put?: { Item?: Record<string, unknown> } }[] } }];
    }) =>
      (call.args[0].input.TransactItems ?? [])
        .map((item) => (item.Put?.Item?.sk as { S: string }).S)
        .filter((key) => key.startsWith('TASK#'));

    it('writes them in transactions of at most 100 items, each change with the items and conditions of one', async () => {
      dynamodb.on(TransactWriteItemsCommand).resolves({});
      const changes = Array.from({ length: 60 }, (_, index) => changeOf(index, index % 2));

      const outcomes = await store.recordChanges(changes, 1_900_000_000);

      expect(outcomes).toEqual(changes.map(() => ({ status: 'fulfilled', value: 'written' })));
      const calls = dynamodb.commandCalls(TransactWriteItemsCommand);
      expect(calls.map((call) => call.args[0].input.TransactItems?.length)).toEqual([100, 20]);
      const [first, second] = calls;
      expect(taskIdsOf(first as never)).toHaveLength(50);
      // The second change expects version 1: conditioned on it, as recordChange conditions it.
      const items = first?.args[0].input.TransactItems ?? [];
      expect(items[2]?.Put?.ExpressionAttributeValues).toMatchObject({ ':expected': { N: '1' } });
      expect(items[3]?.Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(#pk)' });
      expect(taskIdsOf(second as never)).toEqual(
        changes.slice(50).map(({ write }) => `TASK#${write.task.taskId}`),
      );
    });

    it('records the changes of a failed transaction one by one, each with its own outcome', async () => {
      // Prepare: the transaction of three is cancelled because the second lost its race; alone,
      // the first is written, the second conflicts and the third is refused.
      const changes = [changeOf(1), changeOf(2, 3), changeOf(3)];
      const lost = new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'ConditionalCheckFailed' }],
      });
      const refused = Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
        name: 'ValidationException',
      });
      dynamodb.on(TransactWriteItemsCommand).callsFake((input: { TransactItems: unknown[] }) => {
        if (input.TransactItems.length > 2) throw lost;
        const key = taskIdsOf({ args: [{ input }] } as never)[0];
        if (key === 'TASK#import-ami-00002') throw lost;
        if (key === 'TASK#import-ami-00003') throw refused;
        return {};
      });

      // Act
      const outcomes = await store.recordChanges(changes, 1);

      // Assert
      expect(outcomes).toEqual([
        { status: 'fulfilled', value: 'written' },
        { status: 'fulfilled', value: 'conflict' },
        { status: 'rejected', reason: refused },
      ]);
      expect(dynamodb.commandCalls(TransactWriteItemsCommand).map(taskIdsOf as never)).toEqual([
        ['TASK#import-ami-00001', 'TASK#import-ami-00002', 'TASK#import-ami-00003'],
        ['TASK#import-ami-00001'],
        ['TASK#import-ami-00002'],
        ['TASK#import-ami-00003'],
      ]);
    });
  });

  it('requires a first snapshot not to exist yet', async () => {
    dynamodb.on(TransactWriteItemsCommand).resolves({});

    await store.recordChange(
      {
        task: aTask(),
        gone: false,
        expectedVersion: 0,
        expiresAt: undefined,
        writtenAt: WRITTEN_AT,
        listedAt: LISTED_AT,
      },
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
        {
          task: aTask(),
          gone: false,
          expectedVersion: 1,
          expiresAt: undefined,
          writtenAt: WRITTEN_AT,
          listedAt: LISTED_AT,
        },
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
        {
          task: aTask(),
          gone: false,
          expectedVersion: 0,
          expiresAt: undefined,
          writtenAt: WRITTEN_AT,
          listedAt: LISTED_AT,
        },
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
        {
          task: aTask(),
          gone: false,
          expectedVersion: 1,
          expiresAt: undefined,
          writtenAt: WRITTEN_AT,
          listedAt: LISTED_AT,
        },
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
      listedAt: LISTED_AT,
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
      listedAt: LISTED_AT,
    });
    const item = dynamodb.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
    dynamodb.on(QueryCommand).resolves({ Items: [item!] });

    // Act
    const stored = await store.loadSnapshots(UNIT, 'import-image');

    // Assess
    expect(item).toMatchObject({
      misses: { N: '1' },
      updatedAt: { S: WRITTEN_AT },
      observedAt: { S: LISTED_AT },
    });
    expect(stored.get(task.taskId)).toEqual({
      task,
      version: 3,
      gone: false,
      misses: 1,
      writtenAt: WRITTEN_AT,
      observedAt: LISTED_AT,
    });
  });

  it("writes a listing's state into its unit's item conditioned on its version, and reads it back", async () => {
    // Prepare
    dynamodb.on(UpdateItemCommand).resolves({});
    const state = {
      lastCompleteAt: WRITTEN_AT,
      unsettled: ['import-ami-1'],
      unsettledSince: WRITTEN_AT,
      fingerprint: 'abc',
      version: 4,
    };

    // Act
    const outcome = await store.putListingState(UNIT, 'import-image', state);
    await store.putListingState(UNIT, 'bundle', { unsettled: [], version: 0 });

    // Assess
    const [first, second] = dynamodb.commandCalls(UpdateItemCommand).map((call) => call.args[0].input);
    expect(outcome).toBe('written');
    expect(first).toMatchObject({
      Key: { pk: { S: `UNIT#${ACCOUNT}#us-east-1` }, sk: { S: 'STATE' } },
      UpdateExpression: 'SET #type = :state',
      ConditionExpression: '#type.#version = :expected',
      ExpressionAttributeNames: { '#type': 'import-image', '#version': 'version' },
      ExpressionAttributeValues: { ':expected': { N: '4' } },
    });
    expect(second?.ConditionExpression).toBe('attribute_not_exists(#type)');
    expect(second?.ExpressionAttributeValues?.[':state']?.M).not.toHaveProperty('unsettled');
    dynamodb.on(GetItemCommand).resolves({
      Item: {
        pk: { S: `UNIT#${ACCOUNT}#us-east-1` },
        sk: { S: 'STATE' },
        'import-image': first!.ExpressionAttributeValues![':state']!,
      },
    });
    const unitState = await store.loadUnitState(UNIT);
    expect(unitState.get('import-image')).toEqual({ ...state, version: 5 });
    expect(unitState.has('bundle')).toBe(false);
    expect(dynamodb.commandCalls(GetItemCommand)[0]?.args[0].input).toMatchObject({ ConsistentRead: true });
  });

  it('answers conflict when another poll rewrote the marker first', async () => {
    dynamodb
      .on(UpdateItemCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );

    await expect(store.putListingState(UNIT, 'bundle', { unsettled: [], version: 2 })).resolves.toBe(
      'conflict',
    );
  });
});
