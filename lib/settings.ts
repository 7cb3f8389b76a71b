// The stack's settings: read from CDK context (cdk.json or `cdk synth -c key=value`) and
// validated once into a typed MonitorSettings. Context values arrive as strings from the command
// line and as arrays, numbers or objects from cdk.json, so every parser accepts both. A bad value
// fails the synth with a SettingsError naming the setting, the value and what is allowed.
import { Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { CHANGE_TYPES } from '../lambdas/domain/changes';
import { EVENT_ATTRIBUTE_NAMES } from '../lambdas/domain/event';
import { PHASES, TERMINAL_PHASES } from '../lambdas/domain/phase';
import { TASK_TYPE_NAMES, type TaskTypeName } from '../lambdas/domain/task';
import { ConfigurationError, LIMITS, parseTaskTypes } from '../lambdas/shared/config';

/** A setting of the stack has a bad value. The message names the setting, the value and the allowed values. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** An SNS subscription filter policy (scope MessageAttributes): attribute name to allowed values, or `$or`. */
export type FilterPolicy = { readonly [key: string]: readonly unknown[] };

/** The validated settings of one monitor deployment. */
export interface MonitorSettings {
  /** EventBridge schedule expression of the poll, `rate(...)` or `cron(...)`. */
  readonly schedule: string;
  /** Regions the poller lists tasks in. */
  readonly regions: readonly string[];
  /** Task types the poller lists (and is allowed to list). */
  readonly taskTypes: readonly TaskTypeName[];
  /** Addresses subscribed to the topic by email. */
  readonly emails: readonly string[];
  /** Addresses subscribed by email to the operator topic (the alarms). */
  readonly operatorEmails: readonly string[];
  /** Filter policy of the email subscriptions. */
  readonly emailFilterPolicy: FilterPolicy;
  /** Progress granularity in percent. */
  readonly progressStep: number;
  /** Days a recorded change and a vanished task's snapshot are kept. */
  readonly retentionDays: number;
}

/** Context keys of the settings (`cdk synth -c <key>=<value>`). */
export const SETTING_KEYS = {
  schedule: 'schedule',
  regions: 'regions',
  taskTypes: 'taskTypes',
  emails: 'emails',
  operatorEmails: 'operatorEmails',
  emailFilterPolicy: 'emailFilterPolicy',
  progressStep: 'progressStep',
  retentionDays: 'retentionDays',
} as const;

/** Email subscribers hear about finished tasks (a terminal phase) and tasks that vanished, not every step. */
export const DEFAULT_EMAIL_FILTER_POLICY: FilterPolicy = {
  $or: [
    { changeType: ['TaskStateChanged'], phase: [...TERMINAL_PHASES] },
    { changeType: ['TaskDisappeared'] },
  ],
};

/** Poll once a minute: EC2 tasks take minutes to hours, so a minute is timely and cheap. */
export const DEFAULT_SCHEDULE = 'rate(1 minute)';
/** TaskProgressed at 25, 50 and 75 percent. */
export const DEFAULT_PROGRESS_STEP = 25;
/** A month of history is enough to answer "what happened to that import last week". */
export const DEFAULT_RETENTION_DAYS = 30;

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
const CRON_FIELD = /^[\w*?,/#-]+$/;
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const REGIONS_SHOWN = 5;

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

function fail(setting: string, problem: string, allowed: string): never {
  throw new SettingsError(`${setting}: ${problem}; allowed: ${allowed}`);
}

/** A comma string (`a,b`) or an array of strings, trimmed, without empties and duplicates. */
function stringList(setting: string, value: unknown): string[] {
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || items.some((item) => typeof item !== 'string')) {
    fail(setting, `${show(value)} is not a list`, 'a comma-separated string or an array of strings');
  }
  return [...new Set((items as string[]).map((item) => item.trim()).filter(Boolean))];
}

function integer(setting: string, value: unknown, limits: { min: number; max: number }): number {
  // Command-line context is text: accept plain digits only, not "1e1", "0x10" or "".
  const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < limits.min || number > limits.max) {
    fail(setting, `${show(value)} is not valid`, `an integer from ${limits.min} to ${limits.max}`);
  }
  return number;
}

