// Configuration of the functions, read once per container from the environment that the CDK
// construct sets (and that the local mode and the CLI set the same way). A missing or bad value
// fails fast with a ConfigurationError naming the variable, never a silent default.
import { ACCOUNT_ID_PATTERN, type AccountSelection, accountSelectionOf } from '../domain/accounts';
import { QUOTA_WARNING_SHARE_ALLOWED, quotaWarningShareOf } from '../domain/quota';
import { STALL_AFTER_LIMITS, type StallThresholds } from '../domain/stall';
import { isTaskTypeName, TASK_TYPE_NAMES, type TaskTypeName } from '../domain/task';

/** Names of the environment variables the functions read. */
export const ENV = {
  tableName: 'TABLE_NAME',
  topicArn: 'TOPIC_ARN',
  regions: 'REGIONS',
  taskTypes: 'TASK_TYPES',
  accountId: 'ACCOUNT_ID',
  progressStep: 'PROGRESS_STEP',
  retentionDays: 'RETENTION_DAYS',
  disappearAfterMisses: 'DISAPPEAR_AFTER_MISSES',
  channel: 'CHANNEL',
  accounts: 'ACCOUNTS',
  excludeAccounts: 'EXCLUDE_ACCOUNTS',
  memberRoleName: 'MEMBER_ROLE_NAME',
  queueUrl: 'QUEUE_URL',
  pollIntervalSeconds: 'POLL_INTERVAL_SECONDS',
  quotaWarningShare: 'QUOTA_WARNING_SHARE',
  fastPollSeconds: 'FAST_POLL_SECONDS',
  stallAfter: 'STALL_AFTER',
} as const;

/**
 * Every variable {@link readPollerConfig} reads: the one list that the command line checks before a
 * poll (naming every missing one at once) and that a test holds against the function.
 */
export const POLLER_VARIABLES = [
  ENV.tableName,
  ENV.regions,
  ENV.taskTypes,
  ENV.accountId,
  ENV.progressStep,
  ENV.retentionDays,
  ENV.disappearAfterMisses,
  ENV.quotaWarningShare,
  ENV.pollIntervalSeconds,
  ENV.fastPollSeconds,
  ENV.stallAfter,
] as const;

/** Every variable {@link readDispatcherConfig} requires (EXCLUDE_ACCOUNTS may be empty). */
export const DISPATCHER_VARIABLES = [
  ENV.tableName,
  ENV.queueUrl,
  ENV.accountId,
  ENV.accounts,
  ENV.regions,
  ENV.memberRoleName,
  ENV.pollIntervalSeconds,
] as const;

/** Every variable {@link readWorkerConfig} reads. */
export const WORKER_VARIABLES = [
  ENV.tableName,
  ENV.taskTypes,
  ENV.accountId,
  ENV.progressStep,
  ENV.retentionDays,
  ENV.disappearAfterMisses,
  ENV.quotaWarningShare,
  ENV.stallAfter,
  ENV.memberRoleName,
  ENV.pollIntervalSeconds,
  ENV.fastPollSeconds,
] as const;

/** Every variable {@link readPublisherConfig} reads. */
export const PUBLISHER_VARIABLES = [ENV.tableName, ENV.topicArn] as const;

/**
 * A notification channel's name (channels/<name>): each is served by its own notifier function,
 * which reads its own variables besides these (channels/<name>/config.ts).
 */
export type ChannelName = string;

/** A configuration value is missing or invalid. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/**
 * What every poll reads (the poller's and the worker's): the table, the account, the task types
 * and the diff's settings.
 */
export interface PollSettings {
  tableName: string;
  taskTypes: TaskTypeName[];
  account: string;
  /** Progress granularity in percent: a TaskProgressed is emitted when progress crosses a multiple of it. */
  progressStep: number;
  retentionDays: number;
  /** Consecutive complete listings an unfinished task must be missing from before it is declared disappeared. */
  disappearAfterMisses: number;
  /** Share of a VM Import/Export quota that raises QuotaNearlyExhausted; undefined: no quota events (`off`). */
  quotaWarningShare?: number;
  /**
   * Minutes a running task of each type may be still before a TaskStalled (a type left out: never).
   * @default - no stall is detected (the functions always get STALL_AFTER from the construct)
   */
  stallAfter?: StallThresholds;
}

