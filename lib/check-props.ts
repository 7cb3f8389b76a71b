// The construct's props checked once, as its first step (after aws-solutions-constructs'
// CheckProps): every setting read from its prop or its context form and validated with the message
// users see at synth, the defaults applied, each configured channel's options checked, and the
// rules that join settings (the schedule against the trust window).
import { Duration } from 'aws-cdk-lib';
import { CHANNELS } from '../channels';
import { trustPolicy } from '../lambdas/domain/baseline';
import { FAST_POLL_OFF } from '../lambdas/shared/config';
import type { ChannelDefinition } from './channel/channel';
import type { Ec2TaskMonitorProps } from './ec2-task-monitor-props';
import { type AlarmThresholds, checkAlarmOptions } from './monitor-alarms';
import { pollIntervalOf } from './poll-interval';
import { MONITOR_SETTINGS, type MonitorSettingValues } from './settings/monitor-settings';
import { type SettingScope, settingValue } from './settings/setting';
import { fail, SettingsError, unused } from './settings/settings-error';

/** A channel turned on, with its checked options. */
export interface ConfiguredChannel {
  readonly definition: ChannelDefinition;
  readonly options: unknown;
}

/** The props checked, with their defaults applied. */
export interface CheckedProps extends MonitorSettingValues {
  /** The channels turned on, in the order of the registry. */
  readonly channels: readonly ConfiguredChannel[];
  /** The alarms' thresholds. */
  readonly alarms: AlarmThresholds;
}

/**
 * Refuses a schedule whose polls are further apart than the trust window allows: a listing whose
 * last complete listing is older than the window is re-baselined (finished tasks recorded
 * silently), so with such a schedule every poll would be a re-baseline and no task would ever
 * alert its end.
 */
function checkTrustWindow(expression: string, retentionDays: number): void {
  const interval = pollIntervalOf(expression);
  const { windowMs, heartbeatMs } = trustPolicy(retentionDays);
  const allowed = Duration.millis(windowMs - heartbeatMs);
  if (interval && interval.toMilliseconds() > allowed.toMilliseconds()) {
    throw new SettingsError(
      `schedule: ${expression} polls less often than every ${allowed.toHumanString()}, so with ` +
        `retentionDays ${retentionDays} every poll would re-baseline its listings and no task would ` +
        `alert its end; allowed: a schedule polling at least every ${allowed.toHumanString()} ` +
        `(or a longer retentionDays, up to 7 days of trust)`,
    );
  }
}

/** The settings that only organization mode reads. */
const ORGANIZATION_SETTINGS = [
  'excludeAccounts',
  'memberRoleName',
  'memberRoleStackSet',
  'memberRoleTargets',
  'workerConcurrency',
] as const;

/**
 * Refuses settings that contradict each other: organization-mode settings without organization
 * mode (most likely a forgotten `accounts`), `regions=enabled` for the deployment account alone or
 * with cloudTrailTrigger, StackSet targets without a StackSet, and an exclusion that leaves a list
 * of accounts empty.
 */
function checkOrganizationSettings(
  given: Readonly<Record<string, unknown>>,
  settings: MonitorSettingValues,
): void {
  const { accounts } = settings;
  if (accounts.mode === 'self') {
    const set = ORGANIZATION_SETTINGS.find((key) => given[key] !== undefined);
    if (set) unused(set, 'accounts (organization or a list of accounts and OUs)');
    if (settings.regions === 'enabled') {
      fail(
        'regions',
        '"enabled" with accounts=self',
        'a list of Regions with accounts=self; "enabled" with accounts=organization or a list ' +
          "(the dispatcher reads each account's Regions through its member role)",
      );
    }
    return;
  }
  // The forwarding rules are deployed to each Region by a StackSet, whose Regions are fixed at synth.
  if (settings.cloudTrailTrigger && settings.regions === 'enabled') {
    fail(
      'cloudTrailTrigger',
      'true with regions=enabled in organization mode',
      'an explicit list of Regions in regions (the StackSet forwarding the task-creating calls ' +
        'deploys its rule to each of them), or cloudTrailTrigger false',
    );
  }
  if (given.memberRoleTargets !== undefined && settings.memberRoleStackSet === 'none') {
    unused('memberRoleTargets', 'memberRoleStackSet (delegated-admin or management)');
  }
  if (
    accounts.mode === 'list' &&
    accounts.parentIds.length === 0 &&
    accounts.accountIds.every((id) => settings.excludeAccounts.includes(id))
  ) {
    fail(
      'excludeAccounts',
      'excludes every account that accounts lists',
      'accounts not all listed in accounts',
    );
  }
}

/**
 * Checks every prop and applies the defaults.
 * @throws SettingsError naming the first bad setting, its value and what is allowed
 */
export function checkProps(props: Ec2TaskMonitorProps, scope: SettingScope): CheckedProps {
  const given = props as Readonly<Record<string, unknown>>;
  const settings = Object.fromEntries(
    Object.entries(MONITOR_SETTINGS).map(([prop, setting]) => [
      prop,
      settingValue(setting as Parameters<typeof settingValue>[0], given[prop], scope),
    ]),
  ) as unknown as MonitorSettingValues;
  const channels = CHANNELS.flatMap((definition) => {
    const options = definition.check(given[definition.prop]);
    return options === undefined ? [] : [{ definition, options }];
  });
  checkTrustWindow(settings.schedule.expressionString, settings.retentionDays);
  checkOrganizationSettings(given, settings);
  if (given.dashboardName !== undefined && !settings.dashboard) unused('dashboardName', 'dashboard (true)');
  return {
    ...settings,
    // Organization mode fast-polls only when asked: a worker holding a hot unit until its cycle ends
    // takes one of workerConcurrency's slots for the minute (README, sizing).
    fastPollSeconds:
      settings.accounts.mode !== 'self' && given.fastPollSeconds === undefined
        ? FAST_POLL_OFF
        : settings.fastPollSeconds,
    channels,
    alarms: checkAlarmOptions(props.alarms ?? {}, settings.schedule.expressionString),
  };
}
