import { diffListing, progressBucket } from '../../../lambdas/domain/changes';
import { aTask, stored, storedMap } from '../../support/tasks';

const step = 25;

describe('diffListing', () => {
  describe('a task seen for the first time', () => {
    it('is TaskDiscovered when it is not finished', () => {
      const task = aTask({ phase: 'pending', state: 'active', statusMessage: 'pending' });

      const decisions = diffListing({
        listed: [task],
        stored: new Map(),
        baseline: false,
        progressStep: step,
      });

      expect(decisions).toEqual([
        {
          kind: 'change',
          changeType: 'TaskDiscovered',
          previous: null,
          current: { state: 'active', phase: 'pending', progress: 28, statusMessage: 'pending' },
          task,
          gone: false,
          expectedVersion: 0,
        },
      ]);
    });

    it('is TaskStateChanged with previous null when it already finished (an import that failed in seconds)', () => {
      const task = aTask({
        state: 'deleted',
        phase: 'failed',
        statusMessage: 'ClientError: Unknown OS / missing OS files.',
      });

      const [decision] = diffListing({
        listed: [task],
        stored: new Map(),
        baseline: false,
        progressStep: step,
      });

      expect(decision).toMatchObject({
        kind: 'change',
        changeType: 'TaskStateChanged',
        previous: null,
        expectedVersion: 0,
      });
      expect(decision?.kind === 'change' && decision.current.phase).toBe('failed');
    });

    it('during the baseline, is TaskDiscovered when running and recorded silently when finished', () => {
      const running = aTask({ taskId: 'import-ami-1' });
      const finished = aTask({
        taskId: 'import-ami-2',
        state: 'completed',
        phase: 'succeeded',
        progress: null,
      });

      const decisions = diffListing({
        listed: [running, finished],
        stored: new Map(),
        baseline: true,
        progressStep: step,
      });

      expect(
        decisions.map((d) => [d.task.taskId, d.kind, d.kind === 'change' ? d.changeType : d.reason]),
      ).toEqual([
        ['import-ami-1', 'change', 'TaskDiscovered'],
        ['import-ami-2', 'silent', 'baseline-terminal'],
      ]);
    });
  });

  describe('a task already stored', () => {
    it('is TaskStateChanged when the phase differs, conditioned on the stored version', () => {
      const before = aTask({ state: 'active', phase: 'running' });
      const after = aTask({ state: 'completed', phase: 'succeeded', progress: null, statusMessage: null });

      const [decision] = diffListing({
        listed: [after],
        stored: storedMap(stored(before, 7)),
        baseline: false,
        progressStep: step,
      });

      expect(decision).toMatchObject({
        kind: 'change',
        changeType: 'TaskStateChanged',
        previous: { state: 'active', phase: 'running', progress: 28, statusMessage: 'converting' },
        current: { state: 'completed', phase: 'succeeded', progress: null, statusMessage: null },
        expectedVersion: 7,
      });
    });

    it('is TaskProgressed when the raw state changes within the phase (bundling -> storing)', () => {
      const before = aTask({
        taskType: 'bundle',
        taskId: 'bun-1',
        state: 'bundling',
        phase: 'running',
        progress: 30,
        statusMessage: null,
      });
      const after = { ...before, state: 'storing' };

      const [decision] = diffListing({
        listed: [after],
        stored: storedMap(stored(before)),
        baseline: false,
        progressStep: step,
      });

      expect(decision).toMatchObject({
        changeType: 'TaskProgressed',
        previous: { state: 'bundling' },
        current: { state: 'storing' },
      });
    });

    it('is TaskProgressed when the status message changes (converting -> updating)', () => {
      const before = aTask({ statusMessage: 'converting' });
      const after = aTask({ statusMessage: 'updating' });

      const decisions = diffListing({
        listed: [after],
        stored: storedMap(stored(before)),
        baseline: false,
        progressStep: step,
      });

      expect(decisions).toHaveLength(1);
      expect(decisions[0]).toMatchObject({
        changeType: 'TaskProgressed',
        current: { statusMessage: 'updating' },
      });
    });

    it('is TaskProgressed when progress crosses a step, and nothing when it moves within one', () => {
      const before = aTask({ progress: 26 });

      const within = diffListing({
        listed: [aTask({ progress: 49 })],
        stored: storedMap(stored(before)),
        baseline: false,
        progressStep: step,
      });
      const crossing = diffListing({
        listed: [aTask({ progress: 50 })],
        stored: storedMap(stored(before)),
        baseline: false,
        progressStep: step,
      });

      expect(within).toEqual([]);
      expect(crossing).toHaveLength(1);
      expect(crossing[0]).toMatchObject({
        changeType: 'TaskProgressed',
        previous: { progress: 26 },
        current: { progress: 50 },
      });
    });

    it('honours another progress step', () => {
      const before = aTask({ progress: 10 });

      const decisions = diffListing({
        listed: [aTask({ progress: 20 })],
        stored: storedMap(stored(before)),
        baseline: false,
        progressStep: 10,
      });

      expect(decisions).toHaveLength(1);
    });

    it('is nothing at all when the same state is polled again', () => {
      const task = aTask();

      expect(
        diffListing({ listed: [task], stored: storedMap(stored(task)), baseline: false, progressStep: step }),
      ).toEqual([]);
    });

    it('moves from deleting to deleted as TaskProgressed within the failed phase', () => {
      const message = 'ClientError: Unknown OS / missing OS files.';
      const before = aTask({ state: 'deleting', phase: 'failed', statusMessage: message });
      const after = aTask({ state: 'deleted', phase: 'failed', statusMessage: message });

      const [decision] = diffListing({
        listed: [after],
        stored: storedMap(stored(before)),
        baseline: false,
        progressStep: step,
      });

      expect(decision).toMatchObject({
        changeType: 'TaskProgressed',
        current: { state: 'deleted', phase: 'failed' },
      });
    });
  });

  describe('a stored task absent from a complete listing', () => {
    it('is TaskDisappeared when it had not finished, and its snapshot is marked gone', () => {
      const before = aTask({ state: 'active', phase: 'running' });

      const [decision] = diffListing({
        listed: [],
        stored: storedMap(stored(before, 3)),
        baseline: false,
        progressStep: step,
      });

      expect(decision).toMatchObject({
        kind: 'change',
        changeType: 'TaskDisappeared',
        previous: { phase: 'running', state: 'active' },
        current: { phase: 'unknown', state: 'active' },
        gone: true,
        expectedVersion: 3,
      });
    });

    it('is a silent ageing-out when it had finished', () => {
      const before = aTask({ state: 'completed', phase: 'succeeded' });

      const decisions = diffListing({
        listed: [],
        stored: storedMap(stored(before, 4)),
        baseline: false,
        progressStep: step,
      });

      expect(decisions).toEqual([
        { kind: 'silent', reason: 'aged-out', task: before, gone: true, expectedVersion: 4 },
      ]);
    });

    it('is not judged when the listing could not identify every object', () => {
      const before = aTask({ state: 'active', phase: 'running' });

      expect(
        diffListing({
          listed: [],
          stored: storedMap(stored(before)),
          baseline: false,
          progressStep: step,
          judgeAbsent: false,
        }),
      ).toEqual([]);
    });

    it('is nothing once it is already marked gone', () => {
      const before = aTask({ phase: 'unknown' });

      expect(
        diffListing({
          listed: [],
          stored: storedMap(stored(before, 2, true)),
          baseline: false,
          progressStep: step,
        }),
      ).toEqual([]);
    });

    it('is TaskStateChanged from unknown when a disappeared task comes back', () => {
      const disappeared = aTask({ phase: 'unknown' });

      const [decision] = diffListing({
        listed: [aTask({ phase: 'running' })],
        stored: storedMap(stored(disappeared, 2, true)),
        baseline: false,
        progressStep: step,
      });

      expect(decision).toMatchObject({
        changeType: 'TaskStateChanged',
        previous: { phase: 'unknown' },
        current: { phase: 'running' },
        gone: false,
      });
    });
  });

  it('judges a task listed twice (across pages) once', () => {
    const task = aTask();

    expect(
      diffListing({ listed: [task, task], stored: new Map(), baseline: false, progressStep: step }),
    ).toHaveLength(1);
  });
});

describe('progressBucket', () => {
  it.each([
    [null, 0],
    [0, 0],
    [24, 0],
    [25, 1],
    [99, 3],
    [100, 4],
  ])('puts %p in step %p of 25', (progress, bucket) => {
    expect(progressBucket(progress, 25)).toBe(bucket);
  });
});
