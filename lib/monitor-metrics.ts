// The custom metrics the functions emit with Powertools (EMF), as CloudWatch metrics for the alarms
// and the dashboard. Namespace and service are the functions' own
// (lambdas/shared/service.ts); every dimension set includes `service`, Powertools' default dimension.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { QUOTA_IN_USE_METRIC } from '../lambdas/domain/quota';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambdas/shared/service';

export { METRICS_NAMESPACE } from '../lambdas/shared/service';
export { QUOTA_IN_USE_METRIC } from '../lambdas/domain/quota';

/** Value of the `service` dimension on every custom metric. */
export const METRICS_SERVICE = SERVICE_NAME;

/**
 * The custom metrics, each with the one dimension `service`: a series each, whatever the number of
 * Regions, accounts or task types (breakdowns are log lines: lib/monitor-queries.ts). At rest the
 * poller sends ListingFailures, UnidentifiedTasks and UnsettledBaselineTasks (its duration is
 * Lambda's own Duration metric, free), and
 * organization mode's dispatcher UnmonitoredAccounts; the others only when what they count happens.
 * Written in lambdas/ (a test keeps both sides equal).
 */
export const MONITOR_METRICS = [
  /** Poller: changes recorded in one cycle; sent only when above 0. */
  'ChangesRecorded',
  /** Poller: listings (task type × Region) that failed in one cycle; 0 when all succeeded. */
  'ListingFailures',
  /** Poller: objects listed without what identifies them, in all listings of one cycle; 0 when none. */
  'UnidentifiedTasks',
  /** Poller: finished tasks baselines saw but could not record yet, after one cycle; 0 when none. */
  'UnsettledBaselineTasks',
  /** Dispatcher (organization mode): accounts whose coverage has a failure that leaves them unwatched, every cycle. */
  'UnmonitoredAccounts',
  /** Worker (organization mode): unit messages older than two cycles, dropped. */
  'StaleUnitsDropped',
  /** Publisher: stream records received. */
  'StreamRecords',
  /** Publisher: changes SNS accepted. */
  'EventsPublished',
  /** Publisher: changes SNS rejected (retried). */
  'PublishFailures',
  /** Publisher: stream records dropped because they carry no publishable change. */
  'MalformedRecords',
] as const;

/** A custom metric name. */
export type MonitorMetricName = (typeof MONITOR_METRICS)[number];

/**
 * The metrics every channel's notifier emits, each with the dimensions `service` and `channel`
 * (the channel's name). Written in lambdas/notifiers/notifier.ts (a test keeps both sides equal).
 */
export const NOTIFIER_METRICS = {
  /** An event delivered to the channel. */
  NotificationsDelivered: 'Delivered',
  /** A delivery that failed and will be retried. */
  NotificationFailures: 'Failures',
  /** An event already delivered, skipped. */
  DuplicateNotifications: 'Duplicates skipped',
  /** A queue message that is not an event. */
  MalformedNotifications: 'Malformed messages',
} as const;

/** A notifier metric name. */
export type NotifierMetricName = keyof typeof NOTIFIER_METRICS;

/** A notifier metric of one channel. */
export function channelMetric(
  metricName: NotifierMetricName,
  channel: string,
  options: { statistic: string; period?: Duration; label?: string },
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: METRICS_SERVICE, channel },
    statistic: options.statistic,
    period: options.period ?? Duration.minutes(5),
    label: options.label ?? NOTIFIER_METRICS[metricName],
  });
}

/**
 * Every series of the tasks in use per account, Region and VM Import/Export quota, found by a
 * search: the accounts and Regions are known only at run time, and a series exists only while
 * tasks are in use, so the graph shows exactly the quotas being used.
 */
export function quotaInUseSearch(period: Duration = Duration.minutes(5)): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression:
      `SEARCH('{${METRICS_NAMESPACE},account,quota,region,service} ` +
      `MetricName="${QUOTA_IN_USE_METRIC}" service="${METRICS_SERVICE}"', 'Maximum', ${period.toSeconds()})`,
    label: '',
    period,
  });
}

/** A custom metric that has only the `service` dimension. */
export function serviceMetric(
  metricName: MonitorMetricName,
  options: { statistic: string; period?: Duration; label?: string },
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: METRICS_SERVICE },
    statistic: options.statistic,
    period: options.period ?? Duration.minutes(5),
    label: options.label,
  });
}
