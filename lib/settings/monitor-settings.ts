// The monitor's own settings (each channel describes its own in channels/<name>/settings.ts): for
// every prop set from context, its key, default and check. The props' documentation is on
// Ec2TaskMonitorProps; adding a setting is a field there, an entry here, and the function variable
// that carries it where a function reads it.
import { Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import {
  ACCOUNT_ID_PATTERN,
  type AccountSelection,
  accountItemProblem,
  accountSelectionOf,
} from '../../lambdas/domain/accounts';
import {
  DEFAULT_QUOTA_WARNING_SHARE,
  QUOTA_WARNING_SHARE_ALLOWED,
  quotaWarningShareOf,
} from '../../lambdas/domain/quota';
import { TASK_TYPE_NAMES, type TaskTypeName } from '../../lambdas/domain/task';
import {
  ConfigurationError,
  FAST_POLL_OFF,
  LIMITS,
  parseStallAfterEntries,
  parseTaskTypes,
  type StallAfterValue,
} from '../../lambdas/shared/config';
import {
  DEFAULT_CLOUDTRAIL_TRIGGER,
  DEFAULT_FAST_POLL_SECONDS,
  DEFAULT_DISAPPEAR_AFTER_MISSES,
  DEFAULT_DASHBOARD,
  DEFAULT_MEMBER_ROLE_NAME,
  DEFAULT_TOPIC_KEYS,
  DEFAULT_WORKER_CONCURRENCY,
  DEFAULT_EMAIL_FILTER_POLICY,
  DEFAULT_PROGRESS_STEP,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_SCHEDULE,
  DEFAULT_STALL_AFTER_MINUTES,
} from '../defaults';
import { type FilterPolicy, parseFilterPolicy } from './filter-policy';
import type { Setting } from './setting';
import { fail, SettingsError, show } from './settings-error';
import { boolean, emailList, integer, isPlainObject, stringList } from './values';

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
const CRON_FIELD = /^[\w*?,/#-]+$/;
const REGIONS_SHOWN = 5;

/** Validates the quota warning share: a share of the limit (0 < share ≤ 1), or `off`. */
export function parseQuotaWarningShare(value: unknown): number | 'off' {
  try {
    return quotaWarningShareOf(value) ?? 'off';
  } catch {
    return fail('quotaWarningShare', `${show(value)} is not valid`, QUOTA_WARNING_SHARE_ALLOWED);
  }
}

/**
 * Validates an EventBridge schedule expression: `rate(N unit)` with N ≥ 1 and the unit singular
 * exactly when N is 1, or `cron(...)` with six fields, one of day-of-month and day-of-week `?`.
 */
export function parseScheduleExpression(value: unknown): string {
  const setting = 'schedule';
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
  const setting = 'regions';
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

/** `enabled`: every Region enabled in each account (Account Management ListRegions), refreshed daily. */
export const ENABLED_REGIONS = 'enabled';

/** What `regions` selects: the Regions named, or each account's enabled Regions. */
export type RegionSelection = string[] | typeof ENABLED_REGIONS;

/** Validates `regions`: `enabled`, or a list of Region names (see {@link parseRegions}). */
export function parseRegionSelection(value: unknown, stackRegion?: string): RegionSelection {
  const items = stringList('regions', value);
  if (items.includes(ENABLED_REGIONS)) {
    if (items.length === 1) return ENABLED_REGIONS;
    fail('regions', '"enabled" combined with Region names', '"enabled" alone, or a list of Regions');
  }
  return parseRegions(value, stackRegion);
}

const ACCOUNTS_ALLOWED =
  'self, organization, or a comma list of 12-digit account ids, OU ids (ou-…) and root ids (r-…)';

/** Validates `accounts`: `self`, `organization`, or a list of account, OU and root ids. */
export function parseAccounts(value: unknown): AccountSelection {
  const setting = 'accounts';
  const items = stringList(setting, value);
  if (items.length === 0) fail(setting, 'nothing given', ACCOUNTS_ALLOWED);
  try {
    return accountSelectionOf(items);
  } catch (error) {
    return fail(setting, (error as Error).message, ACCOUNTS_ALLOWED);
  }
}

/** Validates `excludeAccounts`: 12-digit account ids (an empty list is allowed). */
export function parseExcludedAccounts(value: unknown): string[] {
  const setting = 'excludeAccounts';
  const ids = stringList(setting, value);
  for (const id of ids) {
    if (!ACCOUNT_ID_PATTERN.test(id))
      fail(setting, accountItemProblem(id) ?? `${show(id)} is not an account id`, '12-digit account ids');
  }
  return ids;
}

/** IAM's rule for role names: 1 to 64 of letters, digits and `+=,.@_-`. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** Validates the member role's name. */
export function parseRoleName(value: unknown): string {
  const setting = 'memberRoleName';
  const name = typeof value === 'string' ? value.trim() : value;
  if (typeof name !== 'string' || !ROLE_NAME.test(name)) {
    fail(setting, `${show(value)} is not a valid IAM role name`, '1 to 64 letters, digits and +=,.@_-');
  }
  return name;
}

/**
 * How the member role reaches the member accounts: a StackSet the monitor's stack creates as a
 * delegated administrator (`delegated-admin`, CallAs DELEGATED_ADMIN) or from the management
 * account (`management`, CallAs SELF), or by hand (`none`: no StackSet; deploy the role's
 * template yourself).
 */
const MEMBER_ROLE_DEPLOYMENTS = ['delegated-admin', 'management', 'none'] as const;
/** One of {@link MEMBER_ROLE_DEPLOYMENTS}. */
export type MemberRoleDeployment = (typeof MEMBER_ROLE_DEPLOYMENTS)[number];

/** Validates `memberRoleStackSet`. */
export function parseMemberRoleDeployment(value: unknown): MemberRoleDeployment {
  const text = typeof value === 'string' ? value.trim() : value;
  if (!MEMBER_ROLE_DEPLOYMENTS.includes(text as MemberRoleDeployment)) {
    fail('memberRoleStackSet', `${show(value)} is not valid`, MEMBER_ROLE_DEPLOYMENTS.join(', '));
  }
  return text as MemberRoleDeployment;
}

/** How the two topics are encrypted: one customer-managed key for both, or one each. */
export const TOPIC_KEYS = ['shared', 'per-topic'] as const;
/** One of {@link TOPIC_KEYS}. */
export type TopicKeys = (typeof TOPIC_KEYS)[number];

/** Validates `topicKeys`. */
export function parseTopicKeys(value: unknown): TopicKeys {
  const text = typeof value === 'string' ? value.trim() : value;
  if (!TOPIC_KEYS.includes(text as TopicKeys))
    fail('topicKeys', `${show(value)} is not valid`, TOPIC_KEYS.join(', '));
  return text as TopicKeys;
}

/** Validates `memberRoleTargets`: OU and root ids the StackSet deploys the member role to. */
export function parseTargets(value: unknown): string[] {
  const setting = 'memberRoleTargets';
  const ids = stringList(setting, value);
  for (const id of ids) {
    if (ACCOUNT_ID_PATTERN.test(id) || accountItemProblem(id)) {
      fail(setting, `${show(id)} is not an OU or root id`, 'OU ids (ou-…) and root ids (r-…)');
    }
  }
  return ids;
}

/** Limits of the worker's event source `MaximumConcurrency` (Lambda's for SQS). */
const WORKER_CONCURRENCY_LIMITS = { min: 2, max: 1000 } as const;

/** Validates task type names (see TASK_TYPE_NAMES). */
export function parseTaskTypeSetting(value: unknown): TaskTypeName[] {
  const setting = 'taskTypes';
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

/** `fastPollSeconds`: seconds between fast re-polls, or `off`. */
export type FastPollSetting = number | typeof FAST_POLL_OFF;

/** Validates `fastPollSeconds`: `off`, or whole seconds within LIMITS.fastPollSeconds. */
export function parseFastPollSeconds(value: unknown): FastPollSetting {
  if (typeof value === 'string' && value.trim() === FAST_POLL_OFF) return FAST_POLL_OFF;
  const { min, max } = LIMITS.fastPollSeconds;
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    fail(
      'fastPollSeconds',
      `${show(value)} is not valid`,
      `an integer from ${min} to ${max}, or "${FAST_POLL_OFF}"`,
    );
  }
  return number;
}

/** `stallAfter` of every task type: minutes, or `off`. */
export type StallAfterSetting = Readonly<Record<TaskTypeName, StallAfterValue>>;

/**
 * Validates `stallAfter`: an object of task type to minutes or `'off'` (a prop, or JSON in
 * cdk.json), or the text `type=minutes|off,...` (from `-c`); the types left out keep their default.
 */
export function parseStallAfter(value: unknown): StallAfterSetting {
  const setting = 'stallAfter';
  const allowed = 'task type = whole minutes from 5 to 10080, or off (e.g. store-image=30,conversion=off)';
  const items = isPlainObject(value)
    ? Object.entries(value).map(([type, minutes]) => `${type}=${String(minutes)}`)
    : stringList(setting, value);
  try {
    return { ...DEFAULT_STALL_AFTER_MINUTES, ...parseStallAfterEntries(items, setting) };
  } catch (error) {
    if (error instanceof ConfigurationError)
      fail(setting, error.message.replace(/^stallAfter: /, ''), allowed);
    throw error;
  }
}

/** The `STALL_AFTER` variable: every type's value, `type=minutes|off` comma-separated. */
export function stallAfterVariable(value: StallAfterSetting): string {
  return TASK_TYPE_NAMES.map((type) => `${type}=${value[type]}`).join(',');
}

/** The monitor's settings: each a prop of Ec2TaskMonitorProps set by the context key of the same name. */
export const MONITOR_SETTINGS = {
  schedule: {
    key: 'schedule',
    default: events.Schedule.expression(DEFAULT_SCHEDULE),
    parse: (value: unknown): events.Schedule =>
      value instanceof events.Schedule ? value : events.Schedule.expression(parseScheduleExpression(value)),
  } satisfies Setting<events.Schedule>,
  regions: {
    key: 'regions',
    default: ({ stackRegion }) => parseRegions([stackRegion], stackRegion),
    parse: (value, { stackRegion }) => parseRegionSelection(value, stackRegion),
  } satisfies Setting<RegionSelection>,
  taskTypes: {
    key: 'taskTypes',
    default: [...TASK_TYPE_NAMES],
    parse: parseTaskTypeSetting,
  } satisfies Setting<TaskTypeName[]>,
  emails: { key: 'emails', default: [], parse: (value) => emailList('emails', value) } satisfies Setting<
    string[]
  >,
  operatorEmails: {
    key: 'operatorEmails',
    default: [],
    parse: (value) => emailList('operatorEmails', value),
  } satisfies Setting<string[]>,
  emailFilterPolicy: {
    key: 'emailFilterPolicy',
    default: DEFAULT_EMAIL_FILTER_POLICY,
    parse: (value) => parseFilterPolicy('emailFilterPolicy', value),
  } satisfies Setting<FilterPolicy>,
  progressStep: {
    key: 'progressStep',
    default: DEFAULT_PROGRESS_STEP,
    parse: (value) => integer('progressStep', value, LIMITS.progressStep),
  } satisfies Setting<number>,
  retentionDays: {
    key: 'retentionDays',
    default: DEFAULT_RETENTION_DAYS,
    parse: (value) => integer('retentionDays', value, LIMITS.retentionDays),
  } satisfies Setting<number>,
  disappearAfterMisses: {
    key: 'disappearAfterMisses',
    default: DEFAULT_DISAPPEAR_AFTER_MISSES,
    parse: (value) => integer('disappearAfterMisses', value, LIMITS.disappearAfterMisses),
  } satisfies Setting<number>,
  quotaWarningShare: {
    key: 'quotaWarningShare',
    default: DEFAULT_QUOTA_WARNING_SHARE,
    parse: parseQuotaWarningShare,
  } satisfies Setting<number | 'off'>,
  stallAfter: {
    key: 'stallAfter',
    default: { ...DEFAULT_STALL_AFTER_MINUTES },
    parse: parseStallAfter,
  } satisfies Setting<StallAfterSetting>,
  accounts: {
    key: 'accounts',
    default: { mode: 'self' },
    parse: parseAccounts,
  } satisfies Setting<AccountSelection>,
  excludeAccounts: {
    key: 'excludeAccounts',
    default: [],
    parse: parseExcludedAccounts,
  } satisfies Setting<string[]>,
  memberRoleName: {
    key: 'memberRoleName',
    default: DEFAULT_MEMBER_ROLE_NAME,
    parse: parseRoleName,
  } satisfies Setting<string>,
  memberRoleStackSet: {
    key: 'memberRoleStackSet',
    default: 'delegated-admin',
    parse: parseMemberRoleDeployment,
  } satisfies Setting<MemberRoleDeployment>,
  memberRoleTargets: {
    key: 'memberRoleTargets',
    default: [],
    parse: parseTargets,
  } satisfies Setting<string[]>,
  dashboard: {
    key: 'dashboard',
    default: DEFAULT_DASHBOARD,
    parse: (value) => boolean('dashboard', value),
  } satisfies Setting<boolean>,
  topicKeys: {
    key: 'topicKeys',
    default: DEFAULT_TOPIC_KEYS,
    parse: parseTopicKeys,
  } satisfies Setting<TopicKeys>,
  workerConcurrency: {
    key: 'workerConcurrency',
    default: DEFAULT_WORKER_CONCURRENCY,
    parse: (value) => integer('workerConcurrency', value, WORKER_CONCURRENCY_LIMITS),
  } satisfies Setting<number>,
  fastPollSeconds: {
    key: 'fastPollSeconds',
    default: DEFAULT_FAST_POLL_SECONDS,
    parse: parseFastPollSeconds,
  } satisfies Setting<FastPollSetting>,
  cloudTrailTrigger: {
    key: 'cloudTrailTrigger',
    default: DEFAULT_CLOUDTRAIL_TRIGGER,
    parse: (value) => boolean('cloudTrailTrigger', value),
  } satisfies Setting<boolean>,
};

/** The name of one of the monitor's own settings. */
export type MonitorSettingName = keyof typeof MONITOR_SETTINGS;

/** The checked value of each of the monitor's own settings. */
export type MonitorSettingValues = {
  readonly [K in MonitorSettingName]: ReturnType<(typeof MONITOR_SETTINGS)[K]['parse']>;
};
