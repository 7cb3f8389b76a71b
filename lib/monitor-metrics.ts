// The custom metrics the functions emit with Powertools (EMF), as CloudWatch metrics and search
// expressions for the alarms and the dashboard. Namespace and service are the functions' own
// (lambdas/shared/service.ts); every dimension set includes `service`, Powertools' default dimension.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambdas/shared/service';

export { METRICS_NAMESPACE } from '../lambdas/shared/service';

/** Value of the `service` dimension on every custom metric. */
export const METRICS_SERVICE = SERVICE_NAME;

/**
 * Names of the custom metrics, with the dimensions each has besides `service`. They are written
 * in lambdas/poller/poll-cycle.ts and lambdas/publisher/deliver-changes.ts (a test keeps both sides equal).
 */
export const MONITOR_METRICS = {
  /** Poller: milliseconds one poll cycle took. */
  PollDuration: [],
  /** Poller: changes recorded in one cycle. */
  ChangesRecorded: [],
  /** Poller: listings (task type × Region) that failed in one cycle; 0 when all succeeded. */
  ListingFailures: [],
  /** Poller: 1 per failed listing. */
  ListingFailed: ['taskType', 'region'],
  /** Poller: tasks listed, per task type and phase, per listing. */
  TasksSeen: ['taskType', 'phase'],
  /** Poller: 1 per recorded change. */
  Changes: ['taskType', 'changeType'],
  /** Poller: tasks a listing returned without what identifies them, skipped. */
  InvalidTasks: ['taskType'],
  /** Poller: objects listed without what identifies them, in all listings of one cycle; 0 when none. */
  UnidentifiedTasks: [],
  /** Poller: finished tasks baselines saw but could not record yet, after one cycle; 0 when none. */
  UnsettledBaselineTasks: [],
  /** Dispatcher (organization mode): accounts whose coverage has a failure that leaves them unwatched, every cycle. */
  UnmonitoredAccounts: [],
  /** Dispatcher (organization mode): units (account × Region) sent to the workers' queue in one cycle. */
  UnitsDispatched: [],
  /** Worker (organization mode): unit messages older than two cycles, dropped. */
  StaleUnitsDropped: [],
  /** Publisher: stream records received. */
  StreamRecords: [],
  /** Publisher: changes SNS accepted. */
  EventsPublished: [],
  /** Publisher: changes SNS rejected (retried). */
  PublishFailures: [],
  /** Publisher: stream records dropped because they carry no publishable change. */
  MalformedRecords: [],
} as const satisfies Record<string, readonly string[]>;

/** A custom metric name. */
export type MonitorMetricName = keyof typeof MONITOR_METRICS;

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

/**
 * The text of a SEARCH over one custom metric with its full dimension set, optionally restricted
 * to exact dimension values, for example
 * `SEARCH('{Ec2TaskMonitor,service,taskType,changeType} MetricName="Changes" changeType="TaskDiscovered"', 'Sum', 300)`.
 */
export function searchText(
  metricName: MonitorMetricName,
  statistic: string,
  period: Duration,
  match: Readonly<Record<string, string>> = {},
): string {
  const schema = [METRICS_NAMESPACE, 'service', ...MONITOR_METRICS[metricName]].join(',');
  const terms = [`MetricName="${metricName}"`, ...Object.entries(match).map(([k, v]) => `${k}="${v}"`)];
  return `SEARCH('{${schema}} ${terms.join(' ')}', '${statistic}', ${period.toSeconds()})`;
}

/** One line per series of a custom metric (each combination of its dimension values). */
export function searchSeries(
  metricName: MonitorMetricName,
  options: { statistic: string; period: Duration; label: string },
): cloudwatch.SearchExpression {
  return new cloudwatch.SearchExpression({
    expression: searchText(metricName, options.statistic, options.period),
    label: options.label,
    period: options.period,
  });
}

/** One line: the sum of every series of a custom metric that has the given dimension values. */
export function searchSum(
  metricName: MonitorMetricName,
  options: { statistic: string; period: Duration; label: string; match: Readonly<Record<string, string>> },
): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SUM(${searchText(metricName, options.statistic, options.period, options.match)})`,
    usingMetrics: {},
    label: options.label,
    period: options.period,
  });
}
