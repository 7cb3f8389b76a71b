// When the stored snapshots of a (Region, task type) can be trusted, and when a listing must be a
// baseline instead: the first complete listing, a listing after a gap in polling long enough that
// the snapshots no longer describe what EC2 lists (re-enabling a Region or a task type weeks
// later), and the tasks a baseline saw but could not record. A baseline reports unfinished tasks
// once as discovered and records finished ones silently, so old history is never replayed.
// Pure: the marker item is the state, the poll's time an input.

const DAY_MS = 86_400_000;

/**
 * The longest gap in complete listings after which stored snapshots are still trusted: EC2 keeps
 * finished VM import/export tasks listed for 7 days, the shortest retention documented for a task
 * API, so after a longer gap tasks may have started, finished and left the listing unseen, and
 * what EC2 still lists is history.
 */
export const MAX_TRUST_WINDOW_MS = 7 * DAY_MS;

/** The marker of a (Region, task type): the BASELINE item. */
export interface ListingMarker {
  /**
   * A recent complete listing (ISO-8601): refreshed by the first complete listing at least one
   * heartbeat after it, so it costs at most one write per heartbeat. Absent on markers written
   * before the monitor kept it.
   */
  lastCompleteAt?: string;
  /** Start of a re-baseline in progress: snapshots written before it are not trusted. */
  rebaselineFrom?: string;
  /** Finished tasks a baseline saw but could not record yet: judged as in a baseline until recorded. */
  unsettled: readonly string[];
  /** When the current run of unsettled tasks began (ISO-8601); absent when there is none. */
  unsettledSince?: string;
  /** Optimistic-concurrency version of the marker item; 0 when none was written with one. */
  version: number;
}

/** How long stored snapshots are trusted without a complete listing, and the heartbeat that keeps them so. */
export interface TrustPolicy {
  /** A (Region, task type) whose last complete listing is older than this is re-baselined. */
  windowMs: number;
  /** `lastCompleteAt` is refreshed when it is this old; half the window at most. */
  heartbeatMs: number;
}

/**
 * The trust policy for a retention: the window is the retention, at most {@link MAX_TRUST_WINDOW_MS}
 * (no history is trusted past the retention the operator chose), and the heartbeat one day, at most
 * half the window, so continuous polling never looks like a gap.
 */
export function trustPolicy(retentionDays: number): TrustPolicy {
  const windowMs = Math.min(retentionDays * DAY_MS, MAX_TRUST_WINDOW_MS);
  return { windowMs, heartbeatMs: Math.min(DAY_MS, windowMs / 2) };
}

/** How a listing is judged. */
export type ListingPlan =
  /** The first complete listing: every task judged as in a baseline; every stored snapshot trusted. */
  | { mode: 'baseline' }
  /**
   * After a gap: every task judged as in a baseline; snapshots written before `untrustedBefore`
   * are not trusted. `starts` is true when this poll begins the re-baseline (its start must be
   * recorded before any snapshot is written, so that a retry trusts what this one wrote).
   */
  | { mode: 'rebaseline'; untrustedBefore: string; starts: boolean }
  /** Normal judging; only the unsettled tasks as in a baseline. */
  | { mode: 'steady'; unsettled: ReadonlySet<string> };

/** How a listing is judged, from its marker and the poll's time. */
export function planListing(marker: ListingMarker | undefined, now: Date, policy: TrustPolicy): ListingPlan {
  if (!marker) return { mode: 'baseline' };
  const last = marker.lastCompleteAt === undefined ? undefined : Date.parse(marker.lastCompleteAt);
  // A marker written before the heartbeat existed says nothing about gaps: trusted, and refreshed now.
  if (last === undefined || Number.isNaN(last) || now.getTime() - last <= policy.windowMs) {
    return { mode: 'steady', unsettled: new Set(marker.unsettled) };
  }
  const started = marker.rebaselineFrom === undefined ? Number.NaN : Date.parse(marker.rebaselineFrom);
  if (started > last && started <= now.getTime()) {
    return { mode: 'rebaseline', untrustedBefore: marker.rebaselineFrom as string, starts: false };
  }
  return { mode: 'rebaseline', untrustedBefore: now.toISOString(), starts: true };
}

/** The marker recording that a re-baseline starts now, to write before any snapshot. */
export function rebaselineStarted(marker: ListingMarker, now: Date): ListingMarker {
  return { ...marker, rebaselineFrom: now.toISOString() };
}

/**
 * The marker after a complete listing, or undefined when the stored one still holds (no write):
 * a (re-)baseline always records itself; a steady listing writes only when the heartbeat is due
 * or the unsettled tasks changed.
 *
 * @param unsettled the finished tasks whose baseline record failed in this listing
 */
export function markerAfterListing(
  marker: ListingMarker | undefined,
  plan: ListingPlan,
  now: Date,
  policy: TrustPolicy,
  unsettled: ReadonlySet<string>,
): ListingMarker | undefined {
  const ids = [...unsettled].sort();
  const at = now.toISOString();
  const since = ids.length === 0 ? undefined : (marker?.unsettledSince ?? at);
  if (plan.mode !== 'steady' || !marker) {
    return {
      lastCompleteAt: at,
      unsettled: ids,
      ...(ids.length === 0 ? {} : { unsettledSince: at }),
      version: marker?.version ?? 0,
    };
  }
  const last = marker.lastCompleteAt === undefined ? Number.NaN : Date.parse(marker.lastCompleteAt);
  const heartbeatDue = !(now.getTime() - last < policy.heartbeatMs);
  const before = [...marker.unsettled].sort();
  const same = ids.length === before.length && ids.every((id, index) => id === before[index]);
  if (!heartbeatDue && same) return undefined;
  return {
    lastCompleteAt: heartbeatDue ? at : (marker.lastCompleteAt as string),
    unsettled: ids,
    ...(since === undefined ? {} : { unsettledSince: since }),
    version: marker.version,
  };
}
