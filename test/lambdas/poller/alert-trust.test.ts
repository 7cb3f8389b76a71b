// The poll cycle's rules that keep alerts trustworthy, with the poll's clock faked: a task is
// declared disappeared only after consecutive misses (a count kept on its snapshot), a
// (Region, task type) polled again after a long gap is re-baselined, and a baseline write that
// keeps failing or an object without an id silences only what is really unknown.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  DescribeImportImageTasksCommand,
  DescribeStoreImageTasksCommand,
  EC2Client,
  type ImportImageTask,
  type StoreImageTaskResult,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { type PollDependencies, type PollReport, runPollCycle } from '../../../lambdas/poller/poll-cycle';
import type { PollerConfig } from '../../../lambdas/shared/config';
import { MemoryStore } from '../../support/memory-store';
import { pollerConfig } from '../../support/poller-config';

const ec2 = mockClient(EC2Client);
const MINUTE = 60_000;
const DAY = 86_400_000;
const T0 = new Date('2026-11-01T00:00:00.000Z');

const config = pollerConfig();

const running = (id: string, patch: Partial<ImportImageTask> = {}): ImportImageTask => ({
  ImportTaskId: id,
  Status: 'active',
  StatusMessage: 'converting',
  Progress: '30',
  ...patch,
});
const completed = (id: string): ImportImageTask => ({
  ImportTaskId: id,
  Status: 'completed',
  ImageId: 'ami-0def',
});
const failed = (id: string): ImportImageTask => ({
  ImportTaskId: id,
  Status: 'deleted',
  StatusMessage: 'ClientError: Unknown OS / missing OS files.',
});

/** A poller with its own clock, over one store (the table, which outlives any container). */
function poller(store = new MemoryStore(), settings: PollerConfig = config) {
  let now = T0;
  const metrics = new Metrics({ namespace: 'Test' });
  const reported: Record<string, number[]> = {};
  jest.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
    (reported[name] ??= []).push(value);
    return metrics;
  });
  const deps: PollDependencies = {
    ec2For: () => new EC2Client({ region: 'us-east-1' }),
    store,
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics,
    now: () => now,
    remainingMs: () => 60_000,
    unknownStatesLogged: new Set(),
  };
  return {
    store,
    reported,
    /** Polls at T0 + `offsetMs`, with EC2 listing `tasks`. */
    async pollAt(offsetMs: number, ...tasks: ImportImageTask[]): Promise<PollReport> {
      now = new Date(T0.getTime() + offsetMs);
      ec2.on(DescribeImportImageTasksCommand).resolves({ ImportImageTasks: tasks });
      return runPollCycle(settings, deps);
    },
    alerts: () => store.events.map((event) => `${event.taskId} ${event.changeType} ${event.current.phase}`),
  };
}

beforeEach(() => ec2.reset());

describe('one missing listing is not a disappearance', () => {
  it('counts misses on the snapshot and declares the task disappeared only after disappearAfterMisses listings', async () => {
    const { pollAt, alerts, store } = poller();
    await pollAt(0, running('import-ami-1'));

    await pollAt(MINUTE);
    const afterOneMiss = alerts();
    await pollAt(2 * MINUTE);

    expect(afterOneMiss).toEqual(['import-ami-1 TaskDiscovered running']);
    expect(alerts()).toEqual(['import-ami-1 TaskDiscovered running', 'import-ami-1 TaskDisappeared unknown']);
    expect(store.snapshots.get('us-east-1#import-image#import-ami-1')).toMatchObject({ gone: true });
  });

  it('emits nothing for a task back before that, and writes only the first miss and its reset', async () => {
    const { pollAt, alerts, store } = poller();
    await pollAt(0, running('import-ami-1'));
    const writes = store.writes;

    await pollAt(MINUTE);
    await pollAt(2 * MINUTE, running('import-ami-1'));
    await pollAt(3 * MINUTE, running('import-ami-1'));

    expect(alerts()).toEqual(['import-ami-1 TaskDiscovered running']);
    expect(store.writes - writes).toBe(2);
  });

  it('keeps the count across containers: it lives on the snapshot, not in memory', async () => {
    const store = new MemoryStore();
    await poller(store).pollAt(0, running('import-ami-1'));
    await poller(store).pollAt(MINUTE);
    const afterOneMiss = store.events.length;

    // A new container (a crash, a cold start) reads the count back.
    await poller(store).pollAt(2 * MINUTE);

    expect(afterOneMiss).toBe(1);
    expect(store.snapshots.get('us-east-1#import-image#import-ami-1')?.gone).toBe(true);
    expect(store.events.map((event) => event.changeType)).toEqual(['TaskDiscovered', 'TaskDisappeared']);
  });

  it('honours another threshold', async () => {
    const { pollAt, alerts } = poller(new MemoryStore(), { ...config, disappearAfterMisses: 3 });
    await pollAt(0, running('import-ami-1'));

    await pollAt(MINUTE);
    await pollAt(2 * MINUTE);
    const afterTwo = alerts().length;
    await pollAt(3 * MINUTE);

    expect(afterTwo).toBe(1);
    expect(alerts().at(-1)).toBe('import-ami-1 TaskDisappeared unknown');
  });
});

