// Why: a stall must be told once, only when the task really stood still (the stored progress may
// lag the listing's within a step), and its end must say how long it lasted; and what the listing's
// state keeps must be enough to know, without the snapshots, when to look again.
import type { StoredTask } from '../../../lambdas/domain/changes';
import {
  isSameWatch,
  isWatchQuiet,
  judgeStillTasks,
  observationFields,
  stallWatchOf,
} from '../../../lambdas/domain/stall';
import type { Task } from '../../../lambdas/domain/task';
import { aTask, storedMap } from '../../support/tasks';

const SINCE = '2026-12-02T10:00:00.000Z';
const minutesAfter = (minutes: number) => new Date(Date.parse(SINCE) + minutes * 60_000);

function snapshot(task: Task, extra: Partial<StoredTask> = {}): StoredTask {
  return { task, version: 3, gone: false, stateSince: SINCE, stillSince: SINCE, writtenAt: SINCE, ...extra };
}

function judge(listed: Task, stored: StoredTask, minutes: number, afterMinutes: number | 'off' = 60) {
  return judgeStillTasks({
    listed: [listed],
    stored: storedMap(stored),
    decided: new Set(),
    afterMinutes: afterMinutes === 'off' ? undefined : afterMinutes,
    detectedAt: minutesAfter(minutes),
  });
}

describe('judgeStillTasks', () => {
  const task = aTask({ progress: 45 });

  it('reports a running task still for stallAfter once, with since when', () => {
    expect(judge(task, snapshot(task), 59)).toEqual([]);
    const [stalled] = judge(task, snapshot(task), 190);

    expect(stalled).toMatchObject({
      kind: 'change',
      changeType: 'TaskStalled',
      expectedVersion: 3,
      stall: { stillSince: SINCE, stillForSeconds: 190 * 60 },
    });
    // Already stalled and not moved: nothing more.
    expect(judge(task, snapshot(task, { stalledAt: minutesAfter(60).toISOString() }), 300)).toEqual([]);
  });

  it('records a move within a progress step silently instead of a stall', () => {
    const [moved] = judge(aTask({ progress: 47 }), snapshot(task), 61);

    expect(moved).toMatchObject({ kind: 'silent', reason: 'moved', task: { progress: 47 } });
  });

  it('tells a stalled task that moved within a step, with the stall it ends', () => {
    const stalledAt = minutesAfter(60).toISOString();
    const [change] = judge(aTask({ progress: 46 }), snapshot(task, { stalledAt }), 190);

    expect(change).toMatchObject({
      changeType: 'TaskProgressed',
      previous: { progress: 45 },
      current: { progress: 46 },
      stall: { stillSince: SINCE, stillForSeconds: 190 * 60, stalledAt },
    });
  });

  it('leaves alone tasks the diff decided, tasks not running, missing progress, and types turned off', () => {
    const pending = aTask({ phase: 'pending', state: 'pending' });
    expect(judge(pending, snapshot(pending), 500)).toEqual([]);
    expect(judge(aTask({ progress: null }), snapshot(task), 500)).toMatchObject([
      { changeType: 'TaskStalled' },
    ]);
    expect(judge(task, snapshot(task), 500, 'off')).toEqual([]);
    expect(
      judgeStillTasks({
        listed: [task],
        stored: storedMap(snapshot(task)),
        decided: new Set([task.taskId]),
        afterMinutes: 60,
        detectedAt: minutesAfter(500),
      }),
    ).toEqual([]);
  });

  it("counts an older release's snapshot as still since its last write", () => {
    const old = { task, version: 1, gone: false, writtenAt: SINCE };

    expect(judge(task, old, 61)).toMatchObject([{ changeType: 'TaskStalled', stall: { stillSince: SINCE } }]);
  });
});

