// The fault suite's figures: for each case, how many transitions happened, how many messages
// were delivered, how many were lost and how many were duplicated outside the one window where
// the design allows it (published but not yet marked). Tests assert on them; this module only
// counts them and keeps them in a JSON-lines file, so the run prints nothing and the figures
// can still be gathered (for the README) from every test file and worker.
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TaskChangeEvent } from '../../../lambdas/domain/event';
import type { Transition } from './fault-tasks';

/** One case's figures. */
export interface CaseFigures {
  case: string;
  /** The fault, in words. */
  injected: string;
  transitions: number;
  delivered: number;
  lost: number;
  /** Extra copies of changes published but not yet marked when the fault hit (allowed, same eventId). */
  duplicatesInWindow: number;
  /** Extra copies anywhere else, and deliveries of no expected transition. Must be 0. */
  duplicatesOutsideWindow: number;
}

/** Where the figures go: FAULT_FIGURES_FILE, or a file in the temporary directory. */
export const FIGURES_FILE =
  process.env.FAULT_FIGURES_FILE ?? path.join(tmpdir(), 'ec2-task-monitor-fault-figures.jsonl');

/** Counts what was delivered against what had to be. */
export function countDelivery(
  expected: readonly Transition[],
  delivered: readonly TaskChangeEvent[],
  window: readonly string[] = [],
): Omit<CaseFigures, 'case' | 'injected'> {
  const copies = new Map<string, number>();
  for (const event of delivered) copies.set(event.eventId, (copies.get(event.eventId) ?? 0) + 1);
  const expectedIds = new Set(expected.map((transition) => transition.eventId));
  const allowed = new Set(window);
  let lost = 0;
  let duplicatesInWindow = 0;
  let duplicatesOutsideWindow = 0;
  for (const id of expectedIds) if (!copies.has(id)) lost += 1;
  for (const [id, count] of copies) {
    if (!expectedIds.has(id)) duplicatesOutsideWindow += count;
    else if (allowed.has(id)) duplicatesInWindow += count - 1;
    else duplicatesOutsideWindow += count - 1;
  }
  return {
    transitions: expectedIds.size,
    delivered: delivered.length,
    lost,
    duplicatesInWindow,
    duplicatesOutsideWindow,
  };
}

/** Keeps a case's figures (one JSON line, with the test file it came from). */
export function recordFigures(figures: CaseFigures): void {
  const file = path.basename(expect.getState().testPath ?? 'unknown');
  appendFileSync(FIGURES_FILE, `${JSON.stringify({ file, at: new Date().toISOString(), ...figures })}\n`);
}
