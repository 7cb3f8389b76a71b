// Changes recorded but never published (the stream trigger gave up and parked the batch in the
// dead-letter queue) are published by `redrive`, once, through the publisher handler.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_ACCOUNT } from '../../devkit/local-deployment';
import { SnapshotStore } from '../../lambdas/adapters/snapshot-store';
import { redriveUnpublished } from '../../runtime/redrive';
import { createHarness, type Harness } from './support/harness';

let harness: Harness;
let store: SnapshotStore;
const scope = { regions: ['us-east-1'], taskTypes: ['import-image', 'bundle'] as const };

beforeAll(async () => {
  harness = await createHarness({ context: { regions: 'us-east-1', taskTypes: 'import-image,bundle' } });
  store = new SnapshotStore(new DynamoDBClient({}), harness.deployment.tableName, LOCAL_ACCOUNT);
  await harness.cycleAndReceive();
});
afterAll(() => harness.close());

it('publishes every unpublished change once, oldest first, and nothing already published', async () => {
  // Prepare: one change published normally, then three recorded with no delivery at all.
  harness.sim.putTask('us-east-1', 'bundle', {
    BundleId: 'bun-11111111',
    InstanceId: 'i-0123456789abcdef0',
    State: 'bundling',
  });
  const published = await harness.cycleAndReceive();
  harness.sim.updateTask('us-east-1', 'bundle', 'bun-11111111', { State: 'failed' });
  harness.sim.putTask('us-east-1', 'import-image', {
    ImportTaskId: 'import-ami-0123456789abcdef0',
    Status: 'active',
    StatusMessage: 'converting',
  });
  await harness.handlers.poll();
  harness.sim.updateTask('us-east-1', 'import-image', 'import-ami-0123456789abcdef0', {
    Status: 'completed',
    StatusMessage: null,
  });
  await harness.handlers.poll();

  // Act
  const dryRun = await redriveUnpublished(store, scope, undefined);
  const first = await redriveUnpublished(store, scope, harness.handlers.publish);
  const firstMessages = await harness.inbox.drain();
  const second = await redriveUnpublished(store, scope, harness.handlers.publish);
  // The stream still carries the same changes: delivering it now publishes nothing more.
  const stream = await harness.cycleAndReceive();

  // Assess
  expect(published.messages.map((m) => m.event.changeType)).toEqual(['TaskDiscovered']);
  // Oldest poll first; within one poll, by version.
  expect(dryRun.found.map((entry) => [entry.event.taskId, entry.version, entry.event.changeType])).toEqual([
    ['import-ami-0123456789abcdef0', 1, 'TaskDiscovered'],
    ['bun-11111111', 2, 'TaskStateChanged'],
    ['import-ami-0123456789abcdef0', 2, 'TaskStateChanged'],
  ]);
  expect(dryRun.delivered).toBe(0);
  expect(first).toMatchObject({ delivered: 3 });
  expect(first.failure).toBeUndefined();
  expect(firstMessages.map((m) => m.event.eventId)).toEqual(dryRun.found.map((entry) => entry.event.eventId));
  expect(second.found).toEqual([]);
  expect(stream.messages).toEqual([]);
});
