// A unit of polling: one account in one Region (every enabled task type), as the dispatcher sends
// it to the workers' FIFO queue. Its message group is the unit, so no two workers poll one unit at
// once; its deduplication id is the unit and the cycle, so a dispatcher retried within a cycle
// sends it once. A unit a task-creating API call triggered (cloudTrailTrigger) goes to the same
// group, so it never runs beside the unit's scheduled poll, and is deduplicated by CloudTrail's
// event id, so an event EventBridge delivers twice is polled once.
import { ACCOUNT_ID_PATTERN } from './accounts';
import type { AccountCoverage } from './coverage';
import { FAST_POLL_ALLOWANCE_MS, TASK_CREATING_CALLS } from './fast-poll';
import { isTaskTypeName, type TaskTypeName } from './task';

/** What a task-creating API call asks of its unit: one listing polled at once, then fast-polled. */
export interface UnitTrigger {
  /** The task type the call creates: the one listing polled. */
  readonly taskType: TaskTypeName;
  /** The call, as CloudTrail names it (`ImportImage`, `CreateStoreImageTask`, ...). */
  readonly call: string;
  /** CloudTrail's `eventID` of the call: the message's deduplication id. */
  readonly eventId: string;
}

/** One (account, Region) of one cycle. */
export interface PollUnit {
  readonly account: string;
  /** The account's name in Organizations, carried to the events; undefined for `self`. */
  readonly accountName?: string;
  readonly region: string;
  /**
   * When the cycle started (ISO 8601); for a triggered unit, when the schedule period the call fell
   * in started: the unit is polled only within that period.
   */
  readonly cycleStart: string;
  /**
   * The account's coverage as the dispatcher left it at the start of the cycle (a small item), so
   * that a new worker container needs no read of it; undefined for an account it has none of.
   */
  readonly coverage?: AccountCoverage;
  /** Set on a unit a task-creating API call sent (cloudTrailTrigger); undefined on a scheduled one. */
  readonly trigger?: UnitTrigger;
}

/** The FIFO message group of a unit: `<account>#<region>`. */
export function unitGroupId(unit: Pick<PollUnit, 'account' | 'region'>): string {
  return `${unit.account}#${unit.region}`;
}

/**
 * The FIFO deduplication id of a unit's message: `<account>#<region>#<cycle start in ms>`, or for a
 * triggered unit `<account>#<region>#<CloudTrail event id>` (EventBridge delivers an event at least
 * once; SQS keeps a deduplication id five minutes).
 */
export function unitDeduplicationId(unit: PollUnit): string {
  if (unit.trigger) return `${unitGroupId(unit)}#${unit.trigger.eventId}`;
  return `${unitGroupId(unit)}#${Date.parse(unit.cycleStart)}`;
}

/**
 * Whether a unit's message is too old to poll. A scheduled unit more than two cycles old: the next
 * cycle's message covers it, so a slow unit never builds a backlog behind its message group. A
 * triggered unit once its schedule period is over (or has less left than a poll is given): the
 * period's scheduled unit covers its listing, so fifty calls at once never queue fifty polls
 * behind the next cycle's unit.
 */
export function isStale(unit: PollUnit, now: Date, pollIntervalSeconds: number): boolean {
  const periodMs = pollIntervalSeconds * 1000;
  const age = now.getTime() - Date.parse(unit.cycleStart);
  if (unit.trigger) return age + FAST_POLL_ALLOWANCE_MS > periodMs;
  return age > 2 * periodMs;
}

/** A message's trigger, if it is a well-formed one. @throws Error when present but malformed */
function triggerOfUnit(value: unknown): UnitTrigger | undefined {
  if (value === undefined) return undefined;
  const trigger = (typeof value === 'object' && value !== null ? value : {}) as Partial<UnitTrigger>;
  const { taskType, call, eventId } = trigger;
  // The call must be one that creates a task of that type: the worker polls that listing alone.
  if (
    typeof taskType !== 'string' ||
    !isTaskTypeName(taskType) ||
    typeof call !== 'string' ||
    TASK_CREATING_CALLS[call] !== taskType ||
    typeof eventId !== 'string' ||
    eventId === ''
  )
    throw new Error('unit with a malformed trigger (taskType, call and eventId)');
  return { taskType, call, eventId };
}

/** Reads a unit from a message body. @throws Error naming what is missing */
export function parseUnit(body: string): PollUnit {
  const value = JSON.parse(body) as Partial<PollUnit>;
  if (typeof value.account !== 'string' || !ACCOUNT_ID_PATTERN.test(value.account))
    throw new Error('unit without an account id');
  if (typeof value.region !== 'string' || value.region === '') throw new Error('unit without a Region');
  if (typeof value.cycleStart !== 'string' || Number.isNaN(Date.parse(value.cycleStart)))
    throw new Error('unit without a cycle start');
  const trigger = triggerOfUnit(value.trigger);
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
    ...(trigger ? { trigger } : {}),
  };
}