/**
 * Validates an EventBridge schedule expression: `rate(N unit)` with N ≥ 1 and the unit singular
 * exactly when N is 1, or `cron(...)` with six fields, one of day-of-month and day-of-week `?`.
 */
export function parseSchedule(value: unknown): string {
  const setting = SETTING_KEYS.schedule;
  const allowed =
    'rate(N minute|minutes|hour|hours|day|days) with N ≥ 1 (singular unit only when N is 1), or cron(<6 fields>)';
  const text = typeof value === 'string' ? value.trim() : '';
  const rate = RATE.exec(text);
  if (rate) {
    const amount = Number(rate[1]);
    const singular = !(rate[2] as string).endsWith('s');
    if (amount >= 1 && singular === (amount === 1)) return text;
  }
  const cron = CRON.exec(text);
  if (cron) {
    const fields = (cron[1] as string).trim().split(/\s+/);
    const [, , dayOfMonth, , dayOfWeek] = fields;
    const oneQuestionMark = (dayOfMonth === '?') !== (dayOfWeek === '?');
    if (fields.length === 6 && fields.every((field) => CRON_FIELD.test(field)) && oneQuestionMark)
      return text;
  }
  return fail(
    setting,
    `${show(value)} is not a valid schedule expression`,
    `${allowed}; a cron needs "?" in exactly one of day-of-month and day-of-week`,
  );
}

/** Validates Region names against the Regions this CDK release knows. Unresolved tokens pass. */
export function parseRegions(value: unknown): string[] {
  const setting = SETTING_KEYS.regions;
  const known = RegionInfo.regions.map((region) => region.name);
  const regions = stringList(setting, value);
  if (regions.length === 0) fail(setting, 'no Region given', 'at least one Region');
  for (const region of regions) {
    if (!Token.isUnresolved(region) && !known.includes(region)) {
      fail(
        setting,
        `unknown Region ${show(region)}`,
        `${known.slice(0, REGIONS_SHOWN).join(', ')}, … (${known.length} Regions)`,
      );
    }
  }
  return regions;
}

/** Validates task type names (see TASK_TYPE_NAMES). */
export function parseTaskTypeSetting(value: unknown): TaskTypeName[] {
  const setting = SETTING_KEYS.taskTypes;
  const names = stringList(setting, value);
  if (names.length === 0) fail(setting, 'no task type given', TASK_TYPE_NAMES.join(', '));
  try {
    return parseTaskTypes(names, setting);
  } catch (error) {
    // Same check and message as the poller's TASK_TYPES, surfaced as a settings error.
    if (error instanceof ConfigurationError) throw new SettingsError(error.message);
    throw error;
  }
}

function emailList(setting: string, value: unknown): string[] {
  const emails = stringList(setting, value);
  for (const email of emails) {
    if (!EMAIL.test(email))
      fail(setting, `${show(email)} is not an email address`, 'addresses like ops@example.com');
  }
  return emails;
}

/** Validates email addresses; an empty list is allowed (no email subscription). */
export function parseEmails(value: unknown): string[] {
  return emailList(SETTING_KEYS.emails, value);
}

/** Validates the operators' email addresses; an empty list is allowed (no subscription to the alarms). */
export function parseOperatorEmails(value: unknown): string[] {
  return emailList(SETTING_KEYS.operatorEmails, value);
}

