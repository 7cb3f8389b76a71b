import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DescribeImportImageTasksCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import type { AccountCoverage } from '../../../lambdas/domain/coverage';
import type { PollUnit } from '../../../lambdas/domain/unit';
import type { WorkerConfig } from '../../../lambdas/shared/config';
import { pollAccountUnit, type WorkerDependencies } from '../../../lambdas/worker/poll-account-unit';
import { memoryCoverage } from '../../support/memory-coverage';
import { MemoryStore } from '../../support/memory-store';

const ec2 = mockClient(EC2Client);
const config: WorkerConfig = {
  tableName: 't',
  taskTypes: ['import-image'],
  account: '999999999999',
  progressStep: 25,
  retentionDays: 30,
  disappearAfterMisses: 2,
  memberRoleName: 'reader',
  pollIntervalSeconds: 60,
};
const unit: PollUnit = {
  account: '111111111111',
  accountName: 'prod',
  region: 'eu-west-1',
  cycleStart: '2026-12-02T12:00:00.000Z',
};

function harness(
  assume: (account: string) => Promise<unknown> = async () => undefined,
  onSleep: (at: number) => void = () => undefined,
) {
  let clock = Date.parse('2026-12-02T12:00:05Z');
  const coverage = memoryCoverage();
  const stored = coverage.stored;
  const calls = Object.assign(coverage.calls, { clients: [] as string[] });
  const deps: WorkerDependencies = {
    assume,
    ec2For(account, region) {
      calls.clients.push(`${account}#${region}`);
      return new EC2Client({ region });
    },
    store: new MemoryStore(),
    coverage: coverage.store,
    knownCoverage: new Map(),
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'Test' }),
    now: () => new Date(clock),
    unknownStatesLogged: new Set(),
    // The clock moves only when the unit waits for its next fast re-poll.
    sleep: async (ms) => {
      clock += ms;
      onSleep(clock - Date.parse(unit.cycleStart));
    },
  };
  return { deps, stored, calls };
}

beforeEach(() => ec2.reset());

it("polls the unit's Region with the account's client and records its coverage once", async () => {
  ec2.on(DescribeImportImageTasksCommand).resolves({ ImportImageTasks: [] });
  const h = harness();

  const first = await pollAccountUnit(unit, config, h.deps, () => 30_000);
  const second = await pollAccountUnit(unit, config, h.deps, () => 30_000);

  expect(first.poll?.listings.map((listing) => [listing.region, listing.ok])).toEqual([['eu-west-1', true]]);
  expect(h.calls.clients).toEqual(['111111111111#eu-west-1', '111111111111#eu-west-1']);
  expect(first.coverageWritten).toBe(true);
  // An idle unit in a warm container reads and writes no coverage.
  expect(second.coverageWritten).toBe(false);
  expect(h.calls).toMatchObject({ loads: 1, puts: 1 });
  expect(h.stored.get('111111111111')).toMatchObject({
    name: 'prod',
    regions: ['eu-west-1'],
    failure: undefined,
  });
});

it('names the account in its events (organization mode), from the unit the dispatcher sent', async () => {
  ec2.on(DescribeImportImageTasksCommand).resolves({
    ImportImageTasks: [{ ImportTaskId: 'import-ami-1', Status: 'active', Progress: '10' }],
  });
  const h = harness();
  const store = h.deps.store as MemoryStore;

  await pollAccountUnit(unit, config, h.deps, () => 30_000);
  await pollAccountUnit(
    { ...unit, accountName: undefined, cycleStart: '2026-12-02T12:01:00.000Z' },
    config,
    h.deps,
    () => 30_000,
  );

  expect(store.events.map((event) => [event.account, event.accountName])).toEqual([['111111111111', 'prod']]);
});

it('records AccessDenied on AssumeRole as role-missing and lists nothing', async () => {
  const h = harness(async () => {
    throw Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
  });

  const report = await pollAccountUnit(unit, config, h.deps, () => 30_000);

  expect(report.poll).toBeUndefined();
  expect(h.calls.clients).toEqual([]);
  expect(h.stored.get('111111111111')?.failure).toMatchObject({ kind: 'role-missing', code: 'AccessDenied' });
});

