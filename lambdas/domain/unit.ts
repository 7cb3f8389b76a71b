// A unit of polling: one account in one Region (every enabled task type), as the dispatcher sends
// it to the workers' FIFO queue. Its message group is the unit, so no two workers poll one unit at
// once; its deduplication id is the unit and the cycle, so a dispatcher retried within a cycle
// sends it once.
import { ACCOUNT_ID_PATTERN } from './accounts';
import type { AccountCoverage } from './coverage';

/** One (account, Region) of one cycle. */
export interface PollUnit {
  readonly account: string;
  /** The account's name in Organizations, carried to the events; undefined for `self`. */
  readonly accountName?: string;
  readonly region: string;
  /** When the cycle started (ISO 8601). */
  readonly cycleStart: string;
  /**
   * The account's coverage as the dispatcher left it at the start of the cycle (a small item), so
   * that a new worker container needs no read of it; undefined for an account it has none of.
   */
  readonly coverage?: AccountCoverage;
}

/** The FIFO message group of a unit: `<account>#<region>`. */
export function unitGroupId(unit: Pick<PollUnit, 'account' | 'region'>): string {
  return `${unit.account}#${unit.region}`;
}

/** The FIFO deduplication id of a unit's message: `<account>#<region>#<cycle start in ms>`. */
export function unitDeduplicationId(unit: PollUnit): string {
  return `${unitGroupId(unit)}#${Date.parse(unit.cycleStart)}`;
}

/**
 * Whether a unit's message is too old to poll: more than two cycles old, the next cycle's message
 * covers it, so a slow unit never builds a backlog behind its message group.
 */
export function isStale(unit: PollUnit, now: Date, pollIntervalSeconds: number): boolean {
  return now.getTime() - Date.parse(unit.cycleStart) > 2 * pollIntervalSeconds * 1000;
}

/** Reads a unit from a message body. @throws Error naming what is missing */
export function parseUnit(body: string): PollUnit {
  const value = JSON.parse(body) as Partial<PollUnit>;
  if (typeof value.account !== 'string' || !ACCOUNT_ID_PATTERN.test(value.account))
    throw new Error('unit without an account id');
  if (typeof value.region !== 'string' || value.region === '') throw new Error('unit without a Region');
  if (typeof value.cycleStart !== 'string' || Number.isNaN(Date.parse(value.cycleStart)))
    throw new Error('unit without a cycle start');
  const coverage = value.coverage;
  const coverageOfAccount =
    typeof coverage === 'object' &&
    coverage !== null &&
    coverage.account === value.account &&
    Array.isArray(coverage.regions) &&
    typeof coverage.writtenAt === 'string';
  return {
    account: value.account,
    accountName: typeof value.accountName === 'string' ? value.accountName : undefined,
    region: value.region,
    cycleStart: value.cycleStart,
    // Anything else than the account's own coverage is ignored: the worker reads the item instead.
    ...(coverageOfAccount ? { coverage } : {}),
  };
}