const ATTRIBUTE_VALUES: Readonly<Partial<Record<string, readonly string[]>>> = {
  changeType: CHANGE_TYPES,
  taskType: TASK_TYPE_NAMES,
  phase: PHASES,
  previousPhase: PHASES,
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkPolicy(policy: unknown, where: string): void {
  const setting = SETTING_KEYS.emailFilterPolicy;
  // Only the attributes the publisher sets can ever match.
  const keys = ['$or', ...EVENT_ATTRIBUTE_NAMES];
  if (!isPlainObject(policy) || Object.keys(policy).length === 0) {
    fail(
      setting,
      `${where} ${show(policy)} is not a non-empty JSON object`,
      `an object with keys ${keys.join(', ')}`,
    );
  }
  for (const [key, values] of Object.entries(policy)) {
    if (!keys.includes(key)) fail(setting, `unknown key ${show(key)} in ${where}`, keys.join(', '));
    if (!Array.isArray(values) || values.length === 0) {
      fail(setting, `${show(key)} in ${where} is ${show(values)}`, 'a non-empty array of values');
    }
    if (key === '$or') {
      values.forEach((branch, index) => checkPolicy(branch, `$or[${index}]`));
      continue;
    }
    const allowed = ATTRIBUTE_VALUES[key];
    for (const item of values) {
      // Plain strings are exact matches and can be checked; operators (prefix, anything-but, ...)
      // are left to SNS.
      if (typeof item === 'string' && allowed && !allowed.includes(item)) {
        fail(setting, `${show(item)} is not a value of ${show(key)} in ${where}`, allowed.join(', '));
      }
      if (!['string', 'number'].includes(typeof item) && !isPlainObject(item)) {
        fail(
          setting,
          `${show(item)} in ${show(key)} in ${where} is not a value`,
          'strings, numbers or operator objects',
        );
      }
    }
  }
}

/**
 * Validates an SNS filter policy on the message attributes: an object (or its JSON text) whose
 * keys are `$or` or message attribute names and whose values are non-empty arrays; exact values
 * of changeType, taskType, phase and previousPhase must be ones the publisher can send.
 */
export function parseEmailFilterPolicy(value: unknown): FilterPolicy {
  const setting = SETTING_KEYS.emailFilterPolicy;
  let policy = value;
  if (typeof value === 'string') {
    try {
      policy = JSON.parse(value);
    } catch {
      fail(
        setting,
        `${show(value)} is not JSON`,
        'a JSON object such as {"changeType":["TaskStateChanged"]}',
      );
    }
  }
  checkPolicy(policy, 'the policy');
  return policy as FilterPolicy;
}

/** Validates the progress step (LIMITS.progressStep). */
export function parseProgressStep(value: unknown): number {
  return integer(SETTING_KEYS.progressStep, value, LIMITS.progressStep);
}

/** Validates the retention in days (LIMITS.retentionDays). */
export function parseRetentionDays(value: unknown): number {
  return integer(SETTING_KEYS.retentionDays, value, LIMITS.retentionDays);
}

/** Where settings come from: a construct node (its context) or any key lookup. */
export type SettingsSource = { tryGetContext(key: string): unknown } | ((key: string) => unknown);

/**
 * Reads and validates every setting from CDK context, applying the defaults.
 *
 * @param source a construct node (`app.node`) or a function returning the raw value of a key
 * @param stackRegion the Region polled when `regions` is not set
 * @throws SettingsError naming the first bad setting, its value and the allowed values
 */
export function readSettings(source: SettingsSource, stackRegion: string): MonitorSettings {
  const get = typeof source === 'function' ? source : (key: string) => source.tryGetContext(key);
  const raw = (key: string, fallback: unknown): unknown => get(key) ?? fallback;
  return {
    schedule: parseSchedule(raw(SETTING_KEYS.schedule, DEFAULT_SCHEDULE)),
    regions: parseRegions(raw(SETTING_KEYS.regions, [stackRegion])),
    taskTypes: parseTaskTypeSetting(raw(SETTING_KEYS.taskTypes, TASK_TYPE_NAMES)),
    emails: parseEmails(raw(SETTING_KEYS.emails, [])),
    operatorEmails: parseOperatorEmails(raw(SETTING_KEYS.operatorEmails, [])),
    emailFilterPolicy: parseEmailFilterPolicy(
      raw(SETTING_KEYS.emailFilterPolicy, DEFAULT_EMAIL_FILTER_POLICY),
    ),
    progressStep: parseProgressStep(raw(SETTING_KEYS.progressStep, DEFAULT_PROGRESS_STEP)),
    retentionDays: parseRetentionDays(raw(SETTING_KEYS.retentionDays, DEFAULT_RETENTION_DAYS)),
  };
}
