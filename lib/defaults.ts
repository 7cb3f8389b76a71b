// The defaults of the monitor's settings, in one place (after aws-solutions-constructs'
// *-defaults.ts): the construct applies them to props left out, and the docs quote them.
import { TERMINAL_PHASES } from '../lambdas/domain/phase';
import type { FilterPolicy } from './settings/filter-policy';

export { DEFAULT_DISAPPEAR_AFTER_MISSES } from '../lambdas/domain/changes';
export { DEFAULT_QUOTA_WARNING_SHARE } from '../lambdas/domain/quota';
export { DEFAULT_STALL_AFTER_MINUTES } from '../lambdas/domain/stall';

/** Poll once a minute: EC2 tasks take minutes to hours, so a minute is timely and cheap. */
export const DEFAULT_SCHEDULE = 'rate(1 minute)';

/**
 * While a listing holds unfinished tasks, it is polled again every 15 seconds within the scheduled
 * run: a change is seen within about 15 s instead of up to a minute, for 4 listing calls a minute of
 * that type (13 % of DescribeStoreImageTasks' 30 a minute, the tightest bucket). At rest nothing changes.
 */
export const DEFAULT_FAST_POLL_SECONDS = 15;

/**
 * No rule on CloudTrail's task-creating calls: it needs a trail logging management events, and a
 * new task's first change is seen by the next scheduled poll anyway (within a minute).
 */
export const DEFAULT_CLOUDTRAIL_TRIGGER = false;

/** The member role's name in every watched account (organization mode). */
export const DEFAULT_MEMBER_ROLE_NAME = 'ec2-task-monitor-reader';

/**
 * Workers polling at once (the event source's MaximumConcurrency). Ten workers list about ten
 * units at a time; a deployment with many accounts raises it (see the README's sizing).
 */
export const DEFAULT_WORKER_CONCURRENCY = 10;

/**
 * No dashboard: at $3 a month it would be the largest item of an idle stack (the target is under
 * $3 in all); the alarms notify the operator and the stack's Logs Insights queries answer what the
 * dashboard showed. An account's first three dashboards are free, so `dashboard: true` may cost nothing.
 */
export const DEFAULT_DASHBOARD = false;

/**
 * One customer-managed key for both topics ($1 a month instead of $2). A key decides nothing about
 * who may publish or subscribe (the topics' policies and IAM do); both topics carry the same kind
 * of data (task ids and states) for the same operators, so one key separates nothing that two
 * would. `per-topic` is for an organization whose key policy must differ between the two.
 */
export const DEFAULT_TOPIC_KEYS = 'shared';

/** TaskProgressed at 25, 50 and 75 percent. */
export const DEFAULT_PROGRESS_STEP = 25;

/** A month of history is enough to answer "what happened to that import last week". */
export const DEFAULT_RETENTION_DAYS = 30;

/**
 * Email subscribers hear about finished tasks (a terminal phase), tasks that vanished and a VM
 * Import/Export quota nearly exhausted, not every step (nor the quota's all-clear).
 * Email subscribers hear about finished tasks (a terminal phase), tasks that vanished and tasks
 * that stalled (someone may have to act on each), not every step.
 */
export const DEFAULT_EMAIL_FILTER_POLICY: FilterPolicy = {
  $or: [
    { changeType: ['TaskStateChanged'], phase: [...TERMINAL_PHASES] },
    { changeType: ['TaskDisappeared', 'TaskStalled', 'QuotaNearlyExhausted'] },
  ],
};

/**
 * The chat channels (Slack, Teams) hear what email hears (finished tasks, vanished ones, a quota
 * nearly exhausted), the quota's all-clear, and also every task the monitor discovers, so a channel sees a task's thread start when the task does. A
 * disappearance gets its own branch: its phase is `unknown` (the task vanished before it was seen
 * to finish), so a terminal-phase condition would never let it through.
 */
export const DEFAULT_CHAT_FILTER_POLICY: FilterPolicy = {
  $or: [
    { changeType: ['TaskStateChanged'], phase: [...TERMINAL_PHASES] },
    { changeType: ['TaskDisappeared', 'TaskStalled'] },
    { changeType: ['TaskDiscovered'] },
    { changeType: ['QuotaNearlyExhausted', 'QuotaAvailable'] },
  ],
};
