import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  DescribeBundleTasksCommand,
  DescribeImportImageTasksCommand,
  EC2Client,
  type ImportImageTask,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { newPollCache, runPollCycle, type PollDependencies } from '../../../lambdas/poller/poll-cycle';
import type { PollerConfig } from '../../../lambdas/shared/config';
import { MemoryStore } from '../../support/memory-store';

const ec2 = mockClient(EC2Client);
const NOW = new Date('2026-11-23T08:00:00.000Z');

const config: PollerConfig = {
  tableName: 'table',
  regions: ['us-east-1'],
  taskTypes: ['import-image', 'bundle'],
  account: '123456789012',
  progressStep: 25,
  retentionDays: 30,
  disappearAfterMisses: 2,
  pollIntervalSeconds: 60,
};

function importTask(id: string, patch: Partial<ImportImageTask> = {}): ImportImageTask {
  return { ImportTaskId: id, Status: 'active', StatusMessage: 'converting', Progress: '30', ...patch };
}

function listImports(...tasks: ImportImageTask[]) {
  ec2.on(DescribeImportImageTasksCommand).resolves({ ImportImageTasks: tasks });
}

function setup(store = new MemoryStore()) {
  const logger = new Logger({ logLevel: 'SILENT' });
  const deps: PollDependencies = {
    ec2For: () => new EC2Client({ region: 'us-east-1' }),
    store,
    logger,
    metrics: new Metrics({ namespace: 'Test' }),
    now: () => NOW,
    remainingMs: () => 60_000,
    unknownStatesLogged: new Set(),
  };
  return { store, deps, logger };
}

beforeEach(() => {
  ec2.reset();
  ec2.on(DescribeBundleTasksCommand).resolves({ BundleTasks: [] });
});

