// How well an account is watched: its coverage. Failures are per account (or per account and
// Region) and are classified so that an operator knows what to do; none of them infers anything
// about the account's tasks (a listing that could not be read changes no snapshot). Pure.

/** What went wrong for an account, by what an operator does about it. */
export type FailureKind =
  /** AssumeRole was refused: the member role is not deployed (yet), or does not trust the worker. */
  | 'role-missing'
  /** Organizations reports the account suspended, closing or closed: it is not polled. */
  | 'account-inactive'
  /** The Region is not enabled in the account (or STS is not active there): nothing to list. */
  | 'region-not-enabled'
  /** AWS throttled the calls after every retry: the next cycle tries again. */
  | 'throttled'
  /** Anything else: the code and message say what. */
  | 'error';

/** One failure of an account, as recorded on its coverage. */
export interface AccountFailure {
  readonly kind: FailureKind;
  /** The AWS error code (`AccessDenied`, `SUSPENDED`, `OptInRequired`, `RequestLimitExceeded`, …). */
  readonly code: string;
  readonly message: string;
  /** The Region it happened in; undefined for the account as a whole. */
  readonly region?: string;
  /** When it happened (ISO 8601). */
  readonly at: string;
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);
/** Codes EC2 and STS answer for a Region the account has not enabled. */
const REGION_NOT_ENABLED = new Set([
  'OptInRequired',
  'RegionDisabledException',
  'AuthFailure',
  'InvalidClientTokenId',
]);
/** Organizations' account states that are not polled. */
const INACTIVE_STATES = new Set([
  'SUSPENDED',
  'PENDING_CLOSURE',
  'CLOSED',
  'PENDING_ACTIVATION',
  'NOT_FOUND',
]);

/** Where a failure happened: assuming the member role, or calling a Region's API with it. */
export type FailureStage = 'assume-role' | 'region';

/**
 * Classifies an AWS error by its code (the SDK's `name`). AccessDenied on AssumeRole means the
 * role is missing; the same code on a Region's API means the role lacks an action, an `error`.
 */
export function classifyFailure(code: string, stage: FailureStage): FailureKind {
  if (THROTTLING.has(code)) return 'throttled';
  if (stage === 'assume-role' && (code === 'AccessDenied' || code === 'AccessDeniedException'))
    return 'role-missing';
  if (code === 'RegionDisabledException') return 'region-not-enabled';
  if (stage === 'region' && REGION_NOT_ENABLED.has(code)) return 'region-not-enabled';
  if (INACTIVE_STATES.has(code)) return 'account-inactive';
  return 'error';
}

/** A failure from an error thrown by an AWS call. */
export function failureOf(error: unknown, stage: FailureStage, at: Date, region?: string): AccountFailure {
  const code = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return {
    kind: classifyFailure(code, stage),
    code,
    message: message.slice(0, 500),
    region,
    at: at.toISOString(),
  };
}

/**
 * Whether a failure leaves the account unmonitored (counted by the UnmonitoredAccounts metric).
 * A Region the account has not enabled holds no tasks, so its failure is recorded but does not count.
 */
export function leavesUnmonitored(failure: AccountFailure | undefined): boolean {
  return failure !== undefined && failure.kind !== 'region-not-enabled';
}

/** An account's coverage, stored on its own item and shown by `ec2-task-monitor accounts`. */
export interface AccountCoverage {
  readonly account: string;
  /** Its name in Organizations; undefined for `self`. */
  readonly name?: string;
  /** The Regions watched in it (named, or the enabled ones when `regions=enabled`). */
  readonly regions: readonly string[];
  /** When its enabled Regions were last read (ListRegions); undefined when Regions are named. */
  readonly regionsRefreshedAt?: string;
  /** When every watched Region of it was last listed completely. */
  readonly lastCompletePollAt?: string;
  /** The last failure; cleared by a complete poll of every Region. */
  readonly failure?: AccountFailure;
  /** When the item was last written: at least daily, so its age shows that the monitor still runs. */
  readonly writtenAt: string;
}

/** Coverage items are rewritten at least this often even when nothing changed. */
export const COVERAGE_REFRESH_MS = 24 * 60 * 60 * 1000;

/**
 * Whether a coverage needs writing: something an operator reads changed (name, Regions, the
 * failure's kind, code or Region, a poll became complete after a failure), or the stored one is a
 * day old. A complete poll alone does not write, so an idle cycle writes nothing.
 */
export function coverageChanged(
  stored: AccountCoverage | undefined,
  next: AccountCoverage,
  now: Date,
): boolean {
  if (!stored) return true;
  if (now.getTime() - Date.parse(stored.writtenAt) >= COVERAGE_REFRESH_MS) return true;
  if (stored.name !== next.name) return true;
  if (stored.regions.join(',') !== next.regions.join(',')) return true;
  if (stored.regionsRefreshedAt !== next.regionsRefreshedAt) return true;
  const a = stored.failure;
  const b = next.failure;
  if ((a === undefined) !== (b === undefined)) return true;
  if (a && b && (a.kind !== b.kind || a.code !== b.code || a.region !== b.region)) return true;
  return stored.lastCompletePollAt === undefined && next.lastCompletePollAt !== undefined;
}

/** An account's coverage after a worker polled one of its Regions: a failure, or a complete poll. */
export function afterUnit(
  stored: AccountCoverage | undefined,
  unit: { account: string; accountName?: string; region: string },
  failure: AccountFailure | undefined,
  now: Date,
): AccountCoverage {
  const base: AccountCoverage = stored ?? {
    account: unit.account,
    name: unit.accountName,
    regions: [unit.region],
    writtenAt: now.toISOString(),
  };
  if (failure) return { ...base, failure };
  // A complete poll clears a failure of this Region or of the whole account, not another Region's.
  const cleared = base.failure && (base.failure.region === undefined || base.failure.region === unit.region);
  return { ...base, failure: cleared ? undefined : base.failure, lastCompletePollAt: now.toISOString() };
}

/** What the dispatcher learnt about an account at the start of a cycle. */
export interface DispatchedAccount {
  readonly account: string;
  readonly name?: string;
  readonly regions: readonly string[];
  readonly regionsRefreshedAt?: string;
  /** An account-wide failure: inactive, or its Regions could not be read. */
  readonly failure?: AccountFailure;
}

/** An account's coverage after the dispatcher resolved it. */
export function afterDispatch(
  stored: AccountCoverage | undefined,
  seen: DispatchedAccount,
  now: Date,
): AccountCoverage {
  const base: AccountCoverage = stored ?? {
    account: seen.account,
    regions: [],
    writtenAt: now.toISOString(),
  };
  const next: AccountCoverage = {
    ...base,
    name: seen.name,
    regions: seen.regions,
    regionsRefreshedAt: seen.regionsRefreshedAt,
  };
  if (seen.failure) return { ...next, failure: seen.failure };
  // The dispatcher clears only the failures it can judge: an account that is active again, or whose
  // Regions it read (its role works). A Region's failure is the worker's to clear.
  const judged =
    base.failure?.kind === 'account-inactive' ||
    (base.failure?.region === undefined &&
      seen.regionsRefreshedAt !== undefined &&
      base.failure?.kind === 'role-missing');
  return judged ? { ...next, failure: undefined } : next;
}