describe('re-enabling a Region or task type replays no history', () => {
  it('re-baselines after a gap longer than the trust window: running tasks discovered once, finished ones silent, vanished ones retired', async () => {
    // Prepare: a baseline, then the type is left unpolled for three weeks while EC2 moves on.
    const { pollAt, alerts, store } = poller();
    await pollAt(0, running('import-ami-a'), completed('import-ami-b'));

    // Act: polled again, 21 days later: a finished and vanished, c started and failed, d running.
    const report = await pollAt(21 * DAY, failed('import-ami-c'), running('import-ami-d'));
    await pollAt(21 * DAY + MINUTE, failed('import-ami-c'), running('import-ami-d'));
    await pollAt(
      21 * DAY + 2 * MINUTE,
      failed('import-ami-c'),
      running('import-ami-d'),
      failed('import-ami-e'),
    );

    // Assess
    expect(report.listings[0]).toMatchObject({ ok: true, baseline: true, rebaseline: true });
    expect(alerts()).toEqual([
      'import-ami-a TaskDiscovered running',
      'import-ami-d TaskDiscovered running',
      // After the re-baseline, a task that fails between two polls alerts again.
      'import-ami-e TaskStateChanged failed',
    ]);
    expect(store.snapshots.get('us-east-1#import-image#import-ami-a')).toMatchObject({ gone: true });
  });

  it('does not re-baseline after a gap within the window: what happened meanwhile is reported', async () => {
    const { pollAt, alerts } = poller();
    await pollAt(0, running('import-ami-a'));

    const report = await pollAt(3 * DAY, failed('import-ami-c'));
    await pollAt(3 * DAY + MINUTE, failed('import-ami-c'));

    expect(report.listings[0]).toMatchObject({ baseline: false, rebaseline: false });
    expect(alerts()).toEqual([
      'import-ami-a TaskDiscovered running',
      'import-ami-c TaskStateChanged failed',
      'import-ami-a TaskDisappeared unknown',
    ]);
  });

  it('never re-baselines a listing polled every minute: the heartbeat costs one marker write a day, idle polls none', async () => {
    const { pollAt, alerts, store } = poller();
    await pollAt(0, running('import-ami-a'));
    const [writes, markerWrites] = [store.writes, store.markerWrites];

    // Ten days of polls, one every 30 minutes of fake time (the rule only reads times).
    for (let t = 30 * MINUTE; t <= 10 * DAY; t += 30 * MINUTE) {
      const report = await pollAt(t, running('import-ami-a'));
      expect(report.listings[0]?.baseline).toBe(false);
    }

    expect(alerts()).toEqual(['import-ami-a TaskDiscovered running']);
    expect(store.writes - writes).toBe(0);
    expect(store.markerWrites - markerWrites).toBe(10);
  });

  it('continues a re-baseline cut short before it was recorded, discovering nothing twice', async () => {
    const { pollAt, alerts, store } = poller();
    await pollAt(0, running('import-ami-a'), running('import-ami-b'));
    // The re-baseline records its start, writes a, fails on b, and dies before recording its end.
    store.failingTasks.add('import-ami-b');
    store.failMarker = (marker) => marker.rebaselineFrom === undefined;

    const cut = await pollAt(21 * DAY, running('import-ami-a'), running('import-ami-b'));
    store.failingTasks.clear();
    store.failMarker = undefined;
    const retry = await pollAt(21 * DAY + MINUTE, running('import-ami-a'), running('import-ami-b'));

    expect(cut.listings[0]).toMatchObject({ ok: false, rebaseline: true });
    expect(retry.listings[0]).toMatchObject({ ok: true, rebaseline: true });
    // a was rediscovered by the first attempt and is trusted by the retry; b only by the retry.
    expect(alerts()).toEqual([
      'import-ami-a TaskDiscovered running',
      'import-ami-b TaskDiscovered running',
      'import-ami-a TaskDiscovered running',
      'import-ami-b TaskDiscovered running',
    ]);
    expect(store.markers.get('us-east-1#import-image')).not.toHaveProperty('rebaselineFrom');
  });
});

