// The alarms that tell an operator the monitor itself is failing: each one is a fault nobody
// would otherwise notice (a task change silently not recorded or not published), and each
// description says what it means and what to do. Every alarm notifies the operator topic when it
// fires and when it clears.
import { Annotations, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { serviceMetric } from './monitor-metrics';
import {
  ALARM_PERIOD,
  lastingWindowOf,
  parsePollInterval,
  pollIntervalOf,
  silenceWindowOf,
} from './poll-interval';
import { fail, show } from './settings/settings-error';

/** Thresholds of the monitor's alarms. Each is validated; a bad one throws a SettingsError naming it. */
export interface MonitorAlarmOptions {
  /**
   * Consecutive 5-minute periods in which the poller failed (crash, timeout, bad configuration)
   * before "poller failing" fires.
   *
   * @default 3 (15 minutes)
   */
  readonly pollerErrorPeriods?: number;

  /**
   * Consecutive 5-minute periods with at least one failed listing (a task type in a Region)
   * before "listing failures" fires. One throttled poll is noise; a quarter of an hour is not.
   *
   * @default 3 (15 minutes)
   */
  readonly listingFailurePeriods?: number;

  /**
   * Consecutive 5-minute periods in which SNS rejected at least one publish before
   * "publish failures" fires.
   *
   * @default 3 (15 minutes)
   */
  readonly publishFailurePeriods?: number;

  /**
   * Age of the oldest stream record the publisher is reading (IteratorAge) that means it is
   * falling behind, when seen in two consecutive 5-minute periods.
   *
   * @default Duration.minutes(5)
   */
  readonly maxIteratorAge?: Duration;

  /**
   * Longest expected gap between two polls, for the "poller not running" alarm, which fires after
   * max(15 minutes, 3 × this) without a single invocation. Whole minutes, 1 minute to 12 hours.
   *
   * @default - read from the schedule: `rate(...)`, or a cron firing at fixed minutes of every
   * hour. Any other cron gets no "poller not running" alarm (and a synth warning) unless this is set.
   */
  readonly expectedPollInterval?: Duration;
}

/** The alarms' thresholds, checked, with their defaults applied (see {@link checkAlarmOptions}). */
export interface AlarmThresholds {
  readonly pollerErrorPeriods: number;
  readonly listingFailurePeriods: number;
  readonly publishFailurePeriods: number;
  readonly maxIteratorAge: Duration;
  /** Longest expected gap between two polls; undefined when the schedule has no fixed interval. */
  readonly pollInterval: Duration | undefined;
}

/** Properties of {@link MonitorAlarms}. */
export interface MonitorAlarmsProps {
  /** The thresholds, checked (see {@link checkAlarmOptions}). */
  readonly thresholds: AlarmThresholds;
  /** The scheduled poller. */
  readonly poller: lambda.IFunction;
  /** The stream-fed publisher. */
  readonly publisher: lambda.IFunction;
  /** Where the publisher parks the stream batches it gave up on. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * Notification channels (Chatbot, Slack webhook, EventBridge), each alarmed on its dead-letter queue.
   *
   * @default - none
   */
  readonly channels?: readonly AlarmedChannel[];
  /** Schedule expression of the poll (`rate(...)` or `cron(...)`). */
  readonly scheduleExpression: string;
  /** Topic notified when an alarm fires and when it clears. */
  readonly topic: sns.ITopic;
}

/** What the alarms need of a notification channel. */
export interface AlarmedChannel {
  /** The channel's id in the alarm's id and description, e.g. `Chatbot`. */
  readonly id: string;
  /** Where the channel's messages go after every delivery failed. */
  readonly deadLetterQueue: sqs.IQueue;
}

/** Defaults of {@link MonitorAlarmOptions}. */
const DEFAULT_ALARM_OPTIONS = {
  pollerErrorPeriods: 3,
  listingFailurePeriods: 3,
  publishFailurePeriods: 3,
  maxIteratorAge: Duration.minutes(5),
} as const;

/** Periods an alarm may span: CloudWatch evaluates at most one day of 5-minute periods. */
const MAX_PERIODS = Duration.days(1).toMinutes() / ALARM_PERIOD.toMinutes();

function periods(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_PERIODS) {
    fail(name, `${show(value)} is not valid`, `an integer from 1 to ${MAX_PERIODS}`);
  }
  return value;
}

function iteratorAge(value: Duration): Duration {
  // The stream keeps records 24 hours: a larger threshold would fire after the data is gone.
  const seconds = value.toSeconds({ integral: false });
  if (seconds < 60 || seconds > Duration.hours(24).toSeconds()) {
    fail('maxIteratorAge', `${value.toHumanString()} is not valid`, 'from 1 minute to 24 hours');
  }
  return value;
}