/** Settings of the poller function: every poll's, the Regions of its own account it polls, and its pace. */
export interface PollerConfig extends PollSettings {
  regions: string[];
  /** Seconds between two scheduled runs: the fast re-polls of a run end before the next one. */
  pollIntervalSeconds: number;
  /** Seconds between two fast re-polls of a listing with unfinished tasks; undefined: off (`off`). */
  fastPollSeconds?: number;
}

/** Settings of the publisher function. */
export interface PublisherConfig {
  tableName: string;
  topicArn: string;
}

/** What every notifier needs: its channel (checked against the deployed CHANNEL) and the table holding its delivery records. */
export interface NotifierConfig {
  channel: ChannelName;
  tableName: string;
  /** Days a delivery record is kept, so a redelivery within them is recognised. */
  retentionDays: number;
}

/** The process environment, or variables given for a test. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Limits shared with the stack's settings validation. */
export const LIMITS = {
  progressStep: { min: 1, max: 100 },
  retentionDays: { min: 1, max: 3650 },
  disappearAfterMisses: { min: 1, max: 20 },
  /** 5 s at the fastest: a hot store-image listing then takes 12 of the 30 calls a minute its bucket refills. */
  fastPollSeconds: { min: 5, max: 30 },
  pollIntervalSeconds: { min: 60, max: 7 * 86_400 },
} as const;

/** The value of FAST_POLL_SECONDS (and of the `fastPollSeconds` setting) that turns fast polling off. */
export const FAST_POLL_OFF = 'off';

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** A variable's value, trimmed. @throws ConfigurationError when it is missing or blank */
export function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigurationError(`${name} is not set`);
  return value;
}

function list(env: Env, name: string): string[] {
  const items = required(env, name)
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new ConfigurationError(`${name} lists nothing`);
  return [...new Set(items)];
}

/** A variable's whole number within limits. @throws ConfigurationError naming the variable */
export function integer(env: Env, name: string, limits: { min: number; max: number }): number {
  const text = required(env, name);
  const value = Number(text);
  if (!Number.isInteger(value) || value < limits.min || value > limits.max) {
    throw new ConfigurationError(
      `${name} must be an integer from ${limits.min} to ${limits.max}, got "${text}"`,
    );
  }
  return value;
}

/** Parses a comma list of task type names, naming the bad entry and the allowed values. */
export function parseTaskTypes(items: readonly string[], name: string): TaskTypeName[] {
  for (const item of items) {
    if (!isTaskTypeName(item)) {
      throw new ConfigurationError(
        `${name}: unknown task type "${item}"; allowed: ${TASK_TYPE_NAMES.join(', ')}`,
      );
    }
  }
  return items as TaskTypeName[];
}

/** `stallAfter` of one task type: minutes, or `off`. */
export type StallAfterValue = number | 'off';

/**
 * Parses `type=minutes|off` entries (`store-image=60`, `conversion=off`), naming the bad entry.
 * @throws ConfigurationError naming `name`, the entry and what is allowed
 */
export function parseStallAfterEntries(
  items: readonly string[],
  name: string,
): Partial<Record<TaskTypeName, StallAfterValue>> {
  const { min, max } = STALL_AFTER_LIMITS;
  const values: Partial<Record<TaskTypeName, StallAfterValue>> = {};
  for (const item of items) {
    const match = /^([\w-]+)\s*=\s*(\w+)$/.exec(item.trim());
    const [type, value] = match ? [match[1] as string, match[2] as string] : [item, ''];
    if (!isTaskTypeName(type)) {
      throw new ConfigurationError(
        `${name}: "${item}" does not start with a task type; expected type=minutes or type=off, types: ${TASK_TYPE_NAMES.join(', ')}`,
      );
    }
    const minutes = Number(value);
    if (value !== 'off' && !(/^\d+$/.test(value) && minutes >= min && minutes <= max)) {
      throw new ConfigurationError(
        `${name}: "${item}" must give whole minutes from ${min} to ${max}, or off`,
      );
    }
    values[type] = value === 'off' ? 'off' : minutes;
  }
  return values;
}

