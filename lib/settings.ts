// The stack's settings: read from CDK context (cdk.json or `cdk synth -c key=value`) and
// validated once into a typed MonitorSettings. Context values arrive as strings from the command
// line and as arrays, numbers or objects from cdk.json, so every parser accepts both. A bad value
// fails the synth with a SettingsError naming the setting, the value and what is allowed.
import { Token } from 'aws-cdk-lib';
import { distance } from 'fastest-levenshtein';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { CHANGE_TYPES, DEFAULT_DISAPPEAR_AFTER_MISSES } from '../lambdas/domain/changes';
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
  /** Consecutive complete listings an unfinished task must be missing from before TaskDisappeared. */
  readonly disappearAfterMisses: number;
  /** Slack through AWS Chatbot; absent when `slackWorkspaceId` and `slackChannelId` are not set. */
  readonly chatbot?: ChatbotSettings;
  /** Slack through an incoming webhook; absent when `slackWebhookSecretName` is not set. */
  readonly slackWebhook?: SlackWebhookSettings;
  /** Where every event is also put on EventBridge; absent when `eventBus` is not set. */
  readonly eventBus?: EventBusChoice;
}

/** A Slack channel reached through AWS Chatbot (Amazon Q Developer in chat applications). */
export interface ChatbotSettings {
  /** Id of the Slack workspace authorised in the Chatbot console, e.g. T0123ABCDEF. */
  readonly slackWorkspaceId: string;
  /** Id of the Slack channel, e.g. C0123ABCDEF (the Chatbot app must be invited to it). */
  readonly slackChannelId: string;
  /** Which changes reach the channel. */
  readonly filterPolicy: FilterPolicy;
}

/** A Slack channel reached through an incoming webhook. */
export interface SlackWebhookSettings {
  /** Name of the Secrets Manager secret whose value is the webhook URL. */
  readonly secretName: string;
  /** Which changes reach the channel. */
  readonly filterPolicy: FilterPolicy;
}

/** `default`: the account's default event bus; `create`: a bus the stack creates. */
export type EventBusChoice = 'default' | 'create';

/** The values of the `eventBus` setting. */
export const EVENT_BUS_CHOICES: readonly EventBusChoice[] = ['default', 'create'];

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
  disappearAfterMisses: 'disappearAfterMisses',
  slackWorkspaceId: 'slackWorkspaceId',
  slackChannelId: 'slackChannelId',
  chatFilterPolicy: 'chatFilterPolicy',
  slackWebhookSecretName: 'slackWebhookSecretName',
  webhookFilterPolicy: 'webhookFilterPolicy',
  eventBus: 'eventBus',
} as const;

/** Email subscribers hear about finished tasks (a terminal phase) and tasks that vanished, not every step. */
export const DEFAULT_EMAIL_FILTER_POLICY: FilterPolicy = {
  $or: [
    { changeType: ['TaskStateChanged'], phase: [...TERMINAL_PHASES] },
    { changeType: ['TaskDisappeared'] },
  ],
};

/**
 * Chat hears what email hears (finished tasks and vanished ones) and also every task the monitor
 * discovers, so a channel sees a task's thread start when the task does. A disappearance gets its
 * own branch: its phase is `unknown` (the task vanished before it was seen to finish), so a
 * terminal-phase condition would never let it through.
 */
