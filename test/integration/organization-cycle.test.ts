// Whole organization cycles through the product's own adapters: the dispatcher reads the
// organization from the Organizations stand-in, each unit's worker assumes the member role through
// the STS stand-in and lists the EC2 simulator (which serves each account its own tasks, told
// apart by the access key STS issued), and writes DynamoDB Local. Between cycles accounts join
// and leave, one has no member role, and two workers race on one unit; an OU selection with a
// suspended account and `regions=enabled` read from the Account stand-in. Across all of it each
// change is one event, and a departed account's tasks are never declared disappeared.
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Ec2Simulator, startEc2Simulator } from '../../devkit/ec2-simulator';
import { LOCAL_CREDENTIALS } from '../../devkit/engines/engines';
import {
  type OrganizationStandIn,
  organizationStandInEnvironment,
  startOrganizationStandIn,
} from '../../devkit/stand-ins/organization-stand-in';
import { CoverageStore } from '../../lambdas/adapters/coverage-store';
import { SnapshotStore } from '../../lambdas/adapters/snapshot-store';
import type { PollUnit } from '../../lambdas/domain/unit';
import { pollAccountUnit } from '../../lambdas/worker/poll-account-unit';
import {
  organizationCycle,
  type OrganizationSetup,
  workerConfigOf,
  workerContainer,
} from '../support/organization-cycle';
import { startFaultProxy } from '../support/fault-proxy';
import { createMonitorTable } from '../support/table';
import { ENGINE_ENV } from './support/global-setup';

const REGION = 'us-east-1';
const MONITOR = '999999999999';
const ROLE = 'ec2-task-monitor-reader';
const [PROD, JOINER, NO_ROLE] = ['111111111111', '222222222222', '333333333333'] as const;

let standIn: OrganizationStandIn;
let simulator: Ec2Simulator;
let client: DynamoDBClient;
let tableName: string;
const saved = { ...process.env };
let clock = Date.parse('2026-12-02T12:00:00Z');

