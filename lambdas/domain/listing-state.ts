// What a poll must know to leave a listing alone: nothing read, nothing written when nothing
// changed. Each listing's state (kept per task type in its unit's state item, and in the warm
// container) holds the listing's marker (baseline.ts), a fingerprint of the last listing whose
// every decision was recorded, and the time the listing must be judged again even if it looks
// the same (a task missing once needs the next listing to decide). A listing whose fingerprint
// equals the stored one and that is not due is settled: diffing it against the snapshots would
// decide nothing. Pure: the poll's time and the listing are inputs.
import { createHash } from 'node:crypto';
import type { ListingMarker } from './baseline';
import { progressBucket } from './changes';
import type { RelatedResources, Task } from './task';

/** A listing's stored state: its marker, fingerprint and when it is due. */
export interface ListingState extends ListingMarker {
  /**
   * Fingerprint of the last listing whose every decision was recorded (see {@link listingFingerprint});
   * absent when none was, or when a poll recorded only part of them.
   */
  fingerprint?: string;
  /**
   * ISO-8601 time from which the listing must be judged even if its fingerprint is unchanged: the
   * poll's time when a task missing from it needs the next listing to be declared disappeared, or
   * when finished tasks of a baseline wait to be recorded. Absent when only the heartbeat is due
   * (its time follows from `lastCompleteAt`).
   */
  dueAt?: string;
}

/** What the diff is sensitive to, besides the listing: a change of setting re-judges every listing. */
export interface FingerprintSettings {
  progressStep: number;
  disappearAfterMisses: number;
}

/** Changes whenever what the fingerprint covers changes meaning: old fingerprints then never match. */
const FINGERPRINT_VERSION = '1';

/**
 * A hash of everything {@link diffListing} looks at in a complete listing: each task's id, state,
 * phase, progress step and status message, in id order, and what the objects without an id tell.
 * Two listings with the same fingerprint lead to the same decisions against the same snapshots.
 */
export function listingFingerprint(
  tasks: readonly Task[],
  unidentified: ReadonlyArray<Partial<RelatedResources>>,
  settings: FingerprintSettings,
): string {
  const hash = createHash('sha256');
  hash.update(`${FINGERPRINT_VERSION}|${settings.progressStep}|${settings.disappearAfterMisses}\n`);
  const sorted = [...tasks].sort((a, b) => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0));
  for (const task of sorted) {
    hash.update(
      JSON.stringify([
        task.taskId,
        task.state,
        task.phase,
        task.progress === null ? null : progressBucket(task.progress, settings.progressStep),
        task.statusMessage,
      ]),
    );
    hash.update('\n');
  }
  for (const resources of unidentified) hash.update(`?${JSON.stringify(resources)}\n`);
  // 128 bits are plenty to tell listings apart, and keep the unit's state item small.
  return hash.digest('base64url').slice(0, 22);
}

/**
 * True when a listing can be left alone: its fingerprint is the stored one, nothing is due, and
 * the marker holds no unsettled task. The caller still refreshes the heartbeat when it is due.
 */
export function isSettled(state: ListingState | undefined, fingerprint: string, now: Date): boolean {
  if (!state?.fingerprint || state.fingerprint !== fingerprint) return false;
  if (state.unsettled.length > 0) return false;
  return state.dueAt === undefined || now.getTime() < Date.parse(state.dueAt);
}
