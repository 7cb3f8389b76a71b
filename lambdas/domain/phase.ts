// The product-wide lifecycle vocabulary. Every EC2 task API has its own state names; each task
// type maps them onto these six phases so that rules, filters and alerts speak one language.

/** Lifecycle phase of any EC2 task, whatever its API calls the state. */
export type Phase = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';

/** Every phase, in lifecycle order. */
export const PHASES: readonly Phase[] = ['pending', 'running', 'succeeded', 'failed', 'cancelled', 'unknown'];

/** Phases a task never leaves. */
export const TERMINAL_PHASES: readonly Phase[] = ['succeeded', 'failed', 'cancelled'];

/** True when a task in this phase has finished, for good or bad. */
export function isTerminal(phase: Phase): boolean {
  return TERMINAL_PHASES.includes(phase);
}