/** The thresholds of the polled types, every one named in the variable (off leaves a type out). */
function stallThresholds(env: Env, taskTypes: readonly TaskTypeName[]): StallThresholds {
  const values = parseStallAfterEntries(list(env, ENV.stallAfter), ENV.stallAfter);
  const thresholds: Partial<Record<TaskTypeName, number>> = {};
  for (const type of taskTypes) {
    const value = values[type];
    if (value === undefined) throw new ConfigurationError(`${ENV.stallAfter}: no value for ${type}`);
    if (value !== 'off') thresholds[type] = value;
  }
  return thresholds;
}

/** Reads what every poll reads (the poller's and the worker's). */
function readPollSettings(env: Env): PollSettings {
  const taskTypes = parseTaskTypes(list(env, ENV.taskTypes), ENV.taskTypes);
  return {
    account: accountId(env, ENV.accountId),
    tableName: required(env, ENV.tableName),
    taskTypes,
    progressStep: integer(env, ENV.progressStep, LIMITS.progressStep),
    retentionDays: integer(env, ENV.retentionDays, LIMITS.retentionDays),
    disappearAfterMisses: integer(env, ENV.disappearAfterMisses, LIMITS.disappearAfterMisses),
    quotaWarningShare: readQuotaWarningShare(env),
    stallAfter: stallThresholds(env, taskTypes),
  };
}

/**
 * Reads the quota warning share of the poller and the worker: a share of the limit, or undefined
 * for `off`. @throws ConfigurationError naming the variable
 */
export function readQuotaWarningShare(env: Env = process.env): number | undefined {
  const text = required(env, ENV.quotaWarningShare);
  try {
    return quotaWarningShareOf(text);
  } catch {
    throw new ConfigurationError(
      `${ENV.quotaWarningShare} must be ${QUOTA_WARNING_SHARE_ALLOWED}, got "${text}"`,
    );
  }
}

/** Reads the poller's configuration. Throws {@link ConfigurationError} naming the bad variable. */
export function readPollerConfig(env: Env = process.env): PollerConfig {
  const regions = list(env, ENV.regions);
  const badRegion = regions.find((region) => !REGION_PATTERN.test(region));
  if (badRegion) throw new ConfigurationError(`${ENV.regions}: "${badRegion}" is not a Region name`);
  return {
    ...readPollSettings(env),
    regions,
    pollIntervalSeconds: integer(env, ENV.pollIntervalSeconds, LIMITS.pollIntervalSeconds),
    ...fastPollOf(env),
  };
}

/** FAST_POLL_SECONDS: nothing when `off`, else a whole number within limits. */
function fastPollOf(env: Env): { fastPollSeconds?: number } {
  if (required(env, ENV.fastPollSeconds) === FAST_POLL_OFF) return {};
  try {
    return { fastPollSeconds: integer(env, ENV.fastPollSeconds, LIMITS.fastPollSeconds) };
  } catch (error) {
    throw new ConfigurationError(`${(error as Error).message}, or "${FAST_POLL_OFF}"`);
  }
}

/** A variable holding an SNS topic ARN. @throws ConfigurationError naming the variable */
export function topicArn(env: Env, name: string): string {
  const arn = required(env, name);
  if (!/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+$/.test(arn)) {
    throw new ConfigurationError(`${name} is not an SNS topic ARN: "${arn}"`);
  }
  return arn;
}