beforeAll(async () => {
  standIn = await startOrganizationStandIn();
  simulator = await startEc2Simulator();
  Object.assign(process.env, organizationStandInEnvironment(standIn), {
    AWS_ENDPOINT_URL_EC2: simulator.url,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });
  client = new DynamoDBClient({
    endpoint: process.env[ENGINE_ENV.dynamodb],
    region: REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  tableName = await createMonitorTable(client, 'org-cycle');
});

afterAll(async () => {
  process.env = saved;
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
  await standIn.stop();
  await simulator.close();
});

const setup = (): OrganizationSetup => ({
  client,
  tableName,
  monitor: MONITOR,
  region: REGION,
  regions: [REGION],
  taskTypes: ['import-image'],
  memberRoleName: ROLE,
  now: () => new Date(clock),
});

/** One cycle a minute after the last, with every unit in the one worker container given. */
async function cycle(worker: ReturnType<typeof workerContainer>): Promise<PollUnit[]> {
  clock += 60_000;
  return (await organizationCycle(setup(), [worker])).units;
}

/** Every event recorded for an account's imports, oldest first, as [taskId, changeType]. */
async function eventsOf(account: string): Promise<string[][]> {
  const entries = await new SnapshotStore(client, tableName, account).unpublished(REGION, 'import-image');
  return entries.map(({ event }) => [event.taskId, event.changeType]);
}

function importTask(id: string, patch: Record<string, string> = {}): Record<string, string> {
  return { ImportTaskId: id, Status: 'active', StatusMessage: 'converting', Progress: '10', ...patch };
}

it('accounts join and leave between cycles, a missing role is its own failure, racing workers record one event per change', async () => {
  // Cycle 1: prod (with the member role) and an account without it.
  standIn.putAccount({ id: PROD, name: 'prod', roles: [ROLE] });
  standIn.putAccount({ id: NO_ROLE, name: 'no-role' });
  simulator.putTask(REGION, 'import-image', importTask('import-ami-prod1'), PROD);
  const worker = workerContainer(setup());
  const first = await cycle(worker);
  // Cycle 2: an account joins with a task; prod's task completes.
  standIn.putAccount({ id: JOINER, name: 'joiner', roles: [ROLE] });
  simulator.putTask(REGION, 'import-image', importTask('import-ami-join1'), JOINER);
  simulator.putTask(REGION, 'import-image', importTask('import-ami-prod1', { Status: 'completed' }), PROD);
  const second = await cycle(worker);
  // Cycle 3: prod leaves the organization with a task still running in it.
  simulator.putTask(REGION, 'import-image', importTask('import-ami-prod2'), PROD);
  standIn.removeAccount(PROD);
  const third = await cycle(worker);
  // Cycle 4, twice over: the joiner's task moves on and two workers (two containers) poll its unit at once.
  simulator.putTask(REGION, 'import-image', importTask('import-ami-join1', { Progress: '60' }), JOINER);
  clock += 60_000;
  const unit: PollUnit = {
    account: JOINER,
    accountName: 'joiner',
    region: REGION,
    cycleStart: new Date(clock).toISOString(),
  };
  const raced = await Promise.all(
    [workerContainer(setup()), workerContainer(setup())].map((racer) =>
      pollAccountUnit(unit, workerConfigOf(setup()), racer, () => 30_000),
    ),
  );
  const coverage = await new CoverageStore(client, tableName).loadAll();

  const accountsOf = (units: PollUnit[]) => units.map((each) => each.account).sort();
  expect([accountsOf(first), accountsOf(second), accountsOf(third)]).toEqual([
    [PROD, NO_ROLE],
    [PROD, JOINER, NO_ROLE],
    [JOINER, NO_ROLE],
  ]);
  // Prod: discovered, then finished; its second task was never seen and nothing disappeared.
  expect(await eventsOf(PROD)).toEqual([
    ['import-ami-prod1', 'TaskDiscovered'],
    ['import-ami-prod1', 'TaskStateChanged'],
  ]);
  // The joiner: discovered in its first cycle, and the raced progress recorded once.
  expect(await eventsOf(JOINER)).toEqual([
    ['import-ami-join1', 'TaskDiscovered'],
    ['import-ami-join1', 'TaskProgressed'],
  ]);
  expect(raced.map((report) => report.poll?.changes).sort()).toEqual([0, 1]);
  expect(await eventsOf(NO_ROLE)).toEqual([]);
  expect(coverage.get(NO_ROLE)?.failure?.kind).toBe('role-missing');
  expect(coverage.get(JOINER)).toMatchObject({ name: 'joiner', regions: [REGION] });
  expect(coverage.get(JOINER)?.failure).toBeUndefined();
  // One AssumeRole per account for the credentials' hour in the first container (the two racing
  // containers each assume once more); the account without the role is asked every cycle.
  const assumed = (account: string) =>
    standIn.assumeRoleCalls.filter((call) => call.roleArn.includes(`::${account}:`) && !call.errorCode)
      .length;
  expect([assumed(PROD), assumed(JOINER)]).toEqual([1, 3]);
});

it("an OU selection watches only its accounts, nested OUs included; a suspended account is not polled; regions=enabled polls each account's own Regions", async () => {
  const [TEAM, NESTED, SUSPENDED, OUTSIDE] = ['444400000001', '444400000002', '444400000003', '444400000004'];
  standIn.putOrganizationalUnit('ou-ab12-team', standIn.rootId, 'team');
  standIn.putOrganizationalUnit('ou-ab12-nested', 'ou-ab12-team', 'nested');
  standIn.putOrganizationalUnit('ou-ab12-other', standIn.rootId, 'other');
  standIn.putAccount({
    id: TEAM,
    name: 'team',
    parentId: 'ou-ab12-team',
    roles: [ROLE],
    regions: [REGION, 'eu-west-1'],
  });
  standIn.putAccount({
    id: NESTED,
    name: 'nested',
    parentId: 'ou-ab12-nested',
    roles: [ROLE],
    regions: [REGION],
  });
  standIn.putAccount({
    id: SUSPENDED,
    name: 'gone',
    parentId: 'ou-ab12-team',
    roles: [ROLE],
    state: 'SUSPENDED',
  });
  standIn.putAccount({ id: OUTSIDE, name: 'outside', parentId: 'ou-ab12-other', roles: [ROLE] });
  simulator.putTask('eu-west-1', 'import-image', importTask('import-ami-team-eu'), TEAM);
  simulator.putTask(REGION, 'import-image', importTask('import-ami-nested'), NESTED);
  simulator.putTask(REGION, 'import-image', importTask('import-ami-gone'), SUSPENDED);
  simulator.putTask(REGION, 'import-image', importTask('import-ami-outside'), OUTSIDE);
  clock += 60_000;
  const scoped: OrganizationSetup = {
    ...setup(),
    regions: 'enabled',
    accounts: { mode: 'list', accountIds: [], parentIds: ['ou-ab12-team'] },
  };

  const { units, reports } = await organizationCycle(scoped, [workerContainer(scoped)]);
  const coverage = await new CoverageStore(client, tableName).loadAll();

  // The team OU and the OU nested in it, each account in the Regions it has enabled; the
  // suspended account and the account of another OU are not polled at all.
  expect(units.map((unit) => `${unit.account}#${unit.region}`).sort()).toEqual(
    [`${TEAM}#${REGION}`, `${TEAM}#eu-west-1`, `${NESTED}#${REGION}`].sort(),
  );
  expect(reports.every((report) => report.failure === undefined)).toBe(true);
  const discovered = async (account: string, region: string) =>
    (await new SnapshotStore(client, tableName, account).unpublished(region, 'import-image')).map(
      ({ event }) => event.taskId,
    );
  expect(await discovered(TEAM, 'eu-west-1')).toEqual(['import-ami-team-eu']);
  expect(await discovered(NESTED, REGION)).toEqual(['import-ami-nested']);
  expect(await discovered(SUSPENDED, REGION)).toEqual([]);
  expect(await discovered(OUTSIDE, REGION)).toEqual([]);
  expect(coverage.get(TEAM)).toMatchObject({ regions: ['eu-west-1', REGION], name: 'team' });
  expect(coverage.get(TEAM)?.regionsRefreshedAt).toBeDefined();
  expect(coverage.get(SUSPENDED)?.failure).toMatchObject({ kind: 'account-inactive', code: 'SUSPENDED' });
  expect(coverage.has(OUTSIDE)).toBe(false);
  // The organization of the other tests again.
  for (const account of [TEAM, NESTED, SUSPENDED, OUTSIDE]) standIn.removeAccount(account);
});

it('credentials that expire mid-cycle are assumed again, and every unit is still polled once', async () => {
  // A stand-in issuing credentials that last 5 minutes: always within the 5 minutes before expiry
  // in which they are renewed, so every signing within the cycle finds them expiring.
  const shortLived = await startOrganizationStandIn({ credentialSeconds: 300 });
  const saved = { ...process.env };
  Object.assign(process.env, organizationStandInEnvironment(shortLived));
  try {
    const account = '444444444444';
    shortLived.putAccount({ id: account, name: 'short-lived', roles: [ROLE] });
    simulator.putTask(REGION, 'import-image', importTask('import-ami-short1'), account);
    const regions = [REGION, 'eu-west-1'];
    const shortSetup = { ...setup(), regions };
    clock += 60_000;

    const { reports } = await organizationCycle(shortSetup, [workerContainer(shortSetup)]);

    expect(reports.map((report) => [report.unit.region, report.failure, report.poll?.failures])).toEqual(
      regions.map((region) => [region, undefined, 0]),
    );
    expect(await eventsOf(account)).toEqual([['import-ami-short1', 'TaskDiscovered']]);
    // Renewed on the way: more AssumeRole calls than units, none refused.
    const calls = shortLived.assumeRoleCalls.filter((call) => call.roleArn.includes(`::${account}:`));
    expect(calls.length).toBeGreaterThan(regions.length);
    expect(calls.filter((call) => call.errorCode)).toEqual([]);
  } finally {
    process.env = saved;
    await shortLived.stop();
  }
});

it('a worker killed mid-unit (its snapshot write hangs) leaves the unit to the next cycle: the change is recorded once', async () => {
  const account = '555555555555';
  standIn.putAccount({ id: account, name: 'killed', roles: [ROLE] });
  simulator.putTask(REGION, 'import-image', importTask('import-ami-kill1'), account);
  const proxy = await startFaultProxy({ target: process.env[ENGINE_ENV.dynamodb] as string });
  const hungClient = new DynamoDBClient({
    endpoint: proxy.url,
    region: REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    proxy.addRule({ operation: 'TransactWriteItems', action: { kind: 'hang' } });
    clock += 60_000;
    const unit: PollUnit = { account, region: REGION, cycleStart: new Date(clock).toISOString() };
    const dying = workerContainer({ ...setup(), client: hungClient });
    // The worker never finishes: its write hangs; Lambda would kill it at its timeout.
    const abandoned = pollAccountUnit(unit, workerConfigOf(setup()), dying, () => 30_000);
    await proxy.waitFor((requests) => requests.some((request) => request.hanging));

    clock += 60_000;
    const next = await pollAccountUnit(
      { ...unit, cycleStart: new Date(clock).toISOString() },
      workerConfigOf(setup()),
      workerContainer(setup()),
      () => 30_000,
    );
    // The dead worker's connection drops (its sandbox is gone); whatever it held is lost, not doubled.
    await proxy.close();
    await abandoned.catch(() => undefined);

    expect(next.poll?.changes).toBe(1);
    expect(await eventsOf(account)).toEqual([['import-ami-kill1', 'TaskDiscovered']]);
  } finally {
    hungClient.destroy();
    await proxy.close();
  }
});
