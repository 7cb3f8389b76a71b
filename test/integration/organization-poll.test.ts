// `ec2-task-monitor poll --once` in organization mode, as a user runs it in a child process: the
// dispatcher's bundle reads the organization from the Organizations stand-in and sends its units to
// the deployment's FIFO queue on the SNS/SQS emulator, the worker's bundle gets them from that
// queue as Lambda's event source would hand them over, assumes the member role through the STS
// stand-in and lists the EC2 simulator (each account its own tasks), and the publisher's bundle
// publishes what was recorded. One account has no member role, one has a Region it has not enabled.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type OrganizationStandIn,
  organizationStandInEnvironment,
  startOrganizationStandIn,
} from '../../devkit/stand-ins/organization-stand-in';
import { onlyTaskChanges } from '../../devkit/engines/inbox';
import { SnapshotStore } from '../../lambdas/adapters/snapshot-store';
import type { AccountCoverage } from '../../lambdas/domain/coverage';
import { sdkClientConfig } from '../../lambdas/shared/sdk-clients';
import { partitionKey } from '../../lambdas/shared/table-layout';
import { functionSettings, runCli, sdkEnvironment } from './support/cli';
import { sorted } from './support/events';
import { createHarness, type Harness } from './support/harness';

const EAST = 'us-east-1';
const WEST = 'eu-west-1';
const ROLE = 'ec2-task-monitor-reader';
const PROD = { id: '111111111111', name: 'prod' };
const STAGING = { id: '222222222222', name: 'staging' };
const SANDBOX = { id: '333333333333', name: 'sandbox' };
/** Each account's running import in each Region, named after both. */
const taskOf = (account: string, region: string) =>
  `import-ami-0${account.slice(0, 3)}${region === EAST ? 'e' : 'w'}00000000000`;

let harness: Harness;
let organization: OrganizationStandIn;
let client: DynamoDBClient;

beforeAll(async () => {
  organization = await startOrganizationStandIn();
  harness = await createHarness({
    context: { accounts: 'organization', regions: `${EAST},${WEST}`, taskTypes: 'import-image' },
  });
  client = new DynamoDBClient(sdkClientConfig({ region: EAST }));
  organization.putAccount({ ...PROD, roles: [ROLE] });
  organization.putAccount({ ...STAGING, roles: [ROLE] });
  // Its member role is not deployed yet: AssumeRole is refused.
  organization.putAccount(SANDBOX);
  for (const account of [PROD.id, STAGING.id, SANDBOX.id]) {
    for (const region of [EAST, WEST]) {
      harness.sim.putTask(
        region,
        'import-image',
        {
          ImportTaskId: taskOf(account, region),
          Status: 'active',
          StatusMessage: 'converting',
          Progress: '30',
        },
        account,
      );
    }
  }
  // Staging has not enabled eu-west-1: EC2 answers AuthFailure there.
  harness.sim.disableRegion(STAGING.id, WEST);
});

afterAll(async () => {
  client?.destroy();
  await organization?.stop();
  await harness?.close();
});

/** What `source .local/ec2-task-monitor.env` gives a user of the local organization. */
function userEnvironment(): Record<string, string> {
  const { deployment } = harness;
  if (!deployment.organization) throw new Error('the stack was not synthesized in organization mode');
  return {
    ...sdkEnvironment(),
    ...organizationStandInEnvironment(organization),
    ...functionSettings(deployment.pollerEnv, deployment.publisherEnv, deployment.organization.dispatcherEnv),
  };
}

const FAILURES = [
  `account staging (${STAGING.id}) in ${WEST}: AuthFailure (region-not-enabled): AWS was not able to validate the provided access credentials`,
  expect.stringMatching(
    new RegExp(
      `^account sandbox \\(${SANDBOX.id}\\): AccessDenied \\(role-missing\\): .*not authorized to perform: sts:AssumeRole`,
    ),
  ),
];

