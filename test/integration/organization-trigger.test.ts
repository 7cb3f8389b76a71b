// cloudTrailTrigger in organization mode through the runtime, in process: the dispatcher's bundle is
// invoked with CloudTrail's record of a member account's call, as the rule on the task-call bus
// invokes it; the unit it sends goes through the deployment's FIFO queue on the SNS/SQS emulator
// into the worker's bundle, which assumes the member role (STS stand-in) and lists the EC2 simulator;
// the publisher's bundle publishes what it recorded to the topic. A task that failed seconds after
// its creation reaches the topic without a cycle, exactly once; a call in an excluded account polls
// nothing.
import {
  type OrganizationStandIn,
  organizationStandInEnvironment,
  startOrganizationStandIn,
} from '../../devkit/stand-ins/organization-stand-in';
import { onlyTaskChanges } from '../../devkit/engines/inbox';
import {
  loadOrganizationHandlers,
  type OrganizationHandlers,
  runOrganizationCycle,
  runOrganizationTrigger,
} from '../../runtime/organization-cycle';
import { createHarness, type Harness } from './support/harness';

const REGION = 'us-east-1';
const ROLE = 'ec2-task-monitor-reader';
const PROD = { id: '111111111111', name: 'prod' };
const EXCLUDED = { id: '444444444444', name: 'excluded' };
const FAILED_IMPORT = 'import-ami-0f00dfa11ed000001';

let harness: Harness;
let organization: OrganizationStandIn;
let handlers: OrganizationHandlers;
const saved = { ...process.env };

beforeAll(async () => {
  organization = await startOrganizationStandIn();
  harness = await createHarness({
    context: {
      accounts: 'organization',
      excludeAccounts: EXCLUDED.id,
      regions: REGION,
      taskTypes: 'import-image',
      cloudTrailTrigger: 'true',
    },
  });
  organization.putAccount({ ...PROD, roles: [ROLE] });
  organization.putAccount({ ...EXCLUDED, roles: [ROLE] });
  const dispatcherEnv = harness.deployment.organization?.dispatcherEnv;
  if (!dispatcherEnv) throw new Error('the stack was not synthesized in organization mode');
  // The dispatcher's REGIONS over the worker's: only the dispatcher reads it.
  Object.assign(process.env, organizationStandInEnvironment(organization), dispatcherEnv, {
    // The functions' own level (INFO) as the harness quiets it.
    POWERTOOLS_LOG_LEVEL: process.env.IT_LOG_LEVEL ?? 'SILENT',
  });
  jest.isolateModules(() => {
    handlers = loadOrganizationHandlers();
  });
});

afterAll(async () => {
  process.env = saved;
  await organization?.stop();
  await harness?.close();
});

/** CloudTrail's record of an ImportImage call in an account, as its forwarding rule sends it. */
function importImageCall(account: string, eventId: string) {
  return {
    version: '0',
    id: `${eventId}-envelope`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account,
    time: new Date().toISOString(),
    region: REGION,
    resources: [],
    detail: {
      eventVersion: '1.09',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'ImportImage',
      awsRegion: REGION,
      eventID: eventId,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
      responseElements: { importTaskId: FAILED_IMPORT },
    },
  };
}

const importListings = () =>
  harness.sim.requests.filter((request) => request.api === 'DescribeImportImageTasks').length;

it('a cycle first: the watched account baselined, the excluded one not dispatched', async () => {
  const cycle = await runOrganizationCycle(handlers, harness.delivery);

  expect(cycle.failures).toEqual([]);
  expect(cycle.dispatch.units.map((unit) => unit.account)).toEqual([PROD.id]);
  expect(onlyTaskChanges(await harness.inbox.drain())).toEqual([]);
});

it('a task that failed seconds after its creation reaches the topic on its call alone, exactly once', async () => {
  // The import is created and fails at once (a disk the import cannot read).
  harness.sim.putTask(
    REGION,
    'import-image',
    { ImportTaskId: FAILED_IMPORT, Status: 'deleted', StatusMessage: 'ClientError: Disk validation failed' },
    PROD.id,
  );
  harness.sim.clearRequests();
  const call = importImageCall(PROD.id, '5d1c0b6a-7e2f-4a9b-8c3d-2e1f0a9b8c7d');

  // EventBridge delivers at least once: the same record twice.
  const first = await runOrganizationTrigger(handlers, harness.delivery, call);
  const again = await runOrganizationTrigger(handlers, harness.delivery, call);
  const received = onlyTaskChanges(await harness.inbox.drain());

  expect(first.trigger.unit).toMatchObject({
    account: PROD.id,
    accountName: PROD.name,
    region: REGION,
    trigger: { taskType: 'import-image', call: 'ImportImage' },
  });
  expect(first.units.delivered).toBe(1);
  // The second is deduplicated by the queue: no second unit, no second listing.
  expect(again.units.delivered).toBe(0);
  expect(importListings()).toBe(1);
  expect([...first.failures, ...again.failures]).toEqual([]);
  expect(
    received.map(({ event }) => [event.account, event.accountName, event.taskId, event.current.phase]),
  ).toEqual([[PROD.id, PROD.name, FAILED_IMPORT, 'failed']]);

  // The next cycle finds it recorded: nothing published again.
  const cycle = await runOrganizationCycle(handlers, harness.delivery);
  expect(cycle.failures).toEqual([]);
  expect(onlyTaskChanges(await harness.inbox.drain())).toEqual([]);
});

it('a call in an excluded account polls nothing and sends no unit', async () => {
  harness.sim.putTask(
    REGION,
    'import-image',
    { ImportTaskId: 'import-ami-0e8c1dedacc000001', Status: 'active', Progress: '10' },
    EXCLUDED.id,
  );
  harness.sim.clearRequests();
  const assumed = organization.assumeRoleCalls.length;

  const outcome = await runOrganizationTrigger(
    handlers,
    harness.delivery,
    importImageCall(EXCLUDED.id, '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d'),
  );

  expect(outcome.trigger).toEqual({ skipped: 'excluded' });
  expect(outcome.units.delivered).toBe(0);
  expect(harness.sim.requests).toEqual([]);
  expect(organization.assumeRoleCalls.length).toBe(assumed);
  expect(onlyTaskChanges(await harness.inbox.drain())).toEqual([]);
});
