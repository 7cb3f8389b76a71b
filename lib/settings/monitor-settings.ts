// The monitor's own settings (each channel describes its own in channels/<name>/settings.ts): for
// every prop set from context, its key, default and check. The props' documentation is on
// Ec2TaskMonitorProps; adding a setting is a field there, an entry here, and the function variable
// that carries it where a function reads it.
import { Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { TASK_TYPE_NAMES, type TaskTypeName } from '../../lambdas/domain/task';
import { ConfigurationError, LIMITS, parseTaskTypes } from '../../lambdas/shared/config';
import {
  DEFAULT_DISAPPEAR_AFTER_MISSES,
  DEFAULT_EMAIL_FILTER_POLICY,
  DEFAULT_PROGRESS_STEP,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_SCHEDULE,
} from '../defaults';
import { type FilterPolicy, parseFilterPolicy } from './filter-policy';
import type { Setting } from './setting';
import { fail, SettingsError, show } from './settings-error';
import { emailList, integer, stringList } from './values';

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
const CRON_FIELD = /^[\w*?,/#-]+$/;
const REGIONS_SHOWN = 5;

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
    parse: (value, { stackRegion }) => parseRegions(value, stackRegion),
  } satisfies Setting<string[]>,
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
};

/** The name of one of the monitor's own settings. */
export type MonitorSettingName = keyof typeof MONITOR_SETTINGS;

/** The checked value of each of the monitor's own settings. */
export type MonitorSettingValues = {
  readonly [K in MonitorSettingName]: ReturnType<(typeof MONITOR_SETTINGS)[K]['parse']>;
};