it('records a Region not enabled with its Region, and a later complete poll clears it', async () => {
  ec2
    .on(DescribeImportImageTasksCommand)
    .rejectsOnce(
      Object.assign(new Error('AWS was not able to validate the provided access credentials'), {
        name: 'AuthFailure',
      }),
    )
    .resolves({ ImportImageTasks: [] });
  const h = harness();

  await pollAccountUnit(unit, { ...config }, h.deps, () => 30_000);
  expect(h.stored.get('111111111111')?.failure).toMatchObject({
    kind: 'region-not-enabled',
    region: 'eu-west-1',
  });
  await pollAccountUnit(unit, config, h.deps, () => 30_000);
  expect(h.stored.get('111111111111')?.failure).toBeUndefined();
});

it('never wipes what another unit of the account recorded meanwhile: it decides again on the stored item', async () => {
  // Two Regions of one account polled at once, each from the copy the dispatcher sent: us-east-1
  // fails and records it first, eu-west-1 completes and must not write its copy over that.
  ec2
    .on(DescribeImportImageTasksCommand)
    .rejectsOnce(Object.assign(new Error('AWS was not able to validate'), { name: 'AuthFailure' }))
    .resolves({ ImportImageTasks: [] });
  const h = harness();
  const copy: AccountCoverage = {
    account: '111111111111',
    name: 'prod',
    regions: ['us-east-1', 'eu-west-1'],
    writtenAt: '2026-12-02T11:59:00.000Z',
  };
  h.stored.set(copy.account, copy);
  const otherContainer = { ...h.deps, knownCoverage: new Map<string, AccountCoverage>() };

  await pollAccountUnit({ ...unit, region: 'us-east-1', coverage: copy }, config, h.deps, () => 30_000);
  const second = await pollAccountUnit({ ...unit, coverage: copy }, config, otherContainer, () => 30_000);

  expect(h.calls).toMatchObject({ puts: 2, lostPuts: 1, loads: 1 });
  expect(second.coverageWritten).toBe(true);
  const stored = h.stored.get('111111111111');
  expect(stored?.failure).toMatchObject({ kind: 'region-not-enabled', region: 'us-east-1' });
  expect(stored?.lastCompletePollAt).toBe('2026-12-02T12:00:05.000Z');
  // Each write is later than the one it replaced, though both units share one clock.
  expect(Date.parse(stored?.writtenAt ?? '')).toBeGreaterThan(Date.parse('2026-12-02T12:00:05.000Z'));
  expect(otherContainer.knownCoverage.get('111111111111')).toEqual(stored);
});

it('starts from the coverage the unit carries: a new container reads no coverage item', async () => {
  ec2.on(DescribeImportImageTasksCommand).resolves({ ImportImageTasks: [] });
  const h = harness();
  const coverage: AccountCoverage = {
    account: '111111111111',
    name: 'prod',
    regions: ['eu-west-1'],
    lastCompletePollAt: '2026-12-02T11:59:00.000Z',
    writtenAt: '2026-12-02T11:00:00.000Z',
  };

  const report = await pollAccountUnit({ ...unit, coverage }, config, h.deps, () => 30_000);

  expect(h.calls).toMatchObject({ loads: 0, puts: 0 });
  expect(report.coverageWritten).toBe(false);
});

it('with fastPollSeconds, re-polls the unit’s listing while its task runs, until the cycle ends', async () => {
  let status = 'active';
  ec2.on(DescribeImportImageTasksCommand).callsFake(async () => ({
    ImportImageTasks: [{ ImportTaskId: 'import-ami-1', Status: status, Progress: '40' }],
  }));
  const h = harness(undefined, (at) => {
    if (at === 30_000) status = 'completed';
  });

  const report = await pollAccountUnit(unit, { ...config, fastPollSeconds: 15 }, h.deps, () => 55_000);

  // Polled at +5 s, re-polled at +15 s (still running) and +30 s (completed): then nothing is left.
  expect(report.fastPolls.map((poll) => poll.changes)).toEqual([0, 1]);
  expect(h.calls.clients.every((client) => client === '111111111111#eu-west-1')).toBe(true);
  expect((h.deps.store as MemoryStore).events.map((event) => [event.account, event.current.phase])).toEqual([
    ['111111111111', 'running'],
    ['111111111111', 'succeeded'],
  ]);
});