/**
 * Reads what every notifier needs. The deployed CHANNEL must be the handler's own: a function
 * deployed with another channel's handler would deliver to the wrong place.
 */
export function readNotifierConfig(channel: ChannelName, env: Env = process.env): NotifierConfig {
  const deployed = required(env, ENV.channel);
  if (deployed !== channel) {
    throw new ConfigurationError(`${ENV.channel} is "${deployed}" but this is the ${channel} notifier`);
  }
  return {
    channel,
    tableName: required(env, ENV.tableName),
    retentionDays: integer(env, ENV.retentionDays, LIMITS.retentionDays),
  };
}

/** Reads the publisher's configuration. Throws {@link ConfigurationError} naming the bad variable. */
export function readPublisherConfig(env: Env = process.env): PublisherConfig {
  return { tableName: required(env, ENV.tableName), topicArn: topicArn(env, ENV.topicArn) };
}

/** Settings of the dispatcher (organization mode). */
export interface DispatcherConfig {
  tableName: string;
  queueUrl: string;
  /** The deployment account: polled with the function's own credentials when selected. */
  account: string;
  accounts: AccountSelection;
  excludeAccounts: string[];
  /** The Regions named, or `enabled`: each account's enabled Regions. */
  regions: string[] | 'enabled';
  memberRoleName: string;
  /** Seconds between two cycles: a triggered unit is polled within the period its call falls in. */
  pollIntervalSeconds: number;
}

/** Settings of the worker (organization mode): every poll's, plus the member role and the cycle's length. */
export interface WorkerConfig extends PollSettings {
  memberRoleName: string;
  /** Seconds between two cycles: a unit message older than two of them is dropped. */
  pollIntervalSeconds: number;
  /** Seconds between two fast re-polls of a unit's listing with unfinished tasks; undefined: off. */
  fastPollSeconds?: number;
}

function accountId(env: Env, name: string): string {
  const account = required(env, name);
  if (!ACCOUNT_ID_PATTERN.test(account))
    throw new ConfigurationError(`${name} must be 12 digits, got "${account}"`);
  return account;
}

/** Reads the dispatcher's configuration. Throws {@link ConfigurationError} naming the bad variable. */
export function readDispatcherConfig(env: Env = process.env): DispatcherConfig {
  let accounts: AccountSelection;
  try {
    accounts = accountSelectionOf(list(env, ENV.accounts));
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(`${ENV.accounts}: ${(error as Error).message}`);
  }
  const excludeAccounts = (env[ENV.excludeAccounts] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const bad = excludeAccounts.find((id) => !ACCOUNT_ID_PATTERN.test(id));
  if (bad) throw new ConfigurationError(`${ENV.excludeAccounts}: "${bad}" is not an account id`);
  const regionList = list(env, ENV.regions);
  const regions = regionList.length === 1 && regionList[0] === 'enabled' ? 'enabled' : regionList;
  const badRegion =
    regions === 'enabled' ? undefined : regions.find((region) => !REGION_PATTERN.test(region));
  if (badRegion) throw new ConfigurationError(`${ENV.regions}: "${badRegion}" is not a Region name`);
  return {
    tableName: required(env, ENV.tableName),
    queueUrl: required(env, ENV.queueUrl),
    account: accountId(env, ENV.accountId),
    accounts,
    excludeAccounts,
    regions,
    memberRoleName: required(env, ENV.memberRoleName),
    pollIntervalSeconds: integer(env, ENV.pollIntervalSeconds, LIMITS.pollIntervalSeconds),
  };
}

/** Reads the worker's configuration. The Regions come with each unit, not from REGIONS. */
export function readWorkerConfig(env: Env = process.env): WorkerConfig {
  return {
    ...readPollSettings(env),
    memberRoleName: required(env, ENV.memberRoleName),
    pollIntervalSeconds: integer(env, ENV.pollIntervalSeconds, LIMITS.pollIntervalSeconds),
    ...fastPollOf(env),
  };
}