describe('observationFields', () => {
  const task = aTask({ progress: 45 });
  const now = minutesAfter(200);
  const change = (listed: Task, changeType: 'TaskProgressed' | 'TaskStateChanged' = 'TaskProgressed') => ({
    kind: 'change' as const,
    changeType,
    previous: null,
    current: { ...listed },
    task: listed,
    gone: false,
    expectedVersion: 3,
    stateSince: SINCE,
  });

  it('keeps stillSince while the values stay, starts it again when they move', () => {
    const stalled = observationFields(
      snapshot(task, { progressAnchor: { at: SINCE, progress: 5 } }),
      { ...change(task), changeType: 'TaskStalled' },
      now,
    );
    expect(stalled).toMatchObject({ stillSince: SINCE, stalledAt: now.toISOString() });
    // No estimate while stalled, though the anchor would give one.
    expect(stalled.estimatedCompletion).toBeUndefined();
    expect(observationFields(snapshot(task), change(aTask({ progress: 50 })), now).stillSince).toBe(
      now.toISOString(),
    );
    expect(observationFields(undefined, change(task), now).stillSince).toBe(now.toISOString());
  });

  it("gives the change that moves a stalled task the stall's duration, and clears the stall", () => {
    const stalledAt = minutesAfter(60).toISOString();
    const fields = observationFields(snapshot(task, { stalledAt }), change(aTask({ progress: 80 })), now);

    expect(fields.stall).toEqual({ stillSince: SINCE, stillForSeconds: 200 * 60, stalledAt });
    expect(fields.stalledAt).toBeUndefined();
  });

  it('anchors progress on the first write and estimates completion once minutes are observed', () => {
    const first = observationFields(undefined, change(aTask({ progress: 20 })), minutesAfter(0));
    expect(first.progressAnchor).toEqual({ at: SINCE, progress: 20 });
    expect(first.estimatedCompletion).toBeUndefined();

    const later = observationFields(
      snapshot(aTask({ progress: 20 }), { progressAnchor: first.progressAnchor }),
      change(aTask({ progress: 50 })),
      minutesAfter(30),
    );
    expect(later.progressAnchor).toEqual(first.progressAnchor);
    expect(later.estimatedCompletion).toBe(minutesAfter(80).toISOString());
  });
});

describe('the stall watch', () => {
  const running = (id: string, progress: number, extra: Partial<StoredTask> = {}) =>
    snapshot(aTask({ taskId: id, progress }), extra);

  it('keeps the earliest due time of running, unstalled tasks and the progress of stalled ones', () => {
    const watch = stallWatchOf(
      [
        running('a', 10, { stillSince: minutesAfter(30).toISOString() }),
        running('b', 20),
        running('c', 30, { stalledAt: minutesAfter(60).toISOString() }),
        running('d', 40, { gone: true }),
        snapshot(aTask({ taskId: 'e', phase: 'succeeded', state: 'completed' })),
      ],
      60,
    );

    expect(watch).toEqual({ afterMinutes: 60, dueAt: minutesAfter(60).toISOString(), stalled: { c: 30 } });
    expect(stallWatchOf([running('a', 10)], undefined)).toBeUndefined();
    expect(stallWatchOf([], 60)).toEqual({ afterMinutes: 60 });
  });

  it('is quiet until a stall is due, a stalled task moves, or stallAfter changes', () => {
    const watch = { afterMinutes: 60, dueAt: minutesAfter(60).toISOString(), stalled: { c: 30 } };
    const listed = [aTask({ taskId: 'b', progress: 20 }), aTask({ taskId: 'c', progress: 30 })];

    expect(isWatchQuiet(watch, listed, 60, minutesAfter(59))).toBe(true);
    expect(isWatchQuiet(watch, listed, 60, minutesAfter(60))).toBe(false);
    expect(isWatchQuiet(watch, [aTask({ taskId: 'c', progress: 31 })], 60, minutesAfter(1))).toBe(false);
    expect(isWatchQuiet(watch, [aTask({ taskId: 'c', progress: null })], 60, minutesAfter(1))).toBe(true);
    expect(isWatchQuiet(watch, listed, 90, minutesAfter(1))).toBe(false);
    expect(isWatchQuiet(undefined, listed, undefined, minutesAfter(1))).toBe(true);
    expect(isWatchQuiet(undefined, listed, 60, minutesAfter(1))).toBe(false);
  });

  it('compares watches by value, whatever the order of their keys', () => {
    const a = { afterMinutes: 60, dueAt: SINCE, stalled: { x: 1, y: null } };
    const b = { stalled: { y: null, x: 1 }, dueAt: SINCE, afterMinutes: 60 };

    expect(isSameWatch(a, b)).toBe(true);
    expect(isSameWatch(a, { ...b, stalled: { x: 2, y: null } })).toBe(false);
    expect(isSameWatch(undefined, undefined)).toBe(true);
    expect(isSameWatch(a, undefined)).toBe(false);
  });
});
