// The construct's props: what a CDK app sets, each with its default. The settings of the stack
// this repository deploys set the same props from context (lib/settings/context.ts).
import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { TaskTypeName } from '../lambdas/domain/task';
import type { MonitorAlarmOptions } from './monitor-alarms';
import type { FilterPolicy } from './settings/filter-policy';

/**
 * Properties of an {@link Ec2TaskMonitor}. The construct checks them once, as it is built
 * (checkProps), with the same messages as the stack's settings, which set the same props from
 * context. Each notification channel adds its own prop (channels/<name>/index.ts: `chatbot`,
 * `slackWebhook`, `eventBus`, ...).
 */
export interface Ec2TaskMonitorProps {
  /**
   * Regions whose tasks are polled; the poller, deployed in the stack's Region, calls each one's EC2
   * endpoint. `'enabled'` (organization mode only): every Region enabled in each account (AWS
   * Account Management ListRegions, ENABLED and ENABLED_BY_DEFAULT), read again daily.
   *
   * @default - the stack's Region only
   */
  readonly regions?: readonly string[] | 'enabled';

  /**
   * Accounts watched: `'self'` (the deployment account), `'organization'` (every active account of
   * the AWS Organization), or account ids (12 digits), OU ids (`ou-…`, nested OUs included) and
   * root ids (`r-…`). Anything but `'self'` is organization mode: the deployment account must be
   * the organization's management account or a delegated administrator, and every watched account
   * needs the member role (see memberRoleStackSet). Membership is read at the start of every cycle.
   *
   * @default 'self'
   */
  readonly accounts?: 'self' | 'organization' | readonly string[];

  /**
   * Account ids never watched, even when `accounts` covers them (organization mode only).
   *
   * @default - none
   */
  readonly excludeAccounts?: readonly string[];

  /**
   * Name of the role the workers assume in every watched account (organization mode only). It may
   * call exactly the enabled types' `ec2:Describe…Tasks` and `account:ListRegions`, and trusts only
   * the worker's role.
   *
   * @default 'ec2-task-monitor-reader'
   */
  readonly memberRoleName?: string;

  /**
   * How the member role reaches the accounts (organization mode only): a service-managed StackSet
   * in this stack, created by a delegated administrator (`'delegated-admin'`, CallAs
   * DELEGATED_ADMIN) or by the management account (`'management'`, CallAs SELF), deploying to
   * every account of memberRoleTargets and to accounts that join them later; or `'none'`: no
   * StackSet, deploy the role's template by hand (README).
   *
   * @default 'delegated-admin'
   */
  readonly memberRoleStackSet?: 'delegated-admin' | 'management' | 'none';

  /**
   * OU and root ids the StackSet deploys the member role to (organization mode only).
   *
   * @default - the OU and root ids of `accounts`; for `'organization'` or a list of account ids
   * only, the organization's root (looked up at deploy time), filtered to the listed accounts
   */
  readonly memberRoleTargets?: readonly string[];

  /**
   * Workers polling at once (organization mode only): the maximum concurrency of the worker's
   * queue event source, 2 to 1,000.
   *
   * @default 10
   */
  readonly workerConcurrency?: number;

  /**
   * Detection within seconds: while a listing (a task type in a Region) holds unfinished tasks,
   * the scheduled run stays on after its poll and polls that listing again every this many seconds,
   * 5 to 30, until the next run is due; at rest it ends after its one poll as before. `'off'`: one
   * poll per scheduled run. Covers the first minute of each period of a slower schedule (the
   * function's timeout is one minute). Organization mode: off unless given; the worker then holds a
   * unit with unfinished tasks (and one of workerConcurrency's slots) until its cycle ends.
   *
   * @default 15 (`'off'` in organization mode)
   */
  readonly fastPollSeconds?: number | 'off';

  /**
   * Starts polling a task type at once when CloudTrail reports a call that creates one
   * (ImportImage, CreateStoreImageTask, ...): with accounts=self, an EventBridge rule on `AWS API
   * Call via CloudTrail` in the stack's Region invokes the poller for that listing, which then
   * fast-polls it while it runs. In organization mode, a StackSet forwards each watched account's
   * calls from every Region of `regions` (a list, not `enabled`) to a bus of the monitor's, and
   * the dispatcher queues the call's unit for a watched account and Region. Needs a trail logging
   * management events (README).
   *
   * @default false
   */
  readonly cloudTrailTrigger?: boolean;

