// The product's change rules through the real engines: the baseline, discovery, progress steps,
// disappearance and silent ageing-out, and exactly one message per change however often EC2 is
// polled without one.
import type { InboxMessage } from '../../devkit/engines/inbox';
import type { TaskChangeEvent } from '#events';
import { renderStatus } from '../../cli/render';
import { createHarness, type Harness } from './support/harness';
import { expectObservedSince, sorted, TableReader, tuples } from './support/events';

const REGION = 'us-east-1';

const importImage = (id: string, status: string, message: string | undefined, progress?: string) => ({
  ImportTaskId: id,
  Status: status,
  StatusMessage: message,
  Progress: progress,
});

describe('with the default progress step (25)', () => {
  let harness: Harness;
  let reader: TableReader;
  /** Every message received in this block, for the one-message-per-change check. */
  const everything: InboxMessage<TaskChangeEvent>[] = [];
  const poll = async () => {
    const result = await harness.cycleAndReceive();
    expect(result.outcome.failures).toEqual([]);
    for (const message of result.messages) expectObservedSince(message.event);
    everything.push(...result.messages);
    return result;
  };
  const snapshot = async (taskId: string) =>
    (await reader.snapshots([REGION], ['import-image', 'export-instance', 'mac-modification'])).find(
      (stored) => stored.task.taskId === taskId,
    );

  beforeAll(async () => {
    harness = await createHarness({
      context: { regions: REGION, taskTypes: 'import-image,export-instance,mac-modification' },
    });
    reader = new TableReader(harness);
  });
  afterAll(async () => {
    reader?.close();
    await harness?.close();
  });

  it('baseline: announces the running tasks found at the first poll and records the finished ones silently', async () => {
    // Prepare: an account with work in progress and finished work, before the first poll.
    const { sim } = harness;
    sim.putTask(
      REGION,
      'import-image',
      importImage('import-ami-0b0000000000run01', 'active', 'converting', '40'),
    );
    sim.putTask(REGION, 'import-image', importImage('import-ami-0b000000000done01', 'completed', undefined));
    sim.putTask(
      REGION,
      'import-image',
      importImage('import-ami-0b000000000fail01', 'deleted', 'ClientError: Unknown OS / missing OS files.'),
    );
    sim.putTask(REGION, 'export-instance', {
      ExportTaskId: 'export-i-0b00000000000run01',
      State: 'active',
      InstanceExportDetails: { InstanceId: 'i-0b0000000000000a1', TargetEnvironment: 'vmware' },
    });
    sim.putTask(REGION, 'export-instance', {
      ExportTaskId: 'export-i-0b00000000000can01',
      State: 'cancelled',
      StatusMessage: 'Canceled by user',
    });
    sim.putTask(REGION, 'mac-modification', {
      MacModificationTaskId: 'macmodification-0b000000000pend1',
      InstanceId: 'i-0b0000000000000a2',
      TaskState: 'pending',
    });
    sim.putTask(REGION, 'mac-modification', {
      MacModificationTaskId: 'macmodification-0b000000000done1',
      InstanceId: 'i-0b0000000000000a3',
      TaskState: 'successful',
    });

    // Act
    const { messages } = await poll();

    // Assess
    expect(sorted(tuples(messages))).toEqual(
      sorted([
        ['import-ami-0b0000000000run01', 'TaskDiscovered', 'running'],
        ['export-i-0b00000000000run01', 'TaskDiscovered', 'running'],
        ['macmodification-0b000000000pend1', 'TaskDiscovered', 'pending'],
      ]),
    );
    expect(messages.map((message) => message.event.previous)).toEqual([null, null, null]);
    // The finished tasks are recorded, without a change in their history.
    for (const [taskType, taskId, phase] of [
      ['import-image', 'import-ami-0b000000000done01', 'succeeded'],
      ['import-image', 'import-ami-0b000000000fail01', 'failed'],
      ['export-instance', 'export-i-0b00000000000can01', 'cancelled'],
      ['mac-modification', 'macmodification-0b000000000done1', 'succeeded'],
    ] as const) {
      expect((await snapshot(taskId))?.task.phase).toBe(phase);
      expect(await reader.history(REGION, taskType, taskId)).toEqual([]);
    }
  });

  it('after the baseline: a new running task is discovered, one first seen finished is a state change from nothing', async () => {
    // Prepare: an import that failed within seconds, one that completed, and one just started.
    const { sim } = harness;
    sim.putTask(
      REGION,
      'import-image',
      importImage('import-ami-0b000000000fail02', 'deleted', 'ClientError: Unknown OS / missing OS files.'),
    );
    sim.putTask(REGION, 'mac-modification', {
      MacModificationTaskId: 'macmodification-0b000000000done2',
      InstanceId: 'i-0b0000000000000a4',
      TaskState: 'successful',
    });
    sim.putTask(
      REGION,
      'import-image',
      importImage('import-ami-0b0000000000run02', 'active', 'pending', '1'),
    );

    // Act
    const { messages } = await poll();

    // Assess
    expect(
      sorted(
        messages.map(({ event }) => [event.taskId, event.changeType, event.previous, event.current.phase]),
      ),
    ).toEqual(
      sorted([
        ['import-ami-0b000000000fail02', 'TaskStateChanged', null, 'failed'],
        ['macmodification-0b000000000done2', 'TaskStateChanged', null, 'succeeded'],
        ['import-ami-0b0000000000run02', 'TaskDiscovered', null, 'pending'],
      ]),
    );
    const failed = messages.find((message) => message.event.taskId === 'import-ami-0b000000000fail02');
    expect(failed?.attributes).not.toHaveProperty('previousPhase');
    expect(failed?.subject).toBe('[EC2 tasks] import-image import-ami-0b000000000fail02 failed (us-east-1)');
  });

  it('progress: one TaskProgressed each time progress enters a new 25% step, none within a step', async () => {
    // Prepare
    const id = 'import-ami-0b000000000prog01';
    harness.sim.putTask(REGION, 'import-image', importImage(id, 'active', 'converting', '10'));
    const discovered = await poll();

    // Act
    const received: Array<[string, InboxMessage<TaskChangeEvent>[]]> = [];
    for (const progress of ['20', '30', '49', '55', '100']) {
      harness.sim.updateTask(REGION, 'import-image', id, { Progress: progress });
      received.push([progress, (await poll()).messages]);
    }

    // Assess
    expect(tuples(discovered.messages)).toEqual([[id, 'TaskDiscovered', 'running']]);
    expect(
      received.map(([progress, messages]) => [
        progress,
        messages.map(({ event }) => [event.changeType, event.previous?.progress, event.current.progress]),
      ]),
    ).toEqual([
      ['20', []],
      ['30', [['TaskProgressed', 10, 30]]],
      ['49', []],
      ['55', [['TaskProgressed', 30, 55]]],
      ['100', [['TaskProgressed', 55, 100]]],
    ]);
    // Progress moves within the state, so every change says it began when the task was discovered.
    const discoveredAt = discovered.messages[0]?.event.detectedAt;
    const sinces = received.flatMap(([, messages]) =>
      messages.map(({ event }) => [event.previous?.since, event.current.since]),
    );
    expect(sinces).toEqual([
      [discoveredAt, discoveredAt],
      [discoveredAt, discoveredAt],
      [discoveredAt, discoveredAt],
    ]);
    const stored = await snapshot(id);
    expect(stored?.stateSince).toBe(discoveredAt);
  });

  it('a running task missing from two complete listings is TaskDisappeared; a finished one ages out silently', async () => {
    // Prepare: one watched task finishes first, so that both kinds of finished task age out.
    harness.sim.updateTask(REGION, 'import-image', 'import-ami-0b0000000000run02', {
      Status: 'completed',
      StatusMessage: null,
      Progress: null,
    });
    const finished = await poll();
    harness.sim.removeTask(REGION, 'export-instance', 'export-i-0b00000000000run01');
    harness.sim.removeTask(REGION, 'import-image', 'import-ami-0b0000000000run02');
    harness.sim.removeTask(REGION, 'import-image', 'import-ami-0b000000000done01');

    // Act: one complete listing without them is not a disappearance (disappearAfterMisses 2).
    const missed = await poll();
    const { messages } = await poll();
    const after = await poll();

    // Assess
    expect(tuples(finished.messages)).toEqual([
      ['import-ami-0b0000000000run02', 'TaskStateChanged', 'succeeded'],
    ]);
    expect(missed.messages).toEqual([]);
    /** When the monitor first announced a task: the start of the state it was discovered in. */
    const discoveredAt = (taskId: string) =>
      everything.find(({ event }) => event.taskId === taskId && event.changeType === 'TaskDiscovered')?.event
        .detectedAt;
    expect(finished.messages[0]?.event.previous?.since).toBe(discoveredAt('import-ami-0b0000000000run02'));
    expect(
      messages.map(({ event }) => [event.taskId, event.changeType, event.previous, event.current]),
    ).toEqual([
      [
        'export-i-0b00000000000run01',
        'TaskDisappeared',
        {
          state: 'active',
          phase: 'running',
          progress: null,
          statusMessage: null,
          since: discoveredAt('export-i-0b00000000000run01'),
        },
        {
          state: 'active',
          phase: 'unknown',
          progress: null,
          statusMessage: 'The task is no longer listed by EC2 although it had not finished.',
          since: messages[0]?.event.detectedAt,
        },
      ],
    ]);
    expect(after.messages).toEqual([]);
    // What `ec2-task-monitor status` shows: all three gone, the vanished one in phase unknown.
    const gone = await Promise.all(
      ['export-i-0b00000000000run01', 'import-ami-0b0000000000run02', 'import-ami-0b000000000done01'].map(
        async (taskId) => {
          const stored = await snapshot(taskId);
          return [taskId, stored?.task.phase, stored?.gone];
        },
      ),
    );
    expect(gone).toEqual([
      ['export-i-0b00000000000run01', 'unknown', true],
      ['import-ami-0b0000000000run02', 'succeeded', true],
      ['import-ami-0b000000000done01', 'succeeded', true],
    ]);
    const status = renderStatus(
      await reader.snapshots([REGION], ['import-image', 'export-instance', 'mac-modification']),
      { color: false },
    );
    expect(status).toMatch(/import-ami-0b000000000done01\s+us-east-1\s+completed\s+succeeded \(gone\)/);
    expect(status).toMatch(/export-i-0b00000000000run01\s+us-east-1\s+active\s+unknown \(gone\)/);
  });

  it('sends nothing while nothing changes, over five polls', async () => {
    const polls = [];
    for (let i = 0; i < 5; i++) polls.push(await poll());

    expect(polls.map(({ outcome, messages }) => [outcome.report.changes, messages.length])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it('delivered exactly one message per recorded change', async () => {
    const stored = await reader.snapshots([REGION], ['import-image', 'export-instance', 'mac-modification']);
    const histories = await Promise.all(
      stored.map(({ task }) => reader.history(REGION, task.taskType, task.taskId)),
    );
    const recorded = histories.flat();

    expect(recorded.every((entry) => entry.publishedAt !== null)).toBe(true);
    expect(everything.map((message) => message.event.eventId).sort()).toEqual(
      recorded.map((entry) => entry.event.eventId).sort(),
    );
    expect(recorded.length).toBe(12);
  });
});

describe('with progressStep 10', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await createHarness({
      context: { regions: REGION, taskTypes: 'import-image', progressStep: 10 },
    });
    await harness.cycleAndReceive();
  });
  afterAll(() => harness?.close());

  it('sends a TaskProgressed for each 10% step entered', async () => {
    // Prepare
    const id = 'import-ami-0b000000000prog10';
    harness.sim.putTask(REGION, 'import-image', importImage(id, 'active', 'converting', '10'));
    await harness.cycleAndReceive();

    // Act
    const received: Array<[string, number[]]> = [];
    for (const progress of ['15', '20', '30', '55', '59']) {
      harness.sim.updateTask(REGION, 'import-image', id, { Progress: progress });
      const { outcome, messages } = await harness.cycleAndReceive();
      expect(outcome.failures).toEqual([]);
      received.push([
        progress,
        messages
          .filter((message) => message.event.changeType === 'TaskProgressed')
          .map((message) => message.event.current.progress as number),
      ]);
    }

    // Assess
    expect(received).toEqual([
      ['15', []],
      ['20', [20]],
      ['30', [30]],
      ['55', [55]],
      ['59', []],
    ]);
  });
});