describe('a stuck baseline or one odd object silences only what is really unknown', () => {
  it('ends the baseline despite a write that keeps failing: only that finished task stays judged as in a baseline', async () => {
    const { pollAt, alerts, store, reported } = poller();
    store.failingTasks.add('import-ami-stuck');

    const baseline = await pollAt(0, completed('import-ami-stuck'), running('import-ami-ok'));
    const next = await pollAt(
      MINUTE,
      completed('import-ami-stuck'),
      running('import-ami-ok'),
      failed('import-ami-new'),
    );
    store.failingTasks.clear();
    await pollAt(
      2 * MINUTE,
      completed('import-ami-stuck'),
      running('import-ami-ok'),
      failed('import-ami-new'),
    );
    await pollAt(
      3 * MINUTE,
      completed('import-ami-stuck'),
      running('import-ami-ok'),
      failed('import-ami-new'),
    );

    expect(baseline.listings[0]).toMatchObject({ ok: false, baseline: true, unsettled: 1 });
    expect(next.listings[0]).toMatchObject({ baseline: false, unsettled: 1 });
    // The failure first seen after the baseline alerts; the stuck task, once recorded, does not.
    expect(alerts()).toEqual([
      'import-ami-ok TaskDiscovered running',
      'import-ami-new TaskStateChanged failed',
    ]);
    expect(reported.UnsettledBaselineTasks).toEqual([1, 1, 0, 0]);
    expect(store.markers.get('us-east-1#import-image')?.unsettled).toEqual([]);
  });

  it('judges the disappearance of a task an object without an id cannot be, and reports the object every poll', async () => {
    // Prepare: store-image tasks are identified by AMI and start time; one result lacks its start time.
    const { store, reported } = poller();
    const storeTask = (AmiId: string, TaskStartTime?: Date): StoreImageTaskResult => ({
      AmiId,
      TaskStartTime,
      StoreTaskState: 'InProgress',
      ProgressPercentage: 40,
      Bucket: 'amis',
    });
    const settings = { ...config, taskTypes: ['store-image' as const] };
    let now = T0;
    const deps = {
      ec2For: () => new EC2Client({ region: 'us-east-1' }),
      store,
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: Object.assign(new Metrics({ namespace: 'Test' }), {
        addMetric(name: string, _unit: unknown, value: number) {
          (reported[name] ??= []).push(value);
        },
      }) as unknown as Metrics,
      now: () => now,
      remainingMs: () => 60_000,
      unknownStatesLogged: new Set<string>(),
    };
    const pollAt = (offset: number, ...results: StoreImageTaskResult[]) => {
      now = new Date(T0.getTime() + offset);
      ec2.on(DescribeStoreImageTasksCommand).resolves({ StoreImageTaskResults: results });
      return runPollCycle(settings, deps);
    };
    const started = new Date('2026-10-31T23:00:00.000Z');
    await pollAt(0, storeTask('ami-1', started), storeTask('ami-2', started));

    // Act: ami-1's result comes back without its start time; ami-2's is gone.
    for (let poll = 1; poll <= 3; poll++) await pollAt(poll * MINUTE, storeTask('ami-1'));

    // Assess
    expect(store.events.map((event) => `${event.taskId.split('@')[0]} ${event.changeType}`)).toEqual([
      'ami-1 TaskDiscovered',
      'ami-2 TaskDiscovered',
      'ami-2 TaskDisappeared',
    ]);
    expect(reported.UnidentifiedTasks).toEqual([0, 1, 1, 1]);
  });
});
