// The quota's pure rules: which listings count, what in use means, where the warning starts, and
// that a level is crossed once however many polls it stays there.
import {
  countInUse,
  emptyQuotaState,
  inUseByGroup,
  isQuotaEvent,
  levelOf,
  quotaCrossings,
  type QuotaObservation,
  quotaSummary,
  quotaWarningShareOf,
  type UnitQuotaState,
  warningCount,
  watchedQuotaGroups,
} from '../../../lambdas/domain/quota';
import type { Phase } from '../../../lambdas/domain/phase';

const tasks = (...phases: Phase[]) => phases.map((phase) => ({ phase }));
const LIMITS: QuotaObservation['limits'] = new Map([
  ['vm-image-tasks', { value: 20, source: 'service-quotas' }],
  ['vm-conversion-tasks', { value: 5, source: 'documented-default' }],
]);

function observe(counts: Record<string, number>, at = '2026-12-02T12:00:00.000Z'): QuotaObservation {
  return {
    account: '123456789012',
    region: 'us-east-1',
    counts: new Map(Object.entries(counts)) as QuotaObservation['counts'],
    limits: LIMITS,
    share: 0.8,
    detectedAt: new Date(at),
  };
}

/** Applies the crossings to the state as the poll does once they are written. */
function apply(state: UnitQuotaState, observation: QuotaObservation) {
  const crossings = quotaCrossings(state, observation);
  for (const crossing of crossings) {
    state.version += 1;
    state.levels.set(crossing.group.name, crossing.level);
  }
  return crossings;
}

describe('counting', () => {
  it('counts pending and running tasks only: a finished task frees its slot', () => {
    expect(
      countInUse(tasks('pending', 'running', 'running', 'succeeded', 'failed', 'cancelled', 'unknown')),
    ).toBe(3);
  });

  it('adds the listings of a group: import-image, import-snapshot and export-image share one quota', () => {
    const counts = inUseByGroup([
      { taskType: 'import-image', inUse: 10 },
      { taskType: 'import-snapshot', inUse: 4 },
      { taskType: 'export-image', inUse: 3 },
      { taskType: 'conversion', inUse: 2 },
      { taskType: 'export-instance', inUse: 1 },
      { taskType: 'bundle', inUse: 7 },
    ]);
    expect(counts).toEqual(
      new Map([
        ['vm-image-tasks', 17],
        ['vm-conversion-tasks', 3],
      ]),
    );
  });

  it('skips a group when one of its listings was not read completely, or not polled at all', () => {
    const counts = inUseByGroup([
      { taskType: 'import-image', inUse: 10 },
      { taskType: 'import-snapshot', inUse: undefined },
      { taskType: 'export-image', inUse: 3 },
      { taskType: 'conversion', inUse: 2 },
    ]);
    expect(counts).toEqual(new Map());
  });

  it('watches the groups whose every task type is polled', () => {
    expect(
      watchedQuotaGroups(['import-image', 'import-snapshot', 'export-image']).map((group) => group.name),
    ).toEqual(['vm-image-tasks']);
    expect(watchedQuotaGroups(['import-image', 'conversion'])).toEqual([]);
  });
});

describe('the warning', () => {
  it('starts at the share of the limit, rounded up', () => {
    expect(warningCount(20, 0.8)).toBe(16);
    expect(warningCount(5, 0.8)).toBe(4);
    expect(warningCount(5, 0.5)).toBe(3);
    expect(warningCount(20, 1)).toBe(20);
    expect(levelOf(15, 20, 0.8)).toBe('available');
    expect(levelOf(16, 20, 0.8)).toBe('nearly-exhausted');
  });

  it.each([
    ['0.8', 0.8],
    [0.5, 0.5],
    ['1', 1],
    [' off ', undefined],
  ])('reads the share %j', (value, share) => {
    expect(quotaWarningShareOf(value)).toBe(share);
  });

  it.each([0, '0', 1.5, '-0.2', 'eighty', '', null, '80%'])('refuses the share %j', (value) => {
    expect(() => quotaWarningShareOf(value)).toThrow(RangeError);
  });
});

describe('crossings', () => {
  it('publishes one QuotaNearlyExhausted at the share, nothing while it stays there, one QuotaAvailable below it', () => {
    const state = emptyQuotaState();
    expect(apply(state, observe({ 'vm-image-tasks': 15 }))).toEqual([]);
    const [warning] = apply(state, observe({ 'vm-image-tasks': 16 }));
    expect(warning?.event).toMatchObject({
      changeType: 'QuotaNearlyExhausted',
      quota: { name: 'vm-image-tasks', inUse: 16, limit: 20, usedShare: 0.8, warningShare: 0.8 },
    });
    expect(apply(state, observe({ 'vm-image-tasks': 19 }))).toEqual([]);
    expect(apply(state, observe({ 'vm-image-tasks': 16 }))).toEqual([]);
    const [cleared] = apply(state, observe({ 'vm-image-tasks': 15 }));
    expect(cleared?.event.changeType).toBe('QuotaAvailable');
    expect(apply(state, observe({ 'vm-image-tasks': 0 }))).toEqual([]);
    expect(state.version).toBe(2);
  });

  it('writes nothing for a unit with nothing running and no level recorded', () => {
    expect(
      quotaCrossings(emptyQuotaState(), observe({ 'vm-image-tasks': 0, 'vm-conversion-tasks': 0 })),
    ).toEqual([]);
  });

  it('numbers the crossings of one poll one after the other, each with its own event id', () => {
    const crossings = quotaCrossings(
      { levels: new Map(), version: 7 },
      observe({ 'vm-image-tasks': 20, 'vm-conversion-tasks': 4 }),
    );
    expect(crossings.map((crossing) => crossing.group.name)).toEqual([
      'vm-image-tasks',
      'vm-conversion-tasks',
    ]);
    expect(new Set(crossings.map((crossing) => crossing.event.eventId)).size).toBe(2);
    // The same crossing judged again (a retry after a lost write) has the same id.
    expect(
      quotaCrossings({ levels: new Map(), version: 7 }, observe({ 'vm-image-tasks': 20 }))[0]?.event.eventId,
    ).toBe(crossings[0]?.event.eventId);
  });

  it('leaves a group without a limit alone', () => {
    expect(
      quotaCrossings(emptyQuotaState(), { ...observe({ 'vm-image-tasks': 20 }), limits: new Map() }),
    ).toEqual([]);
  });

  it('says it in one line, and its event is recognised', () => {
    const [crossing] = quotaCrossings(emptyQuotaState(), observe({ 'vm-image-tasks': 17 }));
    expect(quotaSummary(crossing!.event)).toBe(
      'us-east-1: 17 of 20 concurrent VM import/export image tasks in use (85 %)',
    );
    expect(isQuotaEvent(JSON.parse(JSON.stringify(crossing!.event)))).toBe(true);
    expect(isQuotaEvent({ ...crossing!.event, quota: { ...crossing!.event.quota, name: 'other' } })).toBe(
      false,
    );
  });
});