function spanOf(count: number, period: Duration = ALARM_PERIOD): string {
  return Duration.minutes(count * period.toMinutes()).toHumanString();
}

/** "each of the last 3 five-minute periods (15 minutes)", or "the last 5 minutes" for one. */
function lastPeriods(count: number): string {
  return count === 1
    ? `the last ${spanOf(1)}`
    : `each of the last ${count} five-minute periods (${spanOf(count)})`;
}

/**
 * Checks the alarm options and applies their defaults; the poll interval is the given one, or the
 * one read from the schedule.
 * @throws SettingsError naming the bad option
 */
export function checkAlarmOptions(options: MonitorAlarmOptions, scheduleExpression: string): AlarmThresholds {
  return {
    pollerErrorPeriods: periods(
      'pollerErrorPeriods',
      options.pollerErrorPeriods ?? DEFAULT_ALARM_OPTIONS.pollerErrorPeriods,
    ),
    listingFailurePeriods: periods(
      'listingFailurePeriods',
      options.listingFailurePeriods ?? DEFAULT_ALARM_OPTIONS.listingFailurePeriods,
    ),
    publishFailurePeriods: periods(
      'publishFailurePeriods',
      options.publishFailurePeriods ?? DEFAULT_ALARM_OPTIONS.publishFailurePeriods,
    ),
    maxIteratorAge: iteratorAge(options.maxIteratorAge ?? DEFAULT_ALARM_OPTIONS.maxIteratorAge),
    pollInterval: options.expectedPollInterval
      ? parsePollInterval(options.expectedPollInterval)
      : pollIntervalOf(scheduleExpression),
  };
}

