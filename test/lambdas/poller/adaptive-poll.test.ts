import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  DescribeBundleTasksCommand,
  DescribeImportImageTasksCommand,
  EC2Client,
  type ImportImageTask,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { type AdaptivePollDependencies, runAdaptivePoll } from '../../../lambdas/poller/adaptive-poll';
import { newPollCache } from '../../../lambdas/poller/poll-cycle';
import type { PollerConfig } from '../../../lambdas/shared/config';
import { MemoryStore } from '../../support/memory-store';

const ec2 = mockClient(EC2Client);
const SCHEDULED_AT = new Date('2026-12-02T20:00:00.000Z');
const TIMEOUT_MS = 60_000;

const config: PollerConfig = {
  tableName: 'table',
  regions: ['us-east-1'],
  taskTypes: ['import-image', 'bundle'],
  account: '123456789012',
  progressStep: 25,
  retentionDays: 30,
  disappearAfterMisses: 2,
  pollIntervalSeconds: 60,
  fastPollSeconds: 15,
};

const scheduled = {
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  time: SCHEDULED_AT.toISOString(),
};

function apiCall(eventName: string, detail: Record<string, unknown> = {}) {
  return {
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: '123456789012',
    region: 'us-east-1',
    detail: { eventSource: 'ec2.amazonaws.com', eventName, awsRegion: 'us-east-1', ...detail },
  };
}

function importTask(id: string, patch: Partial<ImportImageTask> = {}): ImportImageTask {
  return { ImportTaskId: id, Status: 'active', StatusMessage: 'converting', Progress: '30', ...patch };
}

/** What DescribeImportImageTasks answers; the tests change it as time passes. */
let imports: ImportImageTask[] = [];
function listImports(...tasks: ImportImageTask[]) {
  imports = tasks;
}

/**
 * A container on a clock that only sleeping moves: the invocation starts `lateMs` after its
 * scheduled time and has the function's 60 s. `onSleep` runs as the time passes (a task changes).
 */
function container(options: { lateMs?: number; onSleep?: (at: number) => void } = {}) {
  let clock = SCHEDULED_AT.getTime() + (options.lateMs ?? 0);
  const invokedAt = clock;
  const sleeps: number[] = [];
  /** Each EC2 call: when (ms after the scheduled time) and what. */
  const calls: { at: number; command: string }[] = [];
  let inFlight = 0;
  let overlaps = 0;
  const store = new MemoryStore();
  const deps: AdaptivePollDependencies = {
    ec2For: () => new EC2Client({ region: 'us-east-1' }),
    store,
    cache: newPollCache(),
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'Test' }),
    now: () => new Date(clock),
    remainingMs: () => invokedAt + TIMEOUT_MS - clock,
    unknownStatesLogged: new Set(),
    sleep: async (ms) => {
      if (inFlight > 0) overlaps += 1;
      sleeps.push(ms);
      clock += ms;
      options.onSleep?.(clock - SCHEDULED_AT.getTime());
    },
    schedule: {},
  };
  // Each call is recorded with its time, and counted in flight until it answers.
  const answer =
    <T>(command: string, body: () => T) =>
    async (): Promise<T> => {
      calls.push({ at: clock - SCHEDULED_AT.getTime(), command });
      inFlight += 1;
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return body();
    };
  ec2.on(DescribeBundleTasksCommand).callsFake(answer('DescribeBundleTasks', () => ({ BundleTasks: [] })));
  ec2
    .on(DescribeImportImageTasksCommand)
    .callsFake(answer('DescribeImportImageTasks', () => ({ ImportImageTasks: imports })));
  return { deps, store, sleeps, calls, overlaps: () => overlaps };
}

beforeEach(() => {
  ec2.reset();
  imports = [];
});

