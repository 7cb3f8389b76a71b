// How an EC2 task API's states become phases, with one rule for every task type about the states
// on the way to an end (cancelling, deleting, failing): a task's end is announced once, and when
// the task failed, that one announcement says failed. So a transitional state counts as the end
// only once that end is certain; until then the task is still running.
import type { Phase } from './phase';

/** The phases a task ends in. */
export type TerminalPhase = Extract<Phase, 'succeeded' | 'failed' | 'cancelled'>;

/** A state on the way to an end that EC2 may not have decided yet. */
export interface TransitionalState {
  /** The ends the state can lead to. */
  readonly endsIn: readonly TerminalPhase[];
}

/** What a documented state means: its phase, or a transitional state and the ends it leads to. */
export type StateMeaning = Phase | TransitionalState;

/** Every documented state of a task API, in lifecycle order, with what it means. */
export type Lifecycle = Readonly<Record<string, StateMeaning>>;

/** A transitional state that leads to one of `ends`. */
export function endingIn(...ends: [TerminalPhase, ...TerminalPhase[]]): TransitionalState {
  return { endsIn: ends };
}

/**
 * A status message that reports an error: VM Import/Export writes `ClientError: ...` or
 * `ServerError: ...`, the others say "error" or "failed".
 */
export function carriesError(message: string | null): boolean {
  if (!message) return false;
  return (
    /^(ClientError|ServerError)\b/i.test(message) ||
    /\berror\b/i.test(message) ||
    /\bfail(ed|ure)?\b/i.test(message)
  );
}

/**
 * The phase of a state, by one rule for every task type:
 * - an undocumented, empty or missing state is `unknown`;
 * - a transitional state is its end as soon as that end is certain: at once when it can lead to
 *   one end only (`failing` can only fail), `failed` once its message carries an error; until
 *   then it is still `running`, so that the task's one terminal alert is the right one;
 * - an end EC2 calls cancelled but explains with an error is `failed`: EC2 cancels conversions,
 *   exports and imports that failed, and says why in the message.
 */
export function phaseOfState(lifecycle: Lifecycle, state: string, statusMessage: string | null): Phase {
  if (!Object.hasOwn(lifecycle, state)) return 'unknown';
  const meaning = lifecycle[state] as StateMeaning;
  const failed = carriesError(statusMessage);
  if (typeof meaning === 'string') return meaning === 'cancelled' && failed ? 'failed' : meaning;
  const [only, ...others] = meaning.endsIn;
  if (others.length === 0) return only as TerminalPhase;
  return failed && meaning.endsIn.includes('failed') ? 'failed' : 'running';
}

/** The transitional states of a lifecycle, in lifecycle order, with the ends each leads to. */
export function transitionalStates(
  lifecycle: Lifecycle,
): Array<[state: string, ends: readonly TerminalPhase[]]> {
  return Object.entries(lifecycle).flatMap(([state, meaning]) =>
    typeof meaning === 'string' ? [] : [[state, meaning.endsIn] as [string, readonly TerminalPhase[]]],
  );
}
