// One CloudWatch dashboard for the operator (the `dashboard` setting): alarm states first, then the
// poller (is it running, what it records, the listings that fail), the saved Logs Insights queries
// as tables (tasks by phase, changes by type, failed listings: breakdowns that are log lines, not
// metric series), the publisher and its dead-letter queue, and a widget per notification channel
// (delivered, failures, duplicates skipped, its dead letters).
import { Aws, CfnCondition, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CONSOLE_DOMAINS, consoleOrigin } from '../lambdas/domain/partition';
import { QUOTA_GROUPS } from '../lambdas/domain/quota';
import { channelMetric, quotaInUseSearch, serviceMetric } from './monitor-metrics';
import { MONITOR_QUERIES } from './monitor-queries';
import { ALARM_PERIOD } from './poll-interval';

/** Properties of a {@link MonitorDashboard}. */
export interface MonitorDashboardProps {
  /**
   * Name of the dashboard; dashboard names are unique in an account across Regions.
   *
   * @default - the stack name and the Region, `<stack>-<region>`
   */
  readonly dashboardName?: string;
  /** The scheduled poller (the worker in organization mode). */
  readonly poller: lambda.IFunction;
  /** The poller's log group, which the query widgets read. */
  readonly pollerLogGroup: logs.ILogGroup;
  /** The stream-fed publisher. */
  readonly publisher: lambda.IFunction;
  /** The publisher's dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The alarms shown in the status widget. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  /**
   * The notification channels, a widget each.
   *
   * @default - none
   */
  readonly channels?: readonly DashboardChannel[];
}

/** What the dashboard shows of a notification channel. */
export interface DashboardChannel {
  /** Its id, in the widget's title, e.g. `Chatbot`. */
  readonly id: string;
  /** Its name, the `channel` dimension of its notifier's metrics, e.g. `chatbot`. */
  readonly name: string;
  /** Its dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
}

const WIDTH = 12;
const HEIGHT = 6;

/** The monitor's dashboard and its console address. */
export class MonitorDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Its name. */
  public readonly dashboardName: string;
  /**
   * Its address in the AWS console of the stack's partition (`console.aws.amazon.com`,
   * `console.amazonaws.cn`, `console.amazonaws-us-gov.com`); undefined in a partition without a
   * public console (the isolated ones), where no link would work. For a stack whose Region is
   * not known at synth, an expression on `AWS::Partition`, valid where {@link dashboardUrlCondition} holds.
   */
  public readonly dashboardUrl?: string;
  /** For a stack whose Region is not known at synth: true in the partitions that have a public console. */
  public readonly dashboardUrlCondition?: CfnCondition;

