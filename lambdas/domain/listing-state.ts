// What a poll must know to leave a listing alone: nothing read, nothing written when nothing
// changed. Each listing's state (kept per task type in its unit's state item, and in the warm
// container) holds the listing's marker (baseline.ts) and a fingerprint of the last listing whose
// every decision was recorded and that left nothing for the next listing to decide (a task missing
// once needs the next listing). A listing whose fingerprint equals the stored one is settled:
// diffing it against the snapshots would decide nothing. Pure: the listing is the input.
import { createHash } from 'node:crypto';
import type { ListingMarker } from './baseline';
import { progressBucket } from './changes';
import type { StallWatch } from './stall';
import type { RelatedResources, Task } from './task';

/** A listing's stored state: its marker and fingerprint. */
export interface ListingState extends ListingMarker {
  /**
   * Fingerprint of the last listing whose every decision was recorded (see {@link listingFingerprint});
   * absent when none was, when a poll recorded only part of them, or when a task missing from the
   * listing needs the next one to be declared disappeared.
   */
  fingerprint?: string;
  /** What tells, without the snapshots, that a stall is due or a stalled task moved (stall.ts). */
  stall?: StallWatch;
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
 * True when a listing can be left alone: its fingerprint is the stored one and the marker holds no
 * unsettled task. The caller still refreshes the heartbeat when it is due.
 */
export function isSettled(state: ListingState | undefined, fingerprint: string): boolean {
  return state?.fingerprint === fingerprint && state.unsettled.length === 0;
}
