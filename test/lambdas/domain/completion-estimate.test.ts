// Why: an estimate people plan around must be withheld rather than wrong when the observations
// cannot support one (too few minutes, no forward move, progress going back), and the anchor it
// rests on must only move when the run it measures restarts.
import {
  anchorAfter,
  estimateCompletion,
  MIN_OBSERVED_MS,
} from '../../../lambdas/domain/completion-estimate';
import { statusOf } from '../../../lambdas/domain/task';
import { aTask } from '../../support/tasks';

const T0 = new Date('2026-12-02T14:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const anchor = { at: T0.toISOString(), progress: 20 };

describe('estimateCompletion', () => {
  it('extrapolates the rate since the anchor to what is left', () => {
    // 20 % -> 40 % in 10 min: 2 %/min, 60 % left: 30 min after the latest observation.
    expect(estimateCompletion(anchor, { at: at(10), progress: 40, phase: 'running' })).toBe(
      '2026-12-02T14:40:00.000Z',
    );
  });

  it.each([
    ['too few minutes observed', { at: new Date(T0.getTime() + MIN_OBSERVED_MS - 1), progress: 40 }],
    ['no forward move (rate zero)', { at: at(30), progress: 20 }],
    ['progress below the anchor (not monotonic)', { at: at(30), progress: 10 }],
    ['no progress reported', { at: at(30), progress: null }],
    ['done already', { at: at(30), progress: 100 }],
    ['so slow it is more than 30 days away', { at: at(60 * 24 * 10), progress: 21 }],
  ])('is withheld with %s', (_name, latest) => {
    expect(estimateCompletion(anchor, { ...latest, phase: 'running' })).toBeUndefined();
  });

  it('is withheld without an anchor and for a finished task', () => {
    expect(estimateCompletion(undefined, { at: at(10), progress: 40, phase: 'running' })).toBeUndefined();
    expect(estimateCompletion(anchor, { at: at(10), progress: 40, phase: 'failed' })).toBeUndefined();
  });
});

describe('anchorAfter', () => {
  const running = (progress: number | null, phase: 'running' | 'pending' | 'succeeded' = 'running') =>
    statusOf(aTask({ progress, phase }));

  it('starts at the first progress seen and keeps it while progress moves forward', () => {
    const first = anchorAfter(undefined, undefined, running(20), T0);
    expect(first).toEqual(anchor);
    expect(anchorAfter(first, running(20), running(35), at(10))).toBe(first);
  });

  it('starts again when progress goes back or the task leaves pending', () => {
    expect(anchorAfter(anchor, running(30), running(5), at(10))).toEqual({
      at: at(10).toISOString(),
      progress: 5,
    });
    expect(anchorAfter(anchor, running(20, 'pending'), running(22), at(10))).toEqual({
      at: at(10).toISOString(),
      progress: 22,
    });
  });

  it('keeps the anchor through a missing value and drops it once the task finished', () => {
    expect(anchorAfter(anchor, running(30), running(null), at(10))).toBe(anchor);
    expect(anchorAfter(anchor, running(30), running(null, 'succeeded'), at(10))).toBeUndefined();
    expect(anchorAfter(undefined, undefined, running(null), at(10))).toBeUndefined();
  });
});
