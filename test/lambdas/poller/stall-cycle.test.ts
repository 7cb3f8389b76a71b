// Why: a stall must cost nothing at rest. Through the real poll cycle (EC2 mocked, the in-memory
// store counting reads and writes): a still task is told once when its stallAfter has passed, polls
// before and after read and write nothing (warm) or read the unit state only (cold), a move within
// a progress step before the stall is recorded silently, and a stalled task that moves again is told.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DescribeImportImageTasksCommand, EC2Client, type ImportImageTask } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { newPollCache, type PollCache, runPollCycle } from '../../../lambdas/poller/poll-cycle';
import { MemoryStore } from '../../support/memory-store';
import { pollerConfig } from '../../support/poller-config';

const ec2 = mockClient(EC2Client);
const T0 = Date.parse('2026-12-02T10:00:00.000Z');

const config = pollerConfig({ stallAfter: { 'import-image': 60 } });

function listing(progress: number): void {
  const task: ImportImageTask = {
    ImportTaskId: 'import-ami-1',
    Status: 'active',
    StatusMessage: 'converting',
    Progress: String(progress),
  };
  ec2.on(DescribeImportImageTasksCommand).resolves({ ImportImageTasks: [task] });
}

function poller(store: MemoryStore) {
  let cache: PollCache | undefined = newPollCache();
  const pollAt = (minutes: number, progress: number) => {
    listing(progress);
    return runPollCycle(config, {
      ec2For: () => new EC2Client({ region: 'us-east-1' }),
      store,
      cache,
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'Test' }),
      now: () => new Date(T0 + minutes * 60_000),
      remainingMs: () => 60_000,
      unknownStatesLogged: new Set(),
    });
  };
  /** The counts of what the store was asked since the last call. */
  let last = { reads: 0, writes: 0, markerWrites: 0 };
  const io = () => {
    const now = { reads: store.reads, writes: store.writes, markerWrites: store.markerWrites };
    const delta = {
      reads: now.reads - last.reads,
      writes: now.writes - last.writes,
      markerWrites: now.markerWrites - last.markerWrites,
    };
    last = now;
    return delta;
  };
  return { pollAt, io, coldContainer: () => (cache = undefined) };
}

beforeEach(() => ec2.reset());

it('tells a still task once, with nothing read or written at rest before or after', async () => {
  const store = new MemoryStore();
  const { pollAt, io } = poller(store);
  await pollAt(0, 45);
  io();

  // Still for 59 minutes: the unit state says no stall is due yet.
  await pollAt(30, 45);
  await pollAt(59, 45);
  expect(io()).toEqual({ reads: 0, writes: 0, markerWrites: 0 });

  // Due: one snapshot write (the change and its event) and the listing's state.
  await pollAt(61, 45);
  expect(io()).toEqual({ reads: 0, writes: 1, markerWrites: 1 });
  expect(store.events.map((event) => event.changeType)).toEqual(['TaskDiscovered', 'TaskStalled']);
  expect(store.events[1]?.stall).toEqual({
    stillSince: new Date(T0).toISOString(),
    stillForSeconds: 61 * 60,
  });

  // Stalled: nothing more, at rest.
  await pollAt(120, 45);
  await pollAt(240, 45);
  expect(io()).toEqual({ reads: 0, writes: 0, markerWrites: 0 });
  expect(store.events).toHaveLength(2);

  // Moving within the step is news after a stall, with how long it was still.
  await pollAt(250, 46);
  expect(store.events[2]).toMatchObject({
    changeType: 'TaskProgressed',
    current: { progress: 46 },
    stall: { stillForSeconds: 250 * 60 },
  });
});

it('records a move within a progress step silently when a stall would be due, and stalls from there', async () => {
  const store = new MemoryStore();
  const { pollAt, io } = poller(store);
  await pollAt(0, 45);
  await pollAt(30, 47);
  io();

  await pollAt(61, 48);
  expect(io()).toEqual({ reads: 0, writes: 1, markerWrites: 1 });
  expect(store.events.map((event) => event.changeType)).toEqual(['TaskDiscovered']);

  // Still since the silent write: due an hour after it.
  await pollAt(120, 48);
  expect(store.events).toHaveLength(1);
  await pollAt(122, 48);
  expect(store.events.map((event) => event.changeType)).toEqual(['TaskDiscovered', 'TaskStalled']);
});

it('costs a cold container the unit state read at rest, and one query once a stall is due', async () => {
  const store = new MemoryStore();
  const { pollAt, io, coldContainer } = poller(store);
  await pollAt(0, 45);
  coldContainer();
  io();

  await pollAt(30, 45);
  expect(io()).toEqual({ reads: 1, writes: 0, markerWrites: 0 });
  await pollAt(61, 45);
  expect(io()).toEqual({ reads: 2, writes: 1, markerWrites: 1 });
});