  constructor(scope: Construct, id: string, props: MonitorDashboardProps) {
    super(scope, id);
    const { stackName, region } = Stack.of(this);
    this.dashboardName = props.dashboardName ?? `${stackName}-${region}`;
    const path = `/cloudwatch/home?region=${region}#dashboards/dashboard/${this.dashboardName}`;
    if (!Token.isUnresolved(region)) {
      const origin = consoleOrigin(region);
      this.dashboardUrl = origin === undefined ? undefined : `${origin}${path}`;
    } else {
      // Region (and so partition) known only at deploy: pick the console's domain by partition.
      const is = (partition: string) =>
        new CfnCondition(
          this,
          `In${partition.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
          {
            expression: Fn.conditionEquals(Aws.PARTITION, partition),
          },
        );
      const partitions = Object.keys(CONSOLE_DOMAINS);
      const conditions = partitions.map(is);
      this.dashboardUrlCondition = new CfnCondition(this, 'HasConsole', {
        expression: Fn.conditionOr(...conditions),
      });
      // The last partition's domain is the fallback: the output exists only where one applies.
      const domain = partitions
        .slice(0, -1)
        .reduceRight<string>(
          (otherwise, partition, index) =>
            Fn.conditionIf(
              (conditions[index] as CfnCondition).logicalId,
              CONSOLE_DOMAINS[partition] as string,
              otherwise,
            ).toString(),
          CONSOLE_DOMAINS[partitions.at(-1) as string] as string,
        );
      this.dashboardUrl = `https://${region}.${domain}${path}`;
    }
    const period = ALARM_PERIOD;
    const { poller, publisher } = props;

    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: this.dashboardName,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms (each notifies the operator topic)',
        alarms: [...props.alarms],
        width: 24,
        height: 3,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Polls',
        width: WIDTH,
        height: HEIGHT,
        left: [
          poller.metricInvocations({ statistic: 'Sum', period, label: 'Invocations' }),
          poller.metricErrors({ statistic: 'Sum', period, label: 'Errors' }),
          poller.metricThrottles({ statistic: 'Sum', period, label: 'Throttles' }),
        ],
        right: [
          poller.metricDuration({ statistic: 'p50', period, label: 'Duration p50' }),
          poller.metricDuration({ statistic: 'Maximum', period, label: 'Duration max' }),
        ],
        leftYAxis: { min: 0, label: 'count' },
        rightYAxis: { min: 0, label: 'ms' },
      }),
      new cloudwatch.GraphWidget({
        title: 'Changes recorded and listing failures',
        width: WIDTH,
        height: HEIGHT,
        left: [
          serviceMetric('ChangesRecorded', { statistic: 'Sum', period, label: 'ChangesRecorded' }),
          serviceMetric('ListingFailures', { statistic: 'Sum', period, label: 'ListingFailures' }),
          serviceMetric('UnidentifiedTasks', { statistic: 'Maximum', period, label: 'UnidentifiedTasks' }),
        ],
        leftYAxis: { min: 0 },
      }),
    );
    // The VM Import/Export quotas: one line per account, Region and quota while tasks are in use,
    // against the documented limits and their warning at the default share.
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'VM Import/Export quotas: tasks in use',
        width: 24,
        height: HEIGHT,
        left: [quotaInUseSearch(period)],
        leftYAxis: { min: 0, label: 'tasks' },
        leftAnnotations: QUOTA_GROUPS.map((group) => ({
          value: group.defaultLimit,
          label: `${group.name} limit (documented default)`,
        })),
      }),
    );
    // The breakdowns by task type, phase, change type and Region: the saved queries, as tables.
    for (const query of MONITOR_QUERIES) {
      this.dashboard.addWidgets(
        new cloudwatch.LogQueryWidget({
          title: query.title,
          logGroupNames: [props.pollerLogGroup.logGroupName],
          queryString: query.queryString.toString(),
          view: cloudwatch.LogQueryVisualizationType.TABLE,
          width: 24,
          height: HEIGHT,
        }),
      );
    }
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Publisher',
        width: WIDTH,
        height: HEIGHT,
        left: [
          serviceMetric('StreamRecords', { statistic: 'Sum', period, label: 'StreamRecords' }),
          serviceMetric('EventsPublished', { statistic: 'Sum', period, label: 'EventsPublished' }),
          serviceMetric('PublishFailures', { statistic: 'Sum', period, label: 'PublishFailures' }),
          serviceMetric('MalformedRecords', { statistic: 'Sum', period, label: 'MalformedRecords' }),
          publisher.metricErrors({ statistic: 'Sum', period, label: 'Errors' }),
        ],
        right: [publisher.metric('IteratorAge', { statistic: 'Maximum', period, label: 'IteratorAge max' })],
        leftYAxis: { min: 0, label: 'count' },
        rightYAxis: { min: 0, label: 'ms' },
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depth (batches not published)',
        width: WIDTH,
        height: HEIGHT,
        left: [
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            statistic: 'Maximum',
            period,
            label: 'Messages visible',
          }),
        ],
        leftYAxis: { min: 0 },
      }),
    );

    const channelWidgets = (props.channels ?? []).map(
      (channel) =>
        new cloudwatch.GraphWidget({
          title: `${channel.id} channel: deliveries`,
          width: WIDTH,
          height: HEIGHT,
          left: [
            channelMetric('NotificationsDelivered', channel.name, { statistic: 'Sum', period }),
            channelMetric('NotificationFailures', channel.name, { statistic: 'Sum', period }),
            channelMetric('DuplicateNotifications', channel.name, { statistic: 'Sum', period }),
          ],
          right: [
            channel.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
              statistic: 'Maximum',
              period,
              label: 'Dead-letter queue depth',
            }),
          ],
          leftYAxis: { min: 0, label: 'count' },
          rightYAxis: { min: 0, label: 'messages' },
        }),
    );
    // Two channels a row.
    for (let index = 0; index < channelWidgets.length; index += 2) {
      this.dashboard.addWidgets(...channelWidgets.slice(index, index + 2));
    }
  }
}