it('runs the dispatcher, every unit through the worker and the publisher: each account under its own keys, one event per change, per-account failures on stderr', async () => {
  // Act
  const run = await runCli(['poll', '--once'], userEnvironment());

  // Assess: exit 1 with one line per failed account, every unit handed to the worker.
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(
    /^Dispatched 6 units for 3 accounts, polled by the worker in \d+ ms: 6 units done, \d+ stream records? delivered, 2 failures\.\n$/,
  );
  expect(run.stderr.slice(0, -1).split('\n')).toEqual(FAILURES);
  // Every polled account's tasks under its own partition; none of the account without the role.
  const recorded = async (account: string, region: string) => [
    ...(
      await new SnapshotStore(client, harness.deployment.tableName, account).querySnapshots(
        partitionKey({ account, region }, 'import-image'),
      )
    ).keys(),
  ];
  expect(await recorded(PROD.id, EAST)).toEqual([taskOf(PROD.id, EAST)]);
  expect(await recorded(PROD.id, WEST)).toEqual([taskOf(PROD.id, WEST)]);
  expect(await recorded(STAGING.id, EAST)).toEqual([taskOf(STAGING.id, EAST)]);
  expect(await recorded(STAGING.id, WEST)).toEqual([]);
  expect(await recorded(SANDBOX.id, EAST)).toEqual([]);
  // One event per discovered task on the topic, each naming its account.
  const events = onlyTaskChanges(await harness.inbox.drain()).map(({ event }) => [
    event.account,
    event.accountName,
    event.taskId,
    event.changeType,
  ]);
  expect(sorted(events)).toEqual(
    sorted([
      [PROD.id, PROD.name, taskOf(PROD.id, EAST), 'TaskDiscovered'],
      [PROD.id, PROD.name, taskOf(PROD.id, WEST), 'TaskDiscovered'],
      [STAGING.id, STAGING.name, taskOf(STAGING.id, EAST), 'TaskDiscovered'],
    ]),
  );
});

it('accounts --json shows the account without the role unmonitored and the failing Region as its account coverage failure', async () => {
  const run = await runCli(['accounts', '--json'], userEnvironment());

  // Exit 1: an account is unmonitored.
  expect(run.code).toBe(1);
  const accounts = new Map(
    (JSON.parse(run.stdout) as AccountCoverage[]).map((coverage) => [coverage.account, coverage]),
  );
  expect([...accounts.keys()].sort()).toEqual([PROD.id, STAGING.id, SANDBOX.id]);
  expect(accounts.get(SANDBOX.id)).toMatchObject({
    name: SANDBOX.name,
    regions: [EAST, WEST],
    failure: { kind: 'role-missing', code: 'AccessDenied' },
  });
  expect(accounts.get(SANDBOX.id)?.lastCompletePollAt).toBeUndefined();
  expect(accounts.get(STAGING.id)).toMatchObject({
    name: STAGING.name,
    failure: { kind: 'region-not-enabled', code: 'AuthFailure', region: WEST },
  });
  expect(accounts.get(PROD.id)?.failure).toBeUndefined();
  expect(accounts.get(PROD.id)?.lastCompletePollAt).toEqual(expect.any(String));
});

it('a second poll --once with nothing changed publishes nothing; a change is then one event', async () => {
  // Act: nothing changed.
  const idle = await runCli(['poll', '--once'], userEnvironment());
  const afterIdle = onlyTaskChanges(await harness.inbox.drain());
  // Act: one task completes.
  harness.sim.updateTask(
    EAST,
    'import-image',
    taskOf(PROD.id, EAST),
    { Status: 'completed', StatusMessage: null, Progress: null },
    PROD.id,
  );
  const changed = await runCli(['poll', '--once'], userEnvironment());

  // Assess: the same failures each time, as the accounts still have them.
  expect(idle.code).toBe(1);
  // (A new process reads the stream from its start: its earlier records are delivered again, and
  // the publisher recognises them as published.)
  expect(idle.stdout).toMatch(/: 6 units done, \d+ stream records? delivered, 2 failures\.\n$/);
  expect(idle.stderr.slice(0, -1).split('\n')).toEqual(FAILURES);
  expect(afterIdle).toEqual([]);
  expect(changed.code).toBe(1);
  expect(
    onlyTaskChanges(await harness.inbox.drain()).map(({ event }) => [
      event.account,
      event.taskId,
      event.changeType,
    ]),
  ).toEqual([[PROD.id, taskOf(PROD.id, EAST), 'TaskStateChanged']]);
});
