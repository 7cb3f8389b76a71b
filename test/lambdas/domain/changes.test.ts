import {
  type DetectedChange,
  diffListing,
  type ListingDecision,
  progressBucket,
  type StoredTask,
} from '../../../lambdas/domain/changes';
import { statusOf, type Task } from '../../../lambdas/domain/task';
import { aTask, stored, storedMap } from '../../support/tasks';

const step = 25;
/** The poll that reads the listing under test. */
const detectedAt = new Date('2026-11-23T08:00:00.000Z');
const NOW = detectedAt.toISOString();
/** When a stored state was first observed: 1 h 5 min before the poll. */
const EARLIER = '2026-11-23T06:55:00.000Z';

describe('diffListing', () => {
  describe('a task seen for the first time', () => {
    it('is TaskDiscovered when it is not finished', () => {
      const task = aTask({ phase: 'pending', state: 'active', statusMessage: 'pending' });

      const decisions = diffListing({
        listed: [task],
        stored: new Map(),
        baseline: false,
        progressStep: step,
        detectedAt,
      });

      expect(decisions).toEqual([
        {
          kind: 'change',
          changeType: 'TaskDiscovered',
          previous: null,
          current: { state: 'active', phase: 'pending', progress: 28, statusMessage: 'pending', since: NOW },
          task,
          gone: false,
          expectedVersion: 0,
          stateSince: NOW,
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
        detectedAt,
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
        detectedAt,
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
        detectedAt,
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
        detectedAt,
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
        detectedAt,
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
        detectedAt,
      });
      const crossing = diffListing({
        listed: [aTask({ progress: 50 })],
        stored: storedMap(stored(before)),
        baseline: false,
        progressStep: step,
        detectedAt,
      });

      expect(within).toEqual([]);
      expect(crossing).toHaveLength(1);
      expect(crossing[0]).toMatchObject({
        changeType: 'TaskProgressed',
        previous: { progress: 26 },
        current: { progress: 50 },
      });
    });

    it('keeps the last known progress when EC2 leaves it out: 60 → (none) → 61 is no change', () => {
      const at60 = aTask({ progress: 60 });
      const missing = aTask({ progress: null });

      const first = diffListing({
        listed: [missing],
        stored: storedMap(stored(at60)),
        baseline: false,
        progressStep: step,
        detectedAt,
      });
      const second = diffListing({
        listed: [aTask({ progress: 61 })],
        stored: storedMap(stored(at60)),
        baseline: false,
        progressStep: step,
        detectedAt,
      });

      expect(first).toEqual([]);
      expect(second).toEqual([]);
    });

    it('records the last known progress with another change while EC2 leaves it out', () => {
      const [decision] = diffListing({
        listed: [aTask({ progress: null, statusMessage: 'updating' })],
        stored: storedMap(stored(aTask({ progress: 60, statusMessage: 'converting' }))),
        baseline: false,
        progressStep: step,
        detectedAt,
      });

      expect(decision).toMatchObject({
        changeType: 'TaskProgressed',
        current: { progress: 60, statusMessage: 'updating' },
        task: { progress: 60 },
      });
    });

    it('drops the progress of a task that has just finished without one', () => {
      const [decision] = diffListing({
        listed: [aTask({ state: 'completed', phase: 'succeeded', progress: null })],
        stored: storedMap(stored(aTask({ progress: 60 }))),
        baseline: false,
        progressStep: step,
        detectedAt,
      });

      expect(decision).toMatchObject({ changeType: 'TaskStateChanged', current: { progress: null } });
    });

    it('honours another progress step', () => {
      const before = aTask({ progress: 10 });

      const decisions = diffListing({
        listed: [aTask({ progress: 20 })],
        stored: storedMap(stored(before)),
        baseline: false,
        progressStep: 10,
        detectedAt,
      });

      expect(decisions).toHaveLength(1);
    });

    it('is nothing at all when the same state is polled again', () => {
      const task = aTask();

      expect(
        diffListing({
          listed: [task],
          stored: storedMap(stored(task)),
          baseline: false,
          progressStep: step,
          detectedAt,
        }),
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
        detectedAt,
      });

      expect(decision).toMatchObject({
        changeType: 'TaskProgressed',
        current: { state: 'deleted', phase: 'failed' },
      });
    });
  });

  describe('a stored task absent from a complete listing', () => {
    it('is TaskDisappeared when it had not finished and its misses reach the threshold, and its snapshot is marked gone', () => {
      const before = aTask({ state: 'active', phase: 'running' });

      const [decision] = diffListing({
        listed: [],
        stored: storedMap({ ...stored(before, 3), misses: 1 }),
        baseline: false,
        progressStep: step,
        detectedAt,
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
        detectedAt,
      });

      expect(decisions).toEqual([
        { kind: 'silent', reason: 'aged-out', task: before, gone: true, expectedVersion: 4 },
      ]);
    });

    // Changed by review finding B8: a spared task's count of misses is reset (one silent write
    // when it has one), since its misses are no longer consecutive listings that judged it.
    it('is not judged when an object the listing could not identify could be it, and its misses start again', () => {
      const before = aTask({ state: 'active', phase: 'running', resources: { imageId: 'ami-1' } });

      for (const unidentified of [[{}], [{ imageId: 'ami-1' }], [{ bucket: 'other' }]]) {
        const judge = (misses?: number) =>
          diffListing({
            listed: [],
            stored: storedMap({ ...stored(before, 2), ...(misses ? { misses } : {}) }),
            baseline: false,
            progressStep: step,
            detectedAt,
            unidentified,
          });
        expect(judge()).toEqual([]);
        expect(judge(1)).toEqual([
          { kind: 'silent', reason: 'spared', task: before, gone: false, expectedVersion: 2 },
        ]);
      }
    });

    it('is declared disappeared only after consecutive misses: a spared listing breaks the run', () => {
      const before = aTask({ state: 'active', phase: 'running', resources: { imageId: 'ami-1' } });
      let snapshot: StoredTask = stored(before, 1);
      const changes: string[] = [];
      for (const unidentified of [[], [{}], [], []]) {
        for (const decision of diffListing({
          listed: [],
          stored: storedMap(snapshot),
          baseline: false,
          progressStep: step,
          detectedAt,
          unidentified,
        })) {
          changes.push(decision.kind === 'change' ? decision.changeType : decision.reason);
          snapshot = {
            task: decision.task,
            version: snapshot.version + 1,
            gone: decision.gone,
            ...(decision.kind === 'silent' && decision.misses ? { misses: decision.misses } : {}),
          };
        }
      }

      // Missed, spared (count reset), missed, then the second consecutive miss.
      expect(changes).toEqual(['missed', 'spared', 'missed', 'TaskDisappeared']);
    });

    it('is judged when every object the listing could not identify names other resources', () => {
      const mine = aTask({ taskId: 'import-ami-1', resources: { imageId: 'ami-1', bucket: 'b' } });
      const other = aTask({ taskId: 'import-ami-2', resources: { imageId: 'ami-2' } });

      const decisions = diffListing({
        listed: [],
        stored: storedMap({ ...stored(mine), misses: 1 }, { ...stored(other), misses: 1 }),
        baseline: false,
        progressStep: step,
        detectedAt,
        unidentified: [{ imageId: 'ami-2' }],
      });

      // The other one is spared, its count of misses reset (review finding B8).
      expect(decisions.map((d) => [d.task.taskId, d.kind === 'change' ? d.changeType : d.reason])).toEqual([
        ['import-ami-1', 'TaskDisappeared'],
        ['import-ami-2', 'spared'],
      ]);
    });

    it('counts a miss silently below the threshold, and is TaskDisappeared at it', () => {
      const before = aTask({ state: 'active', phase: 'running' });
      const judge = (misses: number | undefined, disappearAfterMisses: number) =>
        diffListing({
          listed: [],
          stored: storedMap({ ...stored(before, 5, false, EARLIER), ...(misses ? { misses } : {}) }),
          baseline: false,
          progressStep: step,
          detectedAt,
          disappearAfterMisses,
        });

      expect(judge(undefined, 2)).toEqual([
        {
          kind: 'silent',
          reason: 'missed',
          task: before,
          gone: false,
          expectedVersion: 5,
          stateSince: EARLIER,
          misses: 1,
        },
      ]);
      expect(judge(1, 3)).toMatchObject([{ kind: 'silent', reason: 'missed', misses: 2 }]);
      expect(judge(2, 3)).toMatchObject([{ kind: 'change', changeType: 'TaskDisappeared', gone: true }]);
      expect(judge(undefined, 1)).toMatchObject([{ kind: 'change', changeType: 'TaskDisappeared' }]);
    });

    it('emits nothing when a missed task is back before the threshold, only clears its count', () => {
      const task = aTask();

      const [decision, ...rest] = diffListing({
        listed: [task],
        stored: storedMap({ ...stored(task, 6, false, EARLIER), misses: 1 }),
        baseline: false,
        progressStep: step,
        detectedAt,
      });

      expect(rest).toEqual([]);
      expect(decision).toEqual({
        kind: 'silent',
        reason: 'returned',
        task,
        gone: false,
        expectedVersion: 6,
        stateSince: EARLIER,
      });
    });

    it('reports what changed while a task was missed, and clears its count', () => {
      const [decision] = diffListing({
        listed: [aTask({ state: 'completed', phase: 'succeeded', progress: null })],
        stored: storedMap({ ...stored(aTask(), 6), misses: 1 }),
        baseline: false,
        progressStep: step,
        detectedAt,
      });

      expect(decision).toMatchObject({ kind: 'change', changeType: 'TaskStateChanged', expectedVersion: 6 });
      expect(decision).not.toHaveProperty('misses');
    });

    it('is nothing once it is already marked gone', () => {
      const before = aTask({ phase: 'unknown' });

      expect(
        diffListing({
          listed: [],
          stored: storedMap(stored(before, 2, true)),
          baseline: false,
          progressStep: step,
          detectedAt,
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
        detectedAt,
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
      diffListing({
        listed: [task, task],
        stored: new Map(),
        baseline: false,
        progressStep: step,
        detectedAt,
      }),
    ).toHaveLength(1);
  });
});

describe('diffListing: since when a state was observed', () => {
  /** The one decision for `listed` against `snapshot`. */
  function decide(listed: Task[], snapshot?: StoredTask, baseline = false): ListingDecision {
    const decisions = diffListing({
      listed,
      stored: snapshot ? storedMap(snapshot) : new Map(),
      baseline,
      progressStep: step,
      detectedAt,
    });
    expect(decisions).toHaveLength(1);
    return decisions[0]!;
  }

  function asChange(decision: ListingDecision): DetectedChange {
    if (decision.kind !== 'change') throw new Error(`expected a change, got ${decision.reason}`);
    return decision;
  }

  describe('a task seen for the first time is in its state since this poll', () => {
    it('when discovered running', () => {
      const change = asChange(decide([aTask()]));

      expect(change.previous).toBeNull();
      expect(change.current.since).toBe(NOW);
      expect(change.stateSince).toBe(NOW);
    });

    it('when first seen already finished', () => {
      const change = asChange(decide([aTask({ state: 'completed', phase: 'succeeded', progress: null })]));

      expect(change.current.since).toBe(NOW);
      expect(change.stateSince).toBe(NOW);
    });

    it('when recorded silently by the baseline', () => {
      const decision = decide([aTask({ state: 'completed', phase: 'succeeded' })], undefined, true);

      expect(decision).toMatchObject({ kind: 'silent', reason: 'baseline-terminal', stateSince: NOW });
    });
  });

  describe('a new state starts now, and the previous one carries the time it began', () => {
    it('on a phase change (running -> succeeded)', () => {
      const before = aTask({ state: 'active', phase: 'running' });
      const after = aTask({ state: 'completed', phase: 'succeeded', progress: null, statusMessage: null });

      const change = asChange(decide([after], stored(before, 7, false, EARLIER)));

      expect(change.previous).toEqual({ ...statusOf(before), since: EARLIER });
      expect(change.current).toEqual({ ...statusOf(after), since: NOW });
      expect(change.stateSince).toBe(NOW);
    });

    it('on a raw state change within the phase (bundling -> storing)', () => {
      const before = aTask({ taskType: 'bundle', taskId: 'bun-1', state: 'bundling', statusMessage: null });
      const after = { ...before, state: 'storing' };

      const change = asChange(decide([after], stored(before, 3, false, EARLIER)));

      expect(change).toMatchObject({
        changeType: 'TaskProgressed',
        previous: { state: 'bundling', since: EARLIER },
        current: { state: 'storing', since: NOW },
        stateSince: NOW,
      });
    });

    it('on a phase change with the same raw state (deleting, then its error makes it failed)', () => {
      const before = aTask({ state: 'deleting', phase: 'running', statusMessage: null });
      const after = aTask({
        state: 'deleting',
        phase: 'failed',
        statusMessage: 'ClientError: Disk validation failed',
      });

      const change = asChange(decide([after], stored(before, 3, false, EARLIER)));

      expect(change).toMatchObject({
        changeType: 'TaskStateChanged',
        previous: { since: EARLIER },
        current: { since: NOW },
      });
    });

    it('when the task disappears: phase unknown starts now', () => {
      const before = aTask({ state: 'active', phase: 'running' });

      const change = asChange(decide([], { ...stored(before, 3, false, EARLIER), misses: 1 }));

      expect(change).toMatchObject({
        changeType: 'TaskDisappeared',
        previous: { phase: 'running', since: EARLIER },
        current: { phase: 'unknown', since: NOW },
        stateSince: NOW,
      });
      expect(change.task).not.toHaveProperty('since');
    });

    it('when a disappeared task comes back', () => {
      const disappeared = aTask({ phase: 'unknown' });

      const change = asChange(decide([aTask({ phase: 'running' })], stored(disappeared, 2, true, EARLIER)));

      expect(change.previous?.since).toBe(EARLIER);
      expect(change.current.since).toBe(NOW);
    });
  });

  describe('a change within the state keeps the time the state began', () => {
    it('when progress crosses a step', () => {
      const before = aTask({ progress: 26 });

      const change = asChange(decide([aTask({ progress: 50 })], stored(before, 3, false, EARLIER)));

      expect(change).toMatchObject({
        changeType: 'TaskProgressed',
        previous: { progress: 26, since: EARLIER },
        current: { progress: 50, since: EARLIER },
        stateSince: EARLIER,
      });
    });

    it('when only the status message changes (converting -> updating)', () => {
      const before = aTask({ statusMessage: 'converting' });

      const change = asChange(
        decide([aTask({ statusMessage: 'updating' })], stored(before, 3, false, EARLIER)),
      );

      expect(change.current).toMatchObject({ statusMessage: 'updating', since: EARLIER });
      expect(change.stateSince).toBe(EARLIER);
    });

    it('when a finished task ages out, or comes back to the listing unchanged', () => {
      const finished = aTask({ state: 'completed', phase: 'succeeded' });

      const agedOut = decide([], stored(finished, 4, false, EARLIER));
      const relisted = decide([finished], stored(finished, 5, true, EARLIER));

      expect(agedOut).toMatchObject({ kind: 'silent', reason: 'aged-out', stateSince: EARLIER });
      expect(relisted).toMatchObject({ kind: 'silent', reason: 'relisted', stateSince: EARLIER });
    });
  });

  describe('a snapshot written before the time was kept', () => {
    it('gives no since for the previous status, and a new state starts now', () => {
      const before = aTask({ state: 'active', phase: 'running' });
      const after = aTask({ state: 'completed', phase: 'succeeded', progress: null });

      const change = asChange(decide([after], stored(before, 7)));

      expect(change.previous).toEqual(statusOf(before));
      expect(change.previous).not.toHaveProperty('since');
      expect(change.current.since).toBe(NOW);
      expect(change.stateSince).toBe(NOW);
    });

    it('keeps the time unknown through a change within the state rather than guessing it', () => {
      const before = aTask({ progress: 26 });

      const change = asChange(decide([aTask({ progress: 50 })], stored(before, 7)));

      expect(change.previous).not.toHaveProperty('since');
      expect(change.current).not.toHaveProperty('since');
      expect(change.stateSince).toBeUndefined();
    });
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

describe('diffListing: a baseline that does not trust every stored snapshot', () => {
  const REBASELINE = '2026-11-23T07:59:00.000Z';
  const STALE = '2026-10-01T00:00:00.000Z';
  const rebaseline = (listed: Task[], ...snapshots: StoredTask[]) =>
    diffListing({
      listed,
      stored: storedMap(...snapshots),
      baseline: true,
      untrustedBefore: REBASELINE,
      progressStep: step,
      detectedAt,
    });
  const describeDecisions = (decisions: ListingDecision[]) =>
    decisions.map((d) => [d.task.taskId, d.kind === 'change' ? d.changeType : d.reason, d.expectedVersion]);

  it('judges a task whose snapshot predates the re-baseline as first seen: discovered when running, silent when finished', () => {
    const running = aTask({ taskId: 'import-ami-run' });
    const finished = aTask({
      taskId: 'import-ami-done',
      state: 'completed',
      phase: 'succeeded',
      progress: null,
    });
    const staleRunning = {
      ...stored(aTask({ taskId: 'import-ami-run', progress: 10 }), 4),
      writtenAt: STALE,
    };
    const staleFinished = { ...stored(aTask({ taskId: 'import-ami-done' }), 7), writtenAt: STALE };

    const decisions = rebaseline([running, finished], staleRunning, staleFinished);

    expect(describeDecisions(decisions)).toEqual([
      ['import-ami-run', 'TaskDiscovered', 4],
      ['import-ami-done', 'baseline-terminal', 7],
    ]);
    expect(decisions[0]).toMatchObject({ previous: null });
  });

  it('retires a stale snapshot of a task no longer listed, silently, instead of calling it disappeared', () => {
    const vanished = { ...stored(aTask({ taskId: 'import-ami-old' }), 3), writtenAt: STALE, misses: 1 };

    const decisions = rebaseline([], vanished);

    expect(decisions).toMatchObject([{ kind: 'silent', reason: 'stale', gone: true, expectedVersion: 3 }]);
  });

  it('trusts what the re-baseline itself wrote before a retry: nothing discovered twice', () => {
    const task = aTask();

    expect(rebaseline([task], { ...stored(task, 5), writtenAt: REBASELINE })).toEqual([]);
  });

  it('judges only the unsettled tasks of an earlier baseline as in a baseline, the others normally', () => {
    const unsettled = aTask({ taskId: 'import-ami-unsettled', state: 'completed', phase: 'succeeded' });
    const news = aTask({ taskId: 'import-ami-new', state: 'deleted', phase: 'failed' });

    const decisions = diffListing({
      listed: [unsettled, news],
      stored: new Map(),
      baseline: false,
      unsettled: new Set(['import-ami-unsettled']),
      progressStep: step,
      detectedAt,
    });

    expect(describeDecisions(decisions)).toEqual([
      ['import-ami-unsettled', 'baseline-terminal', 0],
      ['import-ami-new', 'TaskStateChanged', 0],
    ]);
  });
});