  /**
   * Task types polled; the poller may call exactly their `ec2:Describe…` actions.
   *
   * @default - all nine (TASK_TYPE_NAMES)
   */
  readonly taskTypes?: readonly TaskTypeName[];

  /**
   * When the poller runs: a Schedule, or an expression string `rate(...)` / `cron(...)`.
   *
   * @default 'rate(1 minute)'
   */
  readonly schedule?: events.Schedule | string;

  /**
   * Addresses subscribed to the topic by email; each must confirm the subscription.
   *
   * @default - no email subscription
   */
  readonly emails?: readonly string[];

  /**
   * SNS filter policy (on message attributes) of the email subscriptions.
   *
   * @default DEFAULT_EMAIL_FILTER_POLICY: TaskStateChanged into a terminal phase, and TaskDisappeared
   */
  readonly emailFilterPolicy?: FilterPolicy;

  /**
   * Addresses subscribed by email to the operator topic, which receives every alarm (no filter);
   * each must confirm the subscription.
   *
   * @default - no email subscription
   */
  readonly operatorEmails?: readonly string[];

  /**
   * Thresholds of the alarms on the monitor's own faults (see MonitorAlarmOptions for each default).
   *
   * @default - every default of MonitorAlarmOptions
   */
  readonly alarms?: MonitorAlarmOptions;

  /**
   * Name of the CloudWatch dashboard (with `dashboard: true`); names are unique in an account across Regions.
   *
   * @default - `<stack name>-<Region>`
   */
  readonly dashboardName?: string;

  /**
   * Deploys the operator's CloudWatch dashboard (alarm states, polls, changes, tasks by phase,
   * listing failures, the publisher and each channel). Off by default: at $3 a month it would be
   * most of an idle stack's cost; the alarms and the stack's Logs Insights queries cover the same
   * ground. An account's first three dashboards are free.
   *
   * @default false
   */
  readonly dashboard?: boolean;

  /**
   * How the event topic and the operator topic are encrypted: `'shared'`, one customer-managed key
   * (rotated yearly) for both, $1 a month; `'per-topic'`, a key each, $2 a month, for an
   * organization whose key policies must differ between the two. A key decides nothing about who
   * may publish or subscribe: the topics' policies and IAM do.
   *
   * @default 'shared'
   */
  readonly topicKeys?: 'shared' | 'per-topic';

  /**
   * Progress granularity in percent: a TaskProgressed is recorded when progress crosses a multiple of it.
   *
   * @default 25
   */
  readonly progressStep?: number;

  /**
   * Days the change history, and the snapshot of a task that left the listing, are kept (table TTL).
   *
   * @default 30
   */
  readonly retentionDays?: number;

  /**
   * Consecutive complete listings an unfinished task must be missing from before it is declared
   * disappeared (TaskDisappeared). One listing can miss a task (pages read while the set changes,
   * a short answer from EC2); a task back within them emits nothing. 1 to 20.
   *
   * @default 2
   */
  readonly disappearAfterMisses?: number;

  /**
   * Share of a VM Import/Export concurrency quota (per account and Region) at which a
   * `QuotaNearlyExhausted` event is published, once per crossing, and a `QuotaAvailable` when the
   * tasks in use drop back below it: 0 < share ≤ 1, or `'off'` for no quota events (the in-use
   * metric stays).
   *
   * @default 0.8
   */
  readonly quotaWarningShare?: number | 'off';

  /**
   * Minutes a running task may keep the same progress, raw state and status message before one
   * TaskStalled is published, per task type (5 to 10,080), or `'off'` to never report that type
   * stalled. Types left out keep their default. Also from context: `-c stallAfter=store-image=30,conversion=off`.
   *
   * @default DEFAULT_STALL_AFTER_MINUTES: store-image 60, bundle and export-image 120, import-image,
   * import-snapshot and mac-modification 180, export-instance 360, conversion 720, replace-root-volume 60
   */
  readonly stallAfter?: Readonly<Partial<Record<TaskTypeName, number | 'off'>>> | string;

  /**
   * Retention of the functions' log groups.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the table, the topics' keys, the dead-letter queue and the log groups when
   * they leave the stack. DESTROY by default: the snapshots are re-derived from EC2 by the next
   * poll (only the history and changes not yet published are lost, and a monitor being removed
   * publishes nothing anyway), and a retained table would be an orphan no new stack reads.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}