it('without fastPollSeconds, polls the unit once', async () => {
  ec2.on(DescribeImportImageTasksCommand).resolves({
    ImportImageTasks: [{ ImportTaskId: 'import-ami-1', Status: 'active', Progress: '40' }],
  });
  const h = harness();

  const report = await pollAccountUnit(unit, config, h.deps, () => 55_000);

  expect(report.fastPolls).toEqual([]);
  expect(ec2.commandCalls(DescribeImportImageTasksCommand)).toHaveLength(1);
});

describe('a unit a task-creating call triggered (cloudTrailTrigger)', () => {
  // Two task types enabled: the triggered unit lists the call's type alone.
  const twoTypes: WorkerConfig = { ...config, taskTypes: ['import-image', 'bundle'], fastPollSeconds: 15 };
  const triggered: PollUnit = {
    ...unit,
    trigger: {
      taskType: 'import-image',
      call: 'ImportImage',
      eventId: 'e7b5b0c2-1f0d-4c7a-9a55-1c3f1b0d2a11',
    },
  };

  it('polls the call’s one listing at once, then re-polls it while its task runs until the period ends; no coverage', async () => {
    let task: Record<string, string> = { ImportTaskId: 'import-ami-1', Status: 'active', Progress: '10' };
    ec2.on(DescribeImportImageTasksCommand).callsFake(async () => ({ ImportImageTasks: [task] }));
    const sleeps: number[] = [];
    const h = harness(undefined, (at) => {
      sleeps.push(at);
      // The task fails between the re-polls at +35 s and +50 s.
      if (at === 50_000)
        task = {
          ImportTaskId: 'import-ami-1',
          Status: 'deleted',
          StatusMessage: 'ClientError: Disk validation failed',
        };
    });

    const report = await pollAccountUnit(triggered, twoTypes, h.deps, () => 55_000);

    expect(report.poll?.listings.map((listing) => listing.taskType)).toEqual(['import-image']);
    // Re-polls at whole 15 s after the call's poll (+5 s); none at +65 s, past the period's end.
    expect(sleeps).toEqual([20_000, 35_000, 50_000]);
    expect(report.fastPolls.map((poll) => poll.changes)).toEqual([0, 0, 1]);
    expect((h.deps.store as MemoryStore).events.map((event) => event.current.phase)).toEqual([
      'running',
      'failed',
    ]);
    expect(ec2.commandCalls(DescribeImportImageTasksCommand).length).toBe(1 + report.fastPolls.length);
    expect(report.coverageWritten).toBe(false);
    expect(h.calls).toMatchObject({ loads: 0, puts: 0 });
  });

  it('without fastPollSeconds, is the one listing poll', async () => {
    ec2.on(DescribeImportImageTasksCommand).resolves({
      ImportImageTasks: [{ ImportTaskId: 'import-ami-1', Status: 'active', Progress: '10' }],
    });
    const h = harness();

    const report = await pollAccountUnit(
      triggered,
      { ...twoTypes, fastPollSeconds: undefined },
      h.deps,
      () => 55_000,
    );

    expect(report.fastPolls).toEqual([]);
    expect(ec2.commandCalls(DescribeImportImageTasksCommand)).toHaveLength(1);
    expect(h.calls).toMatchObject({ loads: 0, puts: 0 });
  });

  it('records nothing when the account cannot be read, and polls nothing of a type not enabled', async () => {
    const denied = harness(async () => {
      throw Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
    });
    const other = harness();

    const refused = await pollAccountUnit(triggered, twoTypes, denied.deps, () => 55_000);
    const notPolled = await pollAccountUnit(
      { ...triggered, trigger: { taskType: 'store-image', call: 'CreateStoreImageTask', eventId: 'e2' } },
      twoTypes,
      other.deps,
      () => 55_000,
    );

    expect(refused.failure).toMatchObject({ kind: 'role-missing' });
    expect(denied.calls).toMatchObject({ loads: 0, puts: 0 });
    expect(denied.stored.size).toBe(0);
    expect(notPolled.poll).toBeUndefined();
    expect(other.calls.clients).toEqual([]);
  });
});
