// The contract each EC2 task type module fulfils. The poller, the stack's IAM policy, the local
// simulator and the docs all read the registry built from these descriptors, so adding a task
// type means one new module (plus its test) and one line in the registry.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Phase } from '../domain/phase';
import type { Task, TaskTypeName } from '../domain/task';

/** Where a task was listed; stamped onto every normalised task. */
export interface ListingScope {
  region: string;
  account: string;
}

/** Describes one EC2 task API: how to list it, how to read its objects, how to map its states. */
export interface TaskTypeDescriptor<Raw = unknown> {
  /** The product's name for the type, used in events, attributes and settings. */
  readonly name: TaskTypeName;
  /** The EC2 API operation; the IAM action is `ec2:<apiName>`. */
  readonly apiName: string;
  /** What the type is, for humans (docs, email). */
  readonly title: string;
  /** Every documented value of the API's state field, in lifecycle order. */
  readonly documentedStates: readonly string[];
  /** Whether the API pages its results with NextToken (all pages are always read). */
  readonly paginated: boolean;
  /** Page size sent as MaxResults, or undefined when the API has no pagination or no documented limit. */
  readonly pageSize: number | undefined;
  /**
   * Reads every page of the listing, one array of raw objects per page. Throws on the first
   * failed page: a listing is either complete or failed, never silently partial.
   */
  listPages(client: EC2Client): AsyncIterable<readonly Raw[]>;
  /** Normalises one raw object. Throws {@link InvalidTaskError} when it cannot be identified. */
  normalise(raw: Raw, scope: ListingScope): Task;
}

/** A raw API object that cannot become a task (no id, for example). The poller skips and counts it. */
export class InvalidTaskError extends Error {
  constructor(
    readonly taskType: TaskTypeName,
    reason: string,
  ) {
    super(`${taskType}: ${reason}`);
    this.name = 'InvalidTaskError';
  }
}

/** The IAM action that allows listing a task type. */
export function iamActionOf(descriptor: Pick<TaskTypeDescriptor, 'apiName'>): string {
  return `ec2:${descriptor.apiName}`;
}

/**
 * Maps a state through a table of documented states. An empty, missing or undocumented state
 * maps to `unknown`: the poller logs it once and carries on.
 */
export function phaseFromTable(table: Readonly<Record<string, Phase>>, state: string): Phase {
  return Object.hasOwn(table, state) ? (table[state] as Phase) : 'unknown';
}

/** A status message that reports an error: VM Import/Export writes `ClientError: ...` or `ServerError: ...`. */
export function carriesError(message: string | null): boolean {
  if (!message) return false;
  return (
    /^(ClientError|ServerError)\b/i.test(message) ||
    /\berror\b/i.test(message) ||
    /\bfail(ed|ure)?\b/i.test(message)
  );
}

/**
 * Phase of an import or export image/snapshot task. These APIs have no `failed` state: a task
 * that failed ends `deleting`/`deleted` with an error message (failed), one a user cancelled
 * ends `deleted` without one (cancelled); `deleting` without an error is still running.
 */
export function importExportPhase(state: string, statusMessage: string | null): Phase {
  switch (state) {
    case 'active':
      return statusMessage && /^pending\b/i.test(statusMessage) ? 'pending' : 'running';
    case 'completed':
      return 'succeeded';
    // The error message may arrive only with `deleted`: a `deleting` task without one is still
    // on its way out, so that it does not alert "cancelled" and then "failed".
    case 'deleting':
      return carriesError(statusMessage) ? 'failed' : 'running';
    case 'deleted':
      return carriesError(statusMessage) ? 'failed' : 'cancelled';
    case 'error':
      return 'failed';
    default:
      return 'unknown';
  }
}

/** The states of conversion and instance export tasks (the same enum for both APIs). */
const CANCELLABLE_TASK_PHASES: Readonly<Record<string, Phase>> = {
  active: 'running',
  // cancelling only ever ends in cancelled, so it is already the cancelled phase.
  cancelling: 'cancelled',
  cancelled: 'cancelled',
  completed: 'succeeded',
};

/** Every documented state of conversion and instance export tasks. */
export const CANCELLABLE_TASK_STATES: readonly string[] = Object.keys(CANCELLABLE_TASK_PHASES);

/**
 * Phase of a conversion or instance export task. Neither API has a failed state: EC2 cancels a
 * task that failed (an upload that expired, an export that broke) and says why in the message,
 * which tells it from a cancellation the user asked for.
 */
export function cancellableTaskPhase(state: string, statusMessage: string | null): Phase {
  const phase = phaseFromTable(CANCELLABLE_TASK_PHASES, state);
  return phase === 'cancelled' && carriesError(statusMessage) ? 'failed' : phase;
}

/** Reads a string field, or '' when absent; states are compared as strings. */
export function stateString(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}
