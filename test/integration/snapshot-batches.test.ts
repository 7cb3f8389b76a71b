// The snapshot store's batched forms against DynamoDB Local: changes recorded many to a
// transaction keep each change's conditions (a lost race or a stale listing loses that change
// alone, and adds no history item), and a listing read as ranges of sort keys side by side
// returns every snapshot once, listed or not, and nothing else of the partition.
import { type AttributeValue, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { ChangeWrite } from '../../lambdas/adapters/snapshot-store';
import { partitionKey, type Unit } from '../../lambdas/shared/table-layout';
import { anEvent } from '../support/stream-records';
import { aTask } from '../support/tasks';
import { useStoreTable } from './support/store-table';

const UNIT: Unit = { account: '123456789012', region: 'us-east-1' };
const WRITTEN_AT = '2026-12-02T10:00:00.000Z';
const table = useStoreTable('batches', UNIT.account);

/** A change of task `import-ami-<index>` from `expectedVersion`, from a listing begun at `listedAt`. */
function changeOf(index: number, expectedVersion: number, listedAt: string): ChangeWrite {
  const task = aTask({ taskId: `import-ami-${String(index).padStart(5, '0')}`, account: UNIT.account });
  return {
    write: { task, gone: false, expectedVersion, expiresAt: undefined, writtenAt: WRITTEN_AT, listedAt },
    event: anEvent(expectedVersion + 1, task),
  };
}

/** The listing's history items, counted over every page of the Query. */
async function historyCount(): Promise<number> {
  let count = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': { S: partitionKey(UNIT, 'import-image') },
          ':prefix': { S: 'EVENT#' },
        },
        Select: 'COUNT',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

it('records 2,501 changes 50 to a transaction, then reads them back as ranges, each once', async () => {
  const listedAt = '2026-12-02T10:00:00.100Z';
  const changes = Array.from({ length: 2_501 }, (_, index) => changeOf(index, 0, listedAt));

  const outcomes = await table.store.recordChanges(changes, 1_900_000_000);

  expect(outcomes.every((outcome) => outcome.status === 'fulfilled' && outcome.value === 'written')).toBe(
    true,
  );
  expect(await historyCount()).toBe(2_501);
  // The listing names all but the last: three ranges, and the unlisted snapshot is read too.
  const listed = changes.slice(0, 2_500).map(({ write }) => write.task.taskId);
  const stored = await table.store.loadSnapshots(UNIT, 'import-image', listed);
  expect(stored.size).toBe(2_501);
  expect([...stored.values()].every((snapshot) => snapshot.version === 1)).toBe(true);
  expect(stored.get('import-ami-02500')).toMatchObject({ version: 1, observedAt: listedAt });
  // Read without the ids, as one range: the same snapshots.
  expect([...(await table.store.loadSnapshots(UNIT, 'import-image')).keys()].sort()).toEqual(
    [...stored.keys()].sort(),
  );
});

it('loses, in a shared transaction, only the changes whose race or listing is lost', async () => {
  // Prepare: tasks 0 to 3 are at version 1, written from a listing at 10:00:00.100.
  const later = '2026-12-02T10:01:00.000Z';
  const stale = '2026-12-02T09:59:00.000Z';
  const before = await historyCount();

  // Act: task 1 expects a version it no longer has, task 2 comes from a listing older than the
  // stored one; tasks 0 and 3 are right.
  const outcomes = await table.store.recordChanges(
    [changeOf(0, 1, later), changeOf(1, 0, later), changeOf(2, 1, stale), changeOf(3, 1, later)],
    1_900_000_000,
  );

  // Assess
  expect(outcomes.map((outcome) => outcome.status === 'fulfilled' && outcome.value)).toEqual([
    'written',
    'conflict',
    'conflict',
    'written',
  ]);
  expect(await historyCount()).toBe(before + 2);
  const stored = await table.store.loadSnapshots(UNIT, 'import-image');
  expect([0, 1, 2, 3].map((index) => stored.get(`import-ami-0000${index}`)?.version)).toEqual([2, 1, 1, 2]);
});