describe('runAdaptivePoll', () => {
  it('at rest, ends after the one scheduled poll: no wait, one call per task type', async () => {
    const { deps, sleeps, calls } = container();
    listImports(importTask('import-ami-1', { Status: 'completed', Progress: undefined }));

    const report = await runAdaptivePoll(scheduled, config, deps);

    expect(report.fastPolls).toEqual([]);
    expect(sleeps).toEqual([]);
    expect(calls.map((call) => call.command).sort()).toEqual([
      'DescribeBundleTasks',
      'DescribeImportImageTasks',
    ]);
  });

  it('records a running task’s change at the next fast re-poll of its listing alone, once', async () => {
    const changed = importTask('import-ami-1', {
      Status: 'deleted',
      StatusMessage: 'ClientError: bad disk',
      Progress: undefined,
    });
    const { deps, store, calls, overlaps } = container({
      onSleep: (at) => {
        if (at === 15_000) listImports(changed);
      },
    });
    listImports(importTask('import-ami-1'));

    const report = await runAdaptivePoll(scheduled, config, deps);

    expect(store.events.map((event) => [event.changeType, event.current.phase])).toEqual([
      ['TaskDiscovered', 'running'],
      ['TaskStateChanged', 'failed'],
    ]);
    expect(report.fastPolls.map((poll) => poll.changes)).toEqual([1]);
    // The re-poll at +15 s lists import-image only, and finds nothing left unfinished: the invocation ends.
    expect(calls.filter((call) => call.at > 0)).toEqual([
      { at: 15_000, command: 'DescribeImportImageTasks' },
    ]);
    expect(overlaps()).toBe(0);
  });

  it('re-polls an unchanged running task at +15, +30 and +45 s without a DynamoDB request, and ends before the next run', async () => {
    const { deps, store, calls, sleeps } = container({ lateMs: 800 });
    listImports(importTask('import-ami-1'));

    const report = await runAdaptivePoll(scheduled, config, deps);
    const afterFirst = { reads: store.reads, writes: store.writes, markers: store.markerWrites };

    expect(report.fastPolls).toHaveLength(3);
    expect(calls.filter((call) => call.at > 800).map((call) => call.at)).toEqual([15_000, 30_000, 45_000]);
    expect(sleeps.reduce((sum, ms) => sum + ms, 800)).toBe(45_000);
    // The first poll's reads and writes were all there were.
    expect(afterFirst).toEqual({ reads: store.reads, writes: store.writes, markers: store.markerWrites });
    expect(report.fastPolls.every((poll) => poll.listings.every((listing) => listing.settled))).toBe(true);
  });

  it('leaves the series every poll sends once to the scheduled poll: a re-poll sends only what it counted', async () => {
    const { deps } = container({
      onSleep: (at) => {
        if (at === 15_000)
          listImports(importTask('import-ami-1', { Status: 'completed', Progress: undefined }));
      },
    });
    listImports(importTask('import-ami-1'));
    const sent: string[] = [];
    jest.spyOn(deps.metrics, 'addMetric').mockImplementation((name) => {
      sent.push(name);
      return deps.metrics;
    });

    await runAdaptivePoll(scheduled, config, deps);

    expect(sent).toEqual([
      // The scheduled poll.
      'ChangesRecorded',
      'ListingFailures',
      'UnidentifiedTasks',
      'UnsettledBaselineTasks',
      // The re-poll at +15 s, which recorded the task's end.
      'ChangesRecorded',
    ]);
  });

  it('does not re-poll when the schedule ran so late that no re-poll fits before the next run', async () => {
    const { deps, calls } = container({ lateMs: 52_000 });
    listImports(importTask('import-ami-1'));

    const report = await runAdaptivePoll(scheduled, config, deps);

    expect(report.fastPolls).toEqual([]);
    expect(calls).toHaveLength(2);
  });

  it.each([
    ['fast polling is off', scheduled, { ...config, fastPollSeconds: undefined }],
    ['the invocation is a one-off (poll --once)', undefined, config],
  ])('polls once when %s', async (_, event, settings) => {
    const { deps, sleeps } = container();
    listImports(importTask('import-ami-1'));

    const report = await runAdaptivePoll(event, settings, deps);

    expect(report.fastPolls).toEqual([]);
    expect(sleeps).toEqual([]);
  });

  it('on a task-creating call, polls that listing at once, then fast-polls it while it runs', async () => {
    const { deps, store, calls } = container({
      onSleep: (at) => {
        if (at >= 15_000)
          listImports(importTask('import-ami-2', { Status: 'completed', Progress: undefined }));
      },
    });
    listImports();
    await runAdaptivePoll(scheduled, { ...config, fastPollSeconds: undefined }, deps);
    listImports(importTask('import-ami-2', { Status: 'active', StatusMessage: 'pending', Progress: '0' }));
    calls.length = 0;

    const report = await runAdaptivePoll(apiCall('ImportImage'), config, deps);

    expect(report.trigger).toBe('api-call');
    expect(calls.every((call) => call.command === 'DescribeImportImageTasks')).toBe(true);
    expect(calls).toHaveLength(2);
    expect(store.events.map((event) => [event.taskId, event.changeType, event.current.phase])).toEqual([
      ['import-ami-2', 'TaskDiscovered', 'pending'],
      ['import-ami-2', 'TaskStateChanged', 'succeeded'],
    ]);
  });

  it.each([
    ['a call that failed', apiCall('ImportImage', { errorCode: 'InvalidParameter' })],
    ['a call of a type not watched', apiCall('CreateStoreImageTask')],
    ['a call in a Region not watched', apiCall('ImportImage', { awsRegion: 'eu-west-1' })],
  ])('polls nothing more than it must for %s', async (_, event) => {
    const { deps, calls } = container();
    listImports(importTask('import-ami-1'));

    const report = await runAdaptivePoll(event, config, deps);

    expect(report.fastPolls).toEqual([]);
    // A failed call or an unknown one is a one-off full poll; a call outside what is watched polls nothing.
    expect(calls.length).toBe(report.listings.length);
  });
});
