// The re-baseline rule at the resolution of its heartbeat, with the poll's time as an input.
import {
  type ListingMarker,
  markerAfterListing,
  MAX_TRUST_WINDOW_MS,
  planListing,
  rebaselineStarted,
  trustPolicy,
} from '../../../lambdas/domain/baseline';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = new Date('2026-11-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const policy = trustPolicy(30);
const marker = (overrides: Partial<ListingMarker> = {}): ListingMarker => ({
  lastCompleteAt: T0.toISOString(),
  unsettled: [],
  version: 3,
  ...overrides,
});

describe('trustPolicy', () => {
  it.each([
    [30, 7 * DAY, DAY],
    [7, 7 * DAY, DAY],
    [3, 3 * DAY, DAY],
    [1, DAY, 12 * HOUR],
  ])('retention %i days: window %i ms, heartbeat %i ms', (retentionDays, windowMs, heartbeatMs) => {
    expect(trustPolicy(retentionDays)).toEqual({ windowMs, heartbeatMs });
  });

  it('never trusts snapshots longer than EC2 keeps finished import tasks listed', () => {
    expect(MAX_TRUST_WINDOW_MS).toBe(7 * DAY);
  });
});

describe('planListing', () => {
  it('makes the first complete listing a baseline', () => {
    expect(planListing(undefined, T0, policy)).toEqual({ mode: 'baseline' });
  });

  it('trusts the snapshots up to the window after the last complete listing recorded, and re-baselines after it', () => {
    expect(planListing(marker(), at(7 * DAY), policy)).toMatchObject({ mode: 'steady' });
    expect(planListing(marker(), at(7 * DAY + 1), policy)).toEqual({
      mode: 'rebaseline',
      untrustedBefore: at(7 * DAY + 1).toISOString(),
      starts: true,
    });
  });

  it('continues a re-baseline in progress from its recorded start', () => {
    const started = rebaselineStarted(marker(), at(8 * DAY));

    expect(planListing(started, at(8 * DAY + 60_000), policy)).toEqual({
      mode: 'rebaseline',
      untrustedBefore: at(8 * DAY).toISOString(),
      starts: false,
    });
  });

  it('trusts a marker of an older release, which has no time of its last complete listing', () => {
    expect(planListing({ unsettled: [], version: 0 }, at(365 * DAY), policy)).toMatchObject({
      mode: 'steady',
    });
  });

  it('hands the unsettled tasks to a steady listing', () => {
    expect(planListing(marker({ unsettled: ['a', 'b'] }), at(HOUR), policy)).toEqual({
      mode: 'steady',
      unsettled: new Set(['a', 'b']),
    });
  });
});

describe('markerAfterListing', () => {
  const steady = { mode: 'steady', unsettled: new Set<string>() } as const;

  it('writes nothing on a steady listing before the heartbeat is due: an idle poll costs no write', () => {
    expect(markerAfterListing(marker(), steady, at(DAY - 1), policy, new Set())).toBeUndefined();
  });

  it('refreshes the last complete listing once the heartbeat is due', () => {
    expect(markerAfterListing(marker(), steady, at(DAY), policy, new Set())).toEqual(
      marker({ lastCompleteAt: at(DAY).toISOString() }),
    );
  });

  it('records the unsettled tasks when they change, keeping when the run of them began', () => {
    const first = markerAfterListing(marker(), steady, at(HOUR), policy, new Set(['b', 'a']));
    const later = markerAfterListing(
      { ...first!, version: 4 },
      { mode: 'steady', unsettled: new Set(['a', 'b']) },
      at(2 * HOUR),
      policy,
      new Set(['a']),
    );
    const same = markerAfterListing(
      { ...later!, version: 5 },
      { mode: 'steady', unsettled: new Set(['a']) },
      at(3 * HOUR),
      policy,
      new Set(['a']),
    );

    expect(first).toEqual(marker({ unsettled: ['a', 'b'], unsettledSince: at(HOUR).toISOString() }));
    expect(later).toEqual({ ...first, unsettled: ['a'], version: 4 });
    expect(same).toBeUndefined();
  });

  it('records every (re-)baseline, ending the re-baseline and starting the heartbeat', () => {
    const started = { ...rebaselineStarted(marker(), at(9 * DAY)), version: 4 };
    const plan = { mode: 'rebaseline', untrustedBefore: at(9 * DAY).toISOString(), starts: false } as const;

    expect(markerAfterListing(started, plan, at(9 * DAY), policy, new Set())).toEqual({
      lastCompleteAt: at(9 * DAY).toISOString(),
      unsettled: [],
      version: 4,
    });
    expect(markerAfterListing(undefined, { mode: 'baseline' }, T0, policy, new Set(['x']))).toEqual({
      lastCompleteAt: T0.toISOString(),
      unsettled: ['x'],
      unsettledSince: T0.toISOString(),
      version: 0,
    });
  });
});