describe('runPollCycle', () => {
  it('records a baseline: running tasks discovered, finished ones silently, and marks it done', async () => {
    // Prepare
    const { store, deps } = setup();
    listImports(
      importTask('import-ami-1'),
      importTask('import-ami-2', { Status: 'completed', Progress: undefined }),
    );

    // Act
    const report = await runPollCycle(config, deps);

    // Assess
    expect(store.events.map((e) => [e.taskId, e.changeType])).toEqual([['import-ami-1', 'TaskDiscovered']]);
    expect(store.snapshots.size).toBe(2);
    expect(store.baselines).toEqual(new Set(['us-east-1#import-image', 'us-east-1#bundle']));
    expect(report).toMatchObject({ changes: 1, failures: 0 });
    expect(report.listings.find((l) => l.taskType === 'import-image')).toMatchObject({
      ok: true,
      baseline: true,
      tasks: 2,
      silentWrites: 1,
    });
  });

  it('after the baseline, publishes a task first seen already failed', async () => {
    const { store, deps } = setup();
    listImports();
    await runPollCycle(config, deps);
    listImports(
      importTask('import-ami-9', {
        Status: 'deleted',
        StatusMessage: 'ClientError: Unknown OS / missing OS files.',
      }),
    );

    await runPollCycle(config, deps);

    expect(store.events).toHaveLength(1);
    expect(store.events[0]).toMatchObject({
      changeType: 'TaskStateChanged',
      previous: null,
      current: { phase: 'failed' },
    });
  });

  it('writes nothing when the same state is polled again', async () => {
    const { store, deps } = setup();
    listImports(importTask('import-ami-1'));
    await runPollCycle(config, deps);
    const writes = store.writes;

    const report = await runPollCycle(config, deps);

    expect(store.writes).toBe(writes);
    expect(report.changes).toBe(0);
  });

  it('records each transition once, with the previous state; a finished task expires only once it leaves the listing', async () => {
    const { store, deps } = setup();
    listImports(importTask('import-ami-1'));
    await runPollCycle(config, deps);
    listImports(
      importTask('import-ami-1', {
        Status: 'completed',
        StatusMessage: undefined,
        Progress: undefined,
        ImageId: 'ami-0def',
      }),
    );

    await runPollCycle(config, deps);

    expect(
      store.events.map((e) => `${e.changeType}:${e.previous?.phase ?? '-'}->${e.current.phase}`),
    ).toEqual(['TaskDiscovered:-->running', 'TaskStateChanged:running->succeeded']);
    const finished = store.snapshots.get('us-east-1#import-image#import-ami-1');
    expect(finished?.expiresAt).toBeUndefined();
    expect(finished?.task.resources.imageId).toBe('ami-0def');

    listImports();
    await runPollCycle(config, deps);

    const gone = store.snapshots.get('us-east-1#import-image#import-ami-1');
    expect(gone).toMatchObject({ gone: true, expiresAt: Math.floor(NOW.getTime() / 1000) + 30 * 86_400 });
    expect(store.events).toHaveLength(2);
  });

  it('infers no disappearance from a listing that skipped a task it could not identify', async () => {
    const { store, deps } = setup();
    listImports(importTask('import-ami-1'));
    await runPollCycle(config, deps);
    listImports({ Status: 'active', StatusMessage: 'converting' });

    const report = await runPollCycle(config, deps);

    expect(report.listings.find((l) => l.taskType === 'import-image')).toMatchObject({
      ok: true,
      skipped: 1,
    });
    expect(store.events.map((e) => e.changeType)).toEqual(['TaskDiscovered']);
  });

  it('infers no disappearance from a failed listing, and still completes the other types', async () => {
    const { store, deps } = setup();
    listImports(importTask('import-ami-1'));
    await runPollCycle(config, deps);
    ec2
      .on(DescribeImportImageTasksCommand)
      .rejects(Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded' }));
    ec2
      .on(DescribeBundleTasksCommand)
      .resolves({ BundleTasks: [{ BundleId: 'bun-1', State: 'bundling', InstanceId: 'i-1' }] });

    const report = await runPollCycle(config, deps);

    expect(report.failures).toBe(1);
    expect(report.listings.find((l) => l.taskType === 'import-image')).toMatchObject({
      ok: false,
      error: { code: 'RequestLimitExceeded' },
    });
    expect(store.events.map((e) => [e.taskId, e.changeType])).toEqual([
      ['import-ami-1', 'TaskDiscovered'],
      ['bun-1', 'TaskDiscovered'],
    ]);
  });

  it('reports a disappearance when a running task has left complete listings, and ages out finished ones silently', async () => {
    const { store, deps } = setup();
    listImports(importTask('import-ami-run'), importTask('import-ami-done', { Status: 'completed' }));
    await runPollCycle(config, deps);
    listImports();

    // Missing from two consecutive complete listings (disappearAfterMisses).
    await runPollCycle(config, deps);
    await runPollCycle(config, deps);

    expect(store.events.map((e) => [e.taskId, e.changeType])).toEqual([
      ['import-ami-run', 'TaskDiscovered'],
      ['import-ami-run', 'TaskDisappeared'],
    ]);
    expect(store.snapshots.get('us-east-1#import-image#import-ami-done')).toMatchObject({
      gone: true,
      version: 2,
    });
  });

  it('skips a task without an id and logs why, keeping the rest', async () => {
    const { store, deps, logger } = setup();
    const warn = jest.spyOn(logger, 'warn');
    listImports(importTask('import-ami-1'), { Status: 'active' });

    const report = await runPollCycle(config, deps);

    expect(report.listings.find((l) => l.taskType === 'import-image')).toMatchObject({
      ok: true,
      tasks: 1,
      skipped: 1,
    });
    expect(store.events).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('Skipped'),
      expect.objectContaining({ reason: 'import-image: ImportTaskId is missing' }),
    );
  });

  it('logs each listing that returned tasks as one "Tasks seen" line, a count per phase, and no metric per type', async () => {
    const { deps, logger } = setup();
    const info = jest.spyOn(logger, 'info');
    const addMetric = jest.spyOn(deps.metrics, 'addMetric');
    const singleMetric = jest.spyOn(deps.metrics, 'singleMetric');
    listImports(
      importTask('import-ami-1'),
      importTask('import-ami-2'),
      importTask('import-ami-3', {
        Status: 'deleted',
        StatusMessage: 'ClientError: bad disk',
        Progress: undefined,
      }),
    );

    await runPollCycle(config, deps);

    // The empty bundle listing logs nothing.
    expect(info.mock.calls.filter(([message]) => message === 'Tasks seen')).toEqual([
      [
        'Tasks seen',
        {
          account: '123456789012',
          region: 'us-east-1',
          taskType: 'import-image',
          tasks: 3,
          pending: 0,
          running: 2,
          succeeded: 0,
          failed: 1,
          cancelled: 0,
          unknown: 0,
        },
      ],
    ]);
    expect(singleMetric).not.toHaveBeenCalled();
    // The baseline recorded 2 discoveries: ChangesRecorded is sent, with the three sent every poll.
    expect(addMetric.mock.calls.map(([name, , value]) => [name, value])).toEqual([
      ['ChangesRecorded', 2],
      ['ListingFailures', 0],
      ['UnidentifiedTasks', 0],
      ['UnsettledBaselineTasks', 0],
    ]);
  });

  it('sends three metrics at rest: no ChangesRecorded when nothing changed', async () => {
    const { deps } = setup();
    deps.cache = newPollCache();
    listImports(importTask('import-ami-1'));
    await runPollCycle(config, deps);
    const addMetric = jest.spyOn(deps.metrics, 'addMetric');

    await runPollCycle(config, deps);

    expect(addMetric.mock.calls.map(([name]) => name)).toEqual([
      'ListingFailures',
      'UnidentifiedTasks',
      'UnsettledBaselineTasks',
    ]);
  });

  it('logs a listing\'s "Tasks seen" line again only when its counts change, or an hour later', async () => {
    const { deps, logger } = setup();
    deps.cache = newPollCache();
    const info = jest.spyOn(logger, 'info');
    let clock = NOW.getTime();
    deps.now = () => new Date(clock);
    const seen = () => info.mock.calls.filter(([message]) => message === 'Tasks seen').length;
    listImports(importTask('import-ami-1'));

    await runPollCycle(config, deps);
    clock += 60_000;
    await runPollCycle(config, deps);
    const afterIdlePoll = seen();
    listImports(importTask('import-ami-1'), importTask('import-ami-2'));
    clock += 60_000;
    await runPollCycle(config, deps);
    const afterNewTask = seen();
    clock += 60 * 60_000;
    await runPollCycle(config, deps);

    expect([afterIdlePoll, afterNewTask, seen()]).toEqual([1, 2, 3]);
  });

  it('maps an undocumented state to unknown and logs it once per container', async () => {
    const { store, deps, logger } = setup();
    const warn = jest.spyOn(logger, 'warn');
    listImports(
      importTask('import-ami-1', { Status: 'paused' }),
      importTask('import-ami-2', { Status: 'paused' }),
    );

    await runPollCycle(config, deps);
    await runPollCycle(config, deps);

    expect(store.events.map((e) => e.current.phase)).toEqual(['unknown', 'unknown']);
    const unknownLogs = warn.mock.calls.filter(([message]) => String(message).startsWith('Undocumented'));
    expect(unknownLogs).toEqual([[expect.any(String), { taskType: 'import-image', state: 'paused' }]]);
  });

  it('does not finish the baseline when a write fails, so the next poll redoes it', async () => {
    const { store, deps } = setup();
    listImports(importTask('import-ami-1'));
    store.failWrites = Object.assign(new Error('Throughput exceeds the current capacity'), {
      name: 'ProvisionedThroughputExceededException',
    });

    const failed = await runPollCycle(config, deps);
    store.failWrites = undefined;
    const retried = await runPollCycle(config, deps);

    expect(failed.listings.find((l) => l.taskType === 'import-image')).toMatchObject({
      ok: false,
      error: { code: 'ProvisionedThroughputExceededException' },
    });
    expect(retried.listings.find((l) => l.taskType === 'import-image')).toMatchObject({
      ok: true,
      baseline: true,
      changes: 1,
    });
    expect(store.events.map((e) => e.taskId)).toEqual(['import-ami-1']);
  });

  it('lets exactly one of two overlapping polls record a transition', async () => {
    const { store, deps } = setup();
    listImports(importTask('import-ami-1'));
    await runPollCycle(config, deps);
    listImports(importTask('import-ami-1', { Status: 'completed' }));

    const [first, second] = await Promise.all([runPollCycle(config, deps), runPollCycle(config, deps)]);

    expect(first.changes + second.changes).toBe(1);
    expect(store.events.filter((e) => e.changeType === 'TaskStateChanged')).toHaveLength(1);
  });

  it('lets a listing older than the stored state lose its writes, whatever order the reads happened in', async () => {
    // Prepare: a running task recorded; then a poll whose listing (still running) answers only
    // after a later poll has recorded the task's end.
    const { store, deps } = setup();
    const only = { ...config, taskTypes: ['import-image' as const] };
    listImports(importTask('import-ami-1'));
    await runPollCycle(only, deps);
    let answerStale: () => void = () => undefined;
    const staleAnswered = new Promise<void>((resolve) => (answerStale = resolve));
    let staleAsked: () => void = () => undefined;
    const staleCalled = new Promise<void>((resolve) => (staleAsked = resolve));
    let calls = 0;
    ec2.on(DescribeImportImageTasksCommand).callsFake(async () => {
      calls += 1;
      if (calls === 1) {
        staleAsked();
        await staleAnswered;
        return { ImportImageTasks: [importTask('import-ami-1', { Progress: '80' })] };
      }
      return { ImportImageTasks: [importTask('import-ami-1', { Status: 'completed' })] };
    });

    // Act
    const stale = runPollCycle(only, deps);
    // The SDK's middleware may take more than a tick under load: wait until EC2 was asked.
    await staleCalled;
    const fresh = await runPollCycle(only, deps);
    answerStale();
    const late = await stale;

    // Assert: the end is recorded once, and the older listing changed nothing after it.
    expect(fresh.changes).toBe(1);
    expect(late.changes).toBe(0);
    expect(late.listings[0]?.conflicts).toBeGreaterThan(0);
    expect(store.events.map((event) => event.changeType)).toEqual(['TaskDiscovered', 'TaskStateChanged']);
    expect([...store.snapshots.values()][0]?.task.state).toBe('completed');
  });

  it('stores since when each state was observed, so each change tells how long the previous state lasted', async () => {
    // Prepare: a clock that moves between polls.
    const { store, deps } = setup();
    let now = new Date('2026-11-23T07:00:00.000Z');
    deps.now = () => now;
    const pollAt = async (iso: string, ...tasks: ImportImageTask[]) => {
      now = new Date(iso);
      listImports(...tasks);
      await runPollCycle({ ...config, taskTypes: ['import-image'] }, deps);
    };

    // Act: discovered, progress crosses a step, then it fails.
    await pollAt('2026-11-23T07:00:00.000Z', importTask('import-ami-1', { Progress: '10' }));
    await pollAt('2026-11-23T07:40:00.000Z', importTask('import-ami-1', { Progress: '60' }));
    await pollAt(
      '2026-11-23T08:05:00.000Z',
      importTask('import-ami-1', {
        Status: 'deleted',
        StatusMessage: 'ClientError: Unknown OS / missing OS files.',
      }),
    );

    // Assess
    expect(
      store.events.map((e) => [e.changeType, e.detectedAt, e.previous?.since ?? null, e.current.since]),
    ).toEqual([
      ['TaskDiscovered', '2026-11-23T07:00:00.000Z', null, '2026-11-23T07:00:00.000Z'],
      ['TaskProgressed', '2026-11-23T07:40:00.000Z', '2026-11-23T07:00:00.000Z', '2026-11-23T07:00:00.000Z'],
      [
        'TaskStateChanged',
        '2026-11-23T08:05:00.000Z',
        '2026-11-23T07:00:00.000Z',
        '2026-11-23T08:05:00.000Z',
      ],
    ]);
    expect(store.snapshots.get('us-east-1#import-image#import-ami-1')?.stateSince).toBe(
      '2026-11-23T08:05:00.000Z',
    );
  });

  it('polls every configured Region and task type', async () => {
    const { deps } = setup();
    listImports();

    const report = await runPollCycle({ ...config, regions: ['us-east-1', 'eu-west-1'] }, deps);

    expect(report.listings.map((l) => `${l.region}/${l.taskType}`).sort()).toEqual([
      'eu-west-1/bundle',
      'eu-west-1/import-image',
      'us-east-1/bundle',
      'us-east-1/import-image',
    ]);
  });

  it('judges again, after a conflict, only the tasks whose write was lost', async () => {
    // Prepare: two running tasks recorded; in the next listing one is missing and the other moved a
    // step, and another poll (from an earlier listing) rewrites the second just before this one does.
    const { store, deps } = setup();
    const only = { ...config, taskTypes: ['import-image' as const] };
    listImports(importTask('import-ami-gone'), importTask('import-ami-moving'));
    await runPollCycle(only, deps);
    const recordChange = store.recordChange.bind(store);
    let raced = false;
    store.recordChange = async (write, event) => {
      const key = `us-east-1#import-image#${write.task.taskId}`;
      const current = store.snapshots.get(key);
      if (!raced && current && write.task.taskId === 'import-ami-moving') {
        raced = true;
        store.snapshots.set(key, { ...current, version: current.version + 1 });
      }
      return recordChange(write, event);
    };
    listImports(importTask('import-ami-moving', { Progress: '60' }));

    // Act
    const report = await runPollCycle(only, deps);

    // Assert: the missing task counted once (missing once, not disappeared), one conflict, and the
    // lost write recorded by the second judgement.
    expect(report.listings[0]).toMatchObject({ ok: true, changes: 1, silentWrites: 1, conflicts: 1 });
    expect(store.snapshots.get('us-east-1#import-image#import-ami-gone')).toMatchObject({
      misses: 1,
      version: 2,
    });
    expect(store.events.map((event) => [event.taskId, event.changeType])).toEqual([
      ['import-ami-gone', 'TaskDiscovered'],
      ['import-ami-moving', 'TaskDiscovered'],
      ['import-ami-moving', 'TaskProgressed'],
    ]);
  });

  describe('at rest', () => {
    it('reads and writes nothing on a warm poll where nothing changed', async () => {
      // Prepare: a container that recorded a listing.
      const { store, deps } = setup();
      deps.cache = newPollCache();
      listImports(importTask('import-ami-1'), importTask('import-ami-2', { Status: 'completed' }));
      await runPollCycle(config, deps);
      const [reads, writes, markerWrites] = [store.reads, store.writes, store.markerWrites];

      // Act
      const report = await runPollCycle(config, deps);

      // Assert
      expect(report.listings.every((listing) => listing.ok && listing.settled)).toBe(true);
      expect([store.reads - reads, store.writes - writes, store.markerWrites - markerWrites]).toEqual([
        0, 0, 0,
      ]);
    });

    it("reads only the unit's state on a cold poll where nothing changed", async () => {
      const { store, deps } = setup();
      listImports(importTask('import-ami-1'));
      await runPollCycle(config, deps);
      const [reads, writes] = [store.reads, store.writes];

      deps.cache = newPollCache();
      const report = await runPollCycle(config, deps);

      expect(report.listings.every((listing) => listing.settled)).toBe(true);
      expect(store.reads - reads).toBe(1);
      expect(store.writes - writes).toBe(0);
    });

    it('judges a changed listing against the snapshots the container holds, without reading them', async () => {
      const { store, deps } = setup();
      deps.cache = newPollCache();
      listImports(importTask('import-ami-1'));
      await runPollCycle(config, deps);
      const reads = store.reads;

      listImports(importTask('import-ami-1', { Status: 'completed' }));
      const report = await runPollCycle(config, deps);

      expect(report.changes).toBe(1);
      expect(store.reads - reads).toBe(0);
      expect(store.events.map((event) => event.changeType)).toEqual(['TaskDiscovered', 'TaskStateChanged']);
    });

    it('judges a listing that looks the same again while a missing task waits for its next listing', async () => {
      // Prepare: a running task missing once (not yet disappeared).
      const { store, deps } = setup();
      deps.cache = newPollCache();
      listImports(importTask('import-ami-1'));
      await runPollCycle(config, deps);
      listImports();
      await runPollCycle(config, deps);
      expect(store.events).toHaveLength(1);

      // Act: the same (empty) listing again.
      const report = await runPollCycle(config, deps);

      // Assert
      expect(report.listings.find((listing) => listing.taskType === 'import-image')?.settled).toBe(false);
      expect(store.events.map((event) => event.changeType)).toEqual(['TaskDiscovered', 'TaskDisappeared']);
    });

    it("drops the container's copy when another writer won, and judges the listing again against the store", async () => {
      // Prepare: this container recorded the task running; another poll then recorded it at 60 %.
      const { store, deps } = setup();
      deps.cache = newPollCache();
      listImports(importTask('import-ami-1'));
      await runPollCycle(config, deps);
      listImports(importTask('import-ami-1', { Progress: '60' }));
      await runPollCycle(config, { ...deps, cache: newPollCache() });

      // Act: this container sees it complete, diffing first against its stale copy.
      listImports(importTask('import-ami-1', { Status: 'completed' }));
      const report = await runPollCycle(config, deps);

      // Assert: recorded once, with the stored state as previous.
      expect(report.changes).toBe(1);
      const last = store.events.at(-1);
      expect(last?.changeType).toBe('TaskStateChanged');
      expect(last?.previous?.progress).toBe(60);
      expect(store.events).toHaveLength(3);
    });
  });
});