/** The monitor's alarms, all notifying one topic. */
export class MonitorAlarms extends Construct {
  /** The poller failed in every one of the last `pollerErrorPeriods` periods. */
  public readonly pollerFailing: cloudwatch.Alarm;
  /** The poller was not invoked at all for the silence window; undefined when the schedule has no fixed interval. */
  public readonly pollerNotRunning?: cloudwatch.Alarm;
  /** A listing failed in every one of the last `listingFailurePeriods` periods. */
  public readonly listingFailures: cloudwatch.Alarm;
  /** The dead-letter queue holds at least one batch. */
  public readonly deadLetterQueueNotEmpty: cloudwatch.Alarm;
  /** The publisher reads records older than `maxIteratorAge`. */
  public readonly publisherBehind: cloudwatch.Alarm;
  /** SNS rejected publishes in every one of the last `publishFailurePeriods` periods. */
  public readonly publishFailures: cloudwatch.Alarm;
  /** The publisher dropped a stream record it could not read: a recorded change was not published. */
  public readonly malformedRecords: cloudwatch.Alarm;
  /** Every poll for an hour listed an object without an id: the tasks it could be are not judged missing. */
  public readonly unidentifiedTasks: cloudwatch.Alarm;
  /** Every poll for an hour left a finished task of a baseline unrecorded: it stays judged as in a baseline. */
  public readonly unsettledBaseline: cloudwatch.Alarm;
  /** Longest expected gap between two polls; undefined when the schedule has no fixed interval. */
  public readonly pollInterval?: Duration;
  /** Per notification channel: its dead-letter queue holds at least one message. */
  public readonly channelDeadLetters: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: MonitorAlarmsProps) {
    super(scope, id);
    const { pollerErrorPeriods, listingFailurePeriods, publishFailurePeriods, maxIteratorAge } =
      props.thresholds;
    this.pollInterval = props.thresholds.pollInterval;
    const silence = this.pollInterval && silenceWindowOf(this.pollInterval);
    const stat = (statistic: string) => ({ statistic, period: ALARM_PERIOD });

    this.pollerFailing = props.poller.metricErrors(stat('Sum')).createAlarm(this, 'PollerFailing', {
      alarmDescription:
        `The EC2 task monitor poller failed (a crash, a timeout or a bad configuration) in ` +
        `${lastPeriods(pollerErrorPeriods)}: task changes are not being recorded. ` +
        `Open the poller's log group and read the ERROR lines; fix the cause (configuration ` +
        `variable named in the message, permissions, a bug) and redeploy. The next successful poll ` +
        `records every change missed meanwhile.`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: pollerErrorPeriods,
      datapointsToAlarm: pollerErrorPeriods,
      // No invocation, no error: a poller that stopped running is the next alarm's job.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    if (silence) {
      const window = spanOf(silence.evaluationPeriods, silence.period);
      this.pollerNotRunning = props.poller
        .metricInvocations({ statistic: 'Sum', period: silence.period })
        .createAlarm(this, 'PollerNotRunning', {
          alarmDescription:
            `The EC2 task monitor poller has not run once in ${window} (schedule ` +
            `${props.scheduleExpression}): no task is being watched. Check that the schedule rule ` +
            `is enabled, that the function exists and is not throttled (its reserved concurrency ` +
            `must stay 1, not 0), and the account's Lambda concurrency. Invoke the poller once by ` +
            `hand to test; the alarm clears at the next invocation.`,
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: silence.evaluationPeriods,
          datapointsToAlarm: silence.evaluationPeriods,
          // Lambda reports no Invocations datapoint when nothing ran: missing data is the fault.
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        });
    } else {
      Annotations.of(this).addWarningV2(
        'ec2-task-monitor:no-not-running-alarm',
        `No "poller not running" alarm: the schedule ${props.scheduleExpression} has no fixed ` +
          'interval of 12 hours or less. Set expectedPollInterval to get one.',
      );
    }

    this.listingFailures = serviceMetric('ListingFailures', stat('Sum')).createAlarm(
      this,
      'ListingFailures',
      {
        alarmDescription:
          `The EC2 task monitor poller could not list at least one task type in a Region in ` +
          `${lastPeriods(listingFailurePeriods)}: changes of that task type in that Region are not ` +
          `seen until it recovers (nothing is inferred from a failed listing, so nothing false is ` +
          `published). The dashboard's "Listing failures" graph names the task type and Region; ` +
          `the poller's log line "Listing failed" gives the code. AccessDenied or ` +
          `UnauthorizedOperation: the role or an SCP blocks the Describe action. AuthFailure or ` +
          `OptInRequired: the Region is not enabled in the account. Throttling that persists: ` +
          `another workload uses the same EC2 API quota.`,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: listingFailurePeriods,
        datapointsToAlarm: listingFailurePeriods,
        // Every poll reports ListingFailures, 0 when all listings succeeded; no poll is the
        // "not running" alarm's job.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );

    this.deadLetterQueueNotEmpty = props.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible(stat('Maximum'))
      .createAlarm(this, 'DeadLetterQueueNotEmpty', {
        alarmDescription:
          'The EC2 task monitor publisher gave up on a stream batch after every retry and parked ' +
          'its position in the dead-letter queue: those changes are recorded in the table but ' +
          'were not published, and nothing redrives them automatically. Find the cause in the ' +
          'publisher log ("Publish failed" and ERROR lines) and fix it. Each message names the ' +
          'shard and sequence numbers (readable from the stream for 24 hours); ' +
          '`ec2-task-monitor history <taskId>` shows which changes are unpublished. Tell the ' +
          'consumers, then delete the messages: the alarm clears when the queue is empty.',
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // SQS reports metrics only for queues it considers active (up to six hours after the last
        // activity): when reports stop, keep the last state rather than clear an alarm on a queue
        // that may still hold failures.
        treatMissingData: cloudwatch.TreatMissingData.IGNORE,
      });

    this.publisherBehind = props.publisher
      .metric('IteratorAge', stat('Maximum'))
      .createAlarm(this, 'PublisherBehind', {
        alarmDescription:
          `The EC2 task monitor publisher is reading stream records older than ` +
          `${maxIteratorAge.toHumanString()}: changes reach the topic late. Usually it is retrying ` +
          `a failing batch (see the publish failures alarm and the publisher's errors) or is ` +
          `throttled by the account's Lambda concurrency. The table's stream keeps records 24 ` +
          `hours; a batch still failing after its retries goes to the dead-letter queue.`,
        threshold: maxIteratorAge.toMilliseconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        // IteratorAge is reported only when the publisher is invoked: no records, no lag.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

    this.publishFailures = serviceMetric('PublishFailures', stat('Sum')).createAlarm(
      this,
      'PublishFailures',
      {
        alarmDescription:
          `The EC2 task monitor publisher had publishes rejected by SNS in ` +
          `${lastPeriods(publishFailurePeriods)}: changes are delayed, retried, and go to the ` +
          `dead-letter queue once the retries run out. The publisher's log line "Publish failed" ` +
          `gives the code: KMS errors mean the topic key is disabled or its policy changed, ` +
          `AuthorizationError the topic policy, Throttling the account's SNS publish quota.`,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: publishFailurePeriods,
        datapointsToAlarm: publishFailurePeriods,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );

    this.malformedRecords = serviceMetric('MalformedRecords', stat('Sum')).createAlarm(
      this,
      'MalformedRecords',
      {
        alarmDescription:
          'The EC2 task monitor publisher dropped a stream record that carries no publishable change ' +
          '(no image, an event that is not JSON or not schema 1): a change recorded in the table was ' +
          'not published, and retrying cannot help. The publisher log line "Dropped a stream record" ' +
          'gives the reason and the record; `ec2-task-monitor history <taskId>` shows the change as ' +
          'unpublished. A record the monitor wrote itself should never be malformed: suspect a write ' +
          'to the table by something else, or a bug, and report it. The alarm clears after a period ' +
          'without drops.',
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // Reported only when the publisher runs: no batch, no drop.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );

    // "Lasts more than an hour": the smallest value of every period of the hour is at least 1, so
    // every poll of the hour saw it. The periods follow the schedule (see lastingWindowOf): with
    // 5-minute periods and a poll every 15 minutes, the empty periods would count as not breaching
    // and the alarm could never fire.
    const lasting = lastingWindowOf(this.pollInterval);
    if (!this.pollInterval) {
      Annotations.of(this).addWarningV2(
        'ec2-task-monitor:lasting-alarms-assume-minute-polls',
        `The UnidentifiedTasks and UnsettledBaseline alarms assume a poll in every 5 minutes: the ` +
          `schedule ${props.scheduleExpression} has no fixed interval. Set expectedPollInterval.`,
      );
    }
    const lastingStat = { statistic: 'Minimum', period: lasting.period };
    const lastingAnHour = {
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: lasting.evaluationPeriods,
      datapointsToAlarm: lasting.evaluationPeriods,
      // No poll, no value: the "poller not running" alarm covers that.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    this.unidentifiedTasks = serviceMetric('UnidentifiedTasks', lastingStat).createAlarm(
      this,
      'UnidentifiedTasks',
      {
        alarmDescription:
          'The EC2 task monitor poller has, in every poll for more than an hour, listed at least one task ' +
          'object without what identifies it (no task id; for store-image, no AMI id or start time). The ' +
          'stored tasks such an object could be (those whose resources do not contradict it) are not ' +
          'declared disappeared while it is listed, which can be weeks (store-image keeps 31 days). ' +
          'The poller log line "Skipped a task the API returned without what identifies it" (the saved ' +
          'Logs Insights query listing-failures-and-skipped-tasks) names the task type and why. Check the task in the EC2 console or with ' +
          'the AWS CLI; report an API answer that lacks its id. The alarm clears when the object is ' +
          'no longer listed.',
        ...lastingAnHour,
      },
    );
    this.unsettledBaseline = serviceMetric('UnsettledBaselineTasks', lastingStat).createAlarm(
      this,
      'UnsettledBaseline',
      {
        alarmDescription:
          'The EC2 task monitor poller has, for more than an hour, not been able to record a finished ' +
          'task that a baseline saw: every write of its snapshot failed. Only that task stays judged as in a ' +
          'baseline (recorded silently when it finally is); every other task is judged normally. The ' +
          'poller log line "Finished tasks a baseline saw are not recorded yet" names the task ids, and ' +
          '"Listing failed" the DynamoDB error (a ValidationException means the item cannot be written ' +
          'as is: report it). The alarm clears once the write succeeds.',
        ...lastingAnHour,
      },
    );

    this.channelDeadLetters = (props.channels ?? []).map((channel) =>
      channel.deadLetterQueue
        .metricApproximateNumberOfMessagesVisible(stat('Maximum'))
        .createAlarm(this, `${channel.id}DeadLetters`, {
          alarmDescription:
            `The ${channel.id} notification channel gave up on at least one task change after ` +
            'every redelivery and moved it to its dead-letter queue: that change did not reach the ' +
            "channel (it is still on the event topic's other subscriptions). The notifier log " +
            '("Delivery failed") names the cause, such as a revoked webhook or a missing permission. ' +
            "Fix it, then move the messages back to the channel's queue (SQS console: Start DLQ " +
            'redrive to a custom destination, the queue; or aws sqs start-message-move-task with ' +
            '--destination-arn); events ' +
            'already delivered are recognised and not posted twice. The alarm clears when the queue is empty.',
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.IGNORE,
        }),
    );

    const notify = new actions.SnsAction(props.topic);
    for (const alarm of this.all) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
  }

  /** Every alarm, in the order above. */
  public get all(): cloudwatch.Alarm[] {
    return [
      this.pollerFailing,
      this.pollerNotRunning,
      this.listingFailures,
      this.deadLetterQueueNotEmpty,
      this.publisherBehind,
      this.publishFailures,
      this.malformedRecords,
      this.unidentifiedTasks,
      this.unsettledBaseline,
      ...this.channelDeadLetters,
    ].filter((alarm): alarm is cloudwatch.Alarm => alarm !== undefined);
  }
}
