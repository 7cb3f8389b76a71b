// Quota headroom through the real poll on the local engines: the tasks the simulator holds active
// are counted from the listings, one QuotaNearlyExhausted reaches the topic when 16 of the 20
// image tasks are in use, nothing more while they stay, one QuotaAvailable once they finish, and a
// poll at rest reads and writes nothing in DynamoDB. Nothing emulates Service Quotas locally, so
// the documented limits stand (the fallback a denied call takes).
import { DEFAULT_EMAIL_FILTER_POLICY } from '../../lib/defaults';
import type { QuotaEvent } from '../../lambdas/domain/quota';
import {
  type FaultProxies,
  proxiedRunner,
  type ProxiedRunner,
  startFaultProxies,
} from './support/fault-harness';
import { createHarness, type Harness } from './support/harness';

const REGION = 'us-east-1';
let harness: Harness;
let proxies: FaultProxies;
let runner: ProxiedRunner;

beforeAll(async () => {
  harness = await createHarness({ context: { regions: REGION } });
  proxies = await startFaultProxies();
  // One container for the whole file: what a warm poller keeps between polls.
  runner = proxiedRunner(harness, proxies);
});
afterAll(async () => {
  await proxies.close();
  await harness.close();
});

const importIds = Array.from(
  { length: 12 },
  (_, index) => `import-ami-0c0000000000000${String(index).padStart(2, '0')}`,
);
const exportIds = Array.from(
  { length: 4 },
  (_, index) => `export-ami-0d0000000000000${String(index).padStart(2, '0')}`,
);

async function cycle() {
  const outcome = await runner.cycle();
  expect(outcome.failures).toEqual([]);
  return harness.inbox.drain();
}

function dynamodbRequests(): string[] {
  return proxies.dynamodb.requests
    .filter((request) => request.service === 'dynamodb')
    .map((request) => request.operation);
}

it('publishes one QuotaNearlyExhausted at 16 of 20, nothing while it holds, one QuotaAvailable when the tasks finish', async () => {
  // Prepare: 16 image tasks running (import-image and export-image share the quota).
  for (const id of importIds)
    harness.sim.putTask(REGION, 'import-image', { ImportTaskId: id, Status: 'active', Progress: '10' });
  for (const id of exportIds) {
    harness.sim.putTask(REGION, 'export-image', {
      ExportImageTaskId: id,
      ImageId: 'ami-0abcdef1234567890',
      Status: 'active',
      Progress: '10',
    });
  }

  // An email subscriber with the default filter: the warning, not its all-clear nor the tasks' starts.
  const email = await harness.subscribe(DEFAULT_EMAIL_FILTER_POLICY);

  // Act: the first poll discovers them and crosses the warning share.
  const first = await cycle();

  // Assess
  const quotaMessages = first.filter((message) => message.attributes.changeType?.startsWith('Quota'));
  expect(first.filter((message) => message.attributes.changeType === 'TaskDiscovered')).toHaveLength(16);
  expect(quotaMessages).toHaveLength(1);
  const [warning] = quotaMessages;
  expect(warning?.attributes).toEqual({
    changeType: 'QuotaNearlyExhausted',
    quota: 'vm-image-tasks',
    region: REGION,
    account: harness.deployment.pollerEnv.ACCOUNT_ID,
  });
  expect(warning?.subject).toBe(
    '[EC2 tasks] us-east-1: 16 of 20 concurrent VM import/export image tasks in use (80 %)',
  );
  expect((warning?.event as unknown as QuotaEvent).quota).toMatchObject({
    name: 'vm-image-tasks',
    inUse: 16,
    limit: 20,
    limitSource: 'documented-default',
    warningShare: 0.8,
  });
  expect(warning?.emailText).toContain(
    '16 of 20 concurrent VM import/export image tasks in use (80 %) in us-east-1',
  );

  // Act: a poll where nothing changed.
  proxies.dynamodb.clearRequests();
  const idle = await cycle();

  // Assess: nothing published, nothing read or written (the level is in the container's unit state).
  expect(idle).toEqual([]);
  expect(dynamodbRequests()).toEqual([]);

  // Act: every task finishes.
  for (const id of importIds)
    harness.sim.updateTask(REGION, 'import-image', id, {
      Status: 'completed',
      Progress: undefined,
      ImageId: 'ami-0fedcba9876543210',
    });
  for (const id of exportIds)
    harness.sim.updateTask(REGION, 'export-image', id, { Status: 'completed', Progress: undefined });
  const finished = await cycle();

  // Assess
  expect(finished.filter((message) => message.attributes.changeType === 'TaskStateChanged')).toHaveLength(16);
  const cleared = finished.filter((message) => message.attributes.changeType?.startsWith('Quota'));
  expect(cleared.map((message) => message.attributes.changeType)).toEqual(['QuotaAvailable']);
  expect((cleared[0]?.event as unknown as QuotaEvent).quota).toMatchObject({ inUse: 0, limit: 20 });
  expect(cleared[0]?.event.eventId).not.toBe(warning?.event.eventId);

  // Act: at rest again.
  proxies.dynamodb.clearRequests();
  const rest = await cycle();

  // Assess
  expect(rest).toEqual([]);
  expect(dynamodbRequests()).toEqual([]);
  const emailed = (await email.drain()).map((message) => message.attributes.changeType);
  expect(emailed.filter((changeType) => changeType?.startsWith('Quota'))).toEqual(['QuotaNearlyExhausted']);
});