export const DEFAULT_CHAT_FILTER_POLICY: FilterPolicy = {
  $or: [
    { changeType: ['TaskStateChanged'], phase: [...TERMINAL_PHASES] },
    { changeType: ['TaskDisappeared'] },
    { changeType: ['TaskDiscovered'] },
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

/**
 * Validates Region names against the Regions this CDK release knows, all in one partition: the
 * stack's, when its Region is known. A poller calls the EC2 endpoints of its own partition only
 * (credentials of `aws` do not sign in `aws-cn`, `aws-us-gov` or an isolated partition), so a
 * Region of another partition could never be listed. Unresolved tokens pass.
 *
 * @param stackRegion the Region the stack deploys to; a token (environment-agnostic stack) only
 *   requires the Regions to share one partition
 */
export function parseRegions(value: unknown, stackRegion?: string): string[] {
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
  const resolved = regions.filter((region) => !Token.isUnresolved(region));
  const anchor =
    stackRegion !== undefined && !Token.isUnresolved(stackRegion) && known.includes(stackRegion)
      ? { region: stackRegion, what: `the stack's Region ${stackRegion}` }
      : resolved[0] && { region: resolved[0], what: `the first Region ${resolved[0]}` };
  if (anchor) {
    const partition = RegionInfo.get(anchor.region).partition;
    const stranger = resolved.find((region) => RegionInfo.get(region).partition !== partition);
    if (stranger) {
      fail(
        setting,
        `${show(stranger)} is in partition ${RegionInfo.get(stranger).partition}, but ${anchor.what} is in ` +
          `partition ${partition}, and a poller can only call the EC2 endpoints of its own partition`,
        `Regions of partition ${partition} (deploy another stack in the other partition)`,
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

function checkPolicy(setting: string, policy: unknown, where: string): void {
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
      values.forEach((branch, index) => checkPolicy(setting, branch, `$or[${index}]`));
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
 *
 * @param setting the setting named in errors
 */
export function parseFilterPolicy(setting: string, value: unknown): FilterPolicy {
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
  checkPolicy(setting, policy, 'the policy');
  return policy as FilterPolicy;
}

/** Validates the email subscriptions' filter policy (see {@link parseFilterPolicy}). */
export function parseEmailFilterPolicy(value: unknown): FilterPolicy {
  return parseFilterPolicy(SETTING_KEYS.emailFilterPolicy, value);
}

// CloudFormation's patterns for AWS::Chatbot::SlackChannelConfiguration.
const SLACK_WORKSPACE_ID = /^[0-9A-Z]{1,255}$/;
const SLACK_CHANNEL_ID = /^[A-Za-z0-9]{1,256}$/;
// Secrets Manager's rule for secret names.
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** A channel's filter is set but the channel is not: most likely a forgotten setting. */
function unused(setting: string, needs: string): never {
  return fail(setting, `set, but ${needs} not`, `${setting} only together with ${needs}`);
}

function optionalText(setting: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(setting, `${show(value)} is not text`, 'a string');
  return value.trim() || undefined;
}

/**
 * Validates the Chatbot channel: `slackWorkspaceId` and `slackChannelId` together (or neither),
 * in the forms the Chatbot console shows, and the channel's filter policy.
 *
 * @returns undefined when neither id is set (no Chatbot channel)
 */
export function parseChatbot(
  workspaceValue: unknown,
  channelValue: unknown,
  filterValue?: unknown,
): ChatbotSettings | undefined {
  const workspaceId = optionalText(SETTING_KEYS.slackWorkspaceId, workspaceValue);
  const channelId = optionalText(SETTING_KEYS.slackChannelId, channelValue);
  if (workspaceId === undefined && channelId === undefined) {
    if (filterValue !== undefined)
      unused(SETTING_KEYS.chatFilterPolicy, 'slackWorkspaceId and slackChannelId');
    return undefined;
  }
  if (workspaceId === undefined) {
    fail(
      SETTING_KEYS.slackWorkspaceId,
      'not set but slackChannelId is',
      'the workspace id from the Chatbot console, e.g. T0123ABCDEF',
    );
  }
  if (channelId === undefined) {
    fail(
      SETTING_KEYS.slackChannelId,
      'not set but slackWorkspaceId is',
      'the channel id from Slack, e.g. C0123ABCDEF',
    );
  }
  if (!SLACK_WORKSPACE_ID.test(workspaceId)) {
    fail(
      SETTING_KEYS.slackWorkspaceId,
      `${show(workspaceId)} is not a workspace id`,
      'upper-case letters and digits, e.g. T0123ABCDEF',
    );
  }
  if (!SLACK_CHANNEL_ID.test(channelId)) {
    fail(
      SETTING_KEYS.slackChannelId,
      `${show(channelId)} is not a channel id`,
      'letters and digits, e.g. C0123ABCDEF (not the #name)',
    );
  }
  return {
    slackWorkspaceId: workspaceId,
    slackChannelId: channelId,
    filterPolicy: parseFilterPolicy(SETTING_KEYS.chatFilterPolicy, filterValue ?? DEFAULT_CHAT_FILTER_POLICY),
  };
}

/**
 * Validates the webhook channel: the name (never the URL) of the secret holding the webhook URL,
 * and the channel's filter policy.
 *
 * @returns undefined when no secret name is set (no webhook channel)
 */
export function parseSlackWebhook(
  secretValue: unknown,
  filterValue?: unknown,
): SlackWebhookSettings | undefined {
  const setting = SETTING_KEYS.slackWebhookSecretName;
  const secretName = optionalText(setting, secretValue);
  if (secretName === undefined) {
    if (filterValue !== undefined) unused(SETTING_KEYS.webhookFilterPolicy, setting);
    return undefined;
  }
  if (/^https?:/i.test(secretName)) {
    fail(
      setting,
      'looks like the webhook URL itself, which must not be in the template',
      'the name of a Secrets Manager secret holding the URL',
    );
  }
  if (!SECRET_NAME.test(secretName)) {
    fail(setting, `${show(secretName)} is not a secret name`, 'up to 512 letters, digits and /_+=.@-');
  }
  return {
    secretName,
    filterPolicy: parseFilterPolicy(
      SETTING_KEYS.webhookFilterPolicy,
      filterValue ?? DEFAULT_CHAT_FILTER_POLICY,
    ),
  };
}

/** Validates the `eventBus` setting. */
export function parseEventBus(value: unknown): EventBusChoice | undefined {
  const choice = optionalText(SETTING_KEYS.eventBus, value);
  if (choice === undefined) return undefined;
  if (!EVENT_BUS_CHOICES.includes(choice as EventBusChoice)) {
    fail(SETTING_KEYS.eventBus, `${show(choice)} is not valid`, EVENT_BUS_CHOICES.join(', '));
  }
  return choice as EventBusChoice;
}

/** Validates the progress step (LIMITS.progressStep). */
export function parseProgressStep(value: unknown): number {
  return integer(SETTING_KEYS.progressStep, value, LIMITS.progressStep);
}

/** Validates the number of misses before a disappearance (LIMITS.disappearAfterMisses). */
export function parseDisappearAfterMisses(value: unknown): number {
  return integer(SETTING_KEYS.disappearAfterMisses, value, LIMITS.disappearAfterMisses);
}

/** Validates the retention in days (LIMITS.retentionDays). */
export function parseRetentionDays(value: unknown): number {
  return integer(SETTING_KEYS.retentionDays, value, LIMITS.retentionDays);
}

/**
 * Context keys of the CDK itself, which the CLI, cdk.json and cdk.context.json put beside the
 * settings: feature flags (`@aws-cdk/...`), the CLI's keys (`aws:cdk:...`, `cli-telemetry`,
 * `acknowledged-issue-numbers`), cached lookups (`availability-zones:account=...`) and the like.
 */
export function isCdkContextKey(key: string): boolean {
  return (
    key.startsWith('@') ||
    key.includes(':') ||
    key.startsWith('cdk') ||
    key.startsWith('aws-cdk') ||
    ['cli-telemetry', 'acknowledged-issue-numbers'].includes(key)
  );
}

const SETTING_NAMES: readonly string[] = Object.values(SETTING_KEYS);

/** The setting a mistyped key most likely meant: same letters up to case and `-`/`_`, a prefix, or one or two edits away. */
export function closestSetting(key: string): string | undefined {
  const plain = (text: string) => text.toLowerCase().replace(/[-_\s]/g, '');
  const typed = plain(key);
  let best: { name: string; distance: number } | undefined;
  for (const name of SETTING_NAMES) {
    const candidate = plain(name);
    if (candidate === typed) return name;
    const prefix = typed.length >= 4 && (candidate.startsWith(typed) || typed.startsWith(candidate));
    const edits = prefix ? 0 : distance(typed, candidate);
    if (edits <= 2 && (best === undefined || edits < best.distance)) best = { name, distance: edits };
  }
  return best?.name;
}

/**
 * Fails on a context key that is neither a setting nor the CDK's own (see {@link isCdkContextKey}):
 * `-c email=ops@example.com` would otherwise be ignored and subscribe nobody.
 * @throws SettingsError naming the key and the setting it most likely meant
 */
export function checkContextKeys(keys: Iterable<string>): void {
  for (const key of keys) {
    if (SETTING_NAMES.includes(key) || isCdkContextKey(key)) continue;
    const meant = closestSetting(key);
    fail(key, `not a setting${meant ? `, did you mean ${show(meant)}?` : ''}`, SETTING_NAMES.join(', '));
  }
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
    regions: parseRegions(raw(SETTING_KEYS.regions, [stackRegion]), stackRegion),
    taskTypes: parseTaskTypeSetting(raw(SETTING_KEYS.taskTypes, TASK_TYPE_NAMES)),
    emails: parseEmails(raw(SETTING_KEYS.emails, [])),
    operatorEmails: parseOperatorEmails(raw(SETTING_KEYS.operatorEmails, [])),
    emailFilterPolicy: parseEmailFilterPolicy(
      raw(SETTING_KEYS.emailFilterPolicy, DEFAULT_EMAIL_FILTER_POLICY),
    ),
    progressStep: parseProgressStep(raw(SETTING_KEYS.progressStep, DEFAULT_PROGRESS_STEP)),
    retentionDays: parseRetentionDays(raw(SETTING_KEYS.retentionDays, DEFAULT_RETENTION_DAYS)),
    disappearAfterMisses: parseDisappearAfterMisses(
      raw(SETTING_KEYS.disappearAfterMisses, DEFAULT_DISAPPEAR_AFTER_MISSES),
    ),
    ...present({
      chatbot: parseChatbot(
        get(SETTING_KEYS.slackWorkspaceId),
        get(SETTING_KEYS.slackChannelId),
        get(SETTING_KEYS.chatFilterPolicy),
      ),
      slackWebhook: parseSlackWebhook(
        get(SETTING_KEYS.slackWebhookSecretName),
        get(SETTING_KEYS.webhookFilterPolicy),
      ),
      eventBus: parseEventBus(get(SETTING_KEYS.eventBus)),
    }),
  };
}

/** The entries whose value is defined, so optional settings that are off are absent, not undefined. */
function present<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
