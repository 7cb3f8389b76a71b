// The monitor as one construct: a scheduled poller records each EC2 task change in a DynamoDB
// table (the task's snapshot item carries the pending change: it is the outbox); the table's
// stream feeds a publisher that sends each recorded change to an encrypted SNS topic, with
// batches that still fail after every retry parked in a dead-letter queue. Alarms on the monitor's
// own faults notify a separate operator topic, and a dashboard shows what it does.
// Every helper below sets a function's variable and grants what that variable is used for in the
// same place, so configuration and permission cannot drift apart.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_MIN_INTERVAL_MS as SLACK_POST_INTERVAL_MS } from '../lambdas/adapters/slack-webhook';
import { trustPolicy } from '../lambdas/domain/baseline';
import { DEFAULT_DISAPPEAR_AFTER_MISSES } from '../lambdas/domain/changes';
import { EVENT_SOURCE } from '../lambdas/domain/event-bus-entry';
import { TASK_TYPE_NAMES, type TaskTypeName } from '../lambdas/domain/task';
import { ENV } from '../lambdas/shared/config';
import { PUBLISHER_STREAM_FILTER, TABLE_LAYOUT } from '../lambdas/shared/table-layout';
import { listingActionsOf } from '../lambdas/task-types/metadata';
import { ChatbotChannel } from './chatbot-channel';
import { POLLER_FUNCTION, PUBLISHER_FUNCTION } from './function-bundles';
import { listingPartitionsStatement } from './listing-partitions';
import { type MonitorAlarmOptions, MonitorAlarms } from './monitor-alarms';
import { MonitorDashboard } from './monitor-dashboard';
import { MonitorFunction } from './monitor-function';
import { NotificationChannel } from './notification-channel';
import { OperatorTopic } from './operator-topic';
import { pollIntervalOf } from './poll-interval';
import { allowPublishing } from './topic-publishing';
import {
  DEFAULT_EMAIL_FILTER_POLICY,
  DEFAULT_PROGRESS_STEP,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_SCHEDULE,
  type EventBusChoice,
  type FilterPolicy,
  parseChatbot,
  parseDisappearAfterMisses,
  parseEmailFilterPolicy,
  parseEmails,
  parseEventBus,
  parseProgressStep,
  parseRegions,
  parseRetentionDays,
  parseSchedule,
  parseSlackWebhook,
  parseTaskTypeSetting,
  SettingsError,
  type SlackWebhookSettings,
} from './settings';

/** Properties of an {@link Ec2TaskMonitor}. Values are validated like the stack's settings. */
export interface Ec2TaskMonitorProps {
  /**
   * Regions whose tasks are polled; the poller, deployed in the stack's Region, calls each one's EC2 endpoint.
   *
   * @default - the stack's Region only
   */
  readonly regions?: readonly string[];

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
   * Name of the CloudWatch dashboard; names are unique in an account across Regions.
   *
   * @default - `<stack name>-<Region>`
   */
  readonly dashboardName?: string;

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
   * Post chat-filtered changes to a Slack channel through AWS Chatbot (Amazon Q Developer in chat
   * applications). The workspace must first be authorised in the Chatbot console.
   *
   * @default - no Chatbot channel
   */
  readonly chatbot?: ChatbotOptions;

  /**
   * Post chat-filtered changes to a Slack incoming webhook whose URL is kept in Secrets Manager.
   *
   * @default - no webhook channel
   */
  readonly slackWebhook?: SlackWebhookOptions;

  /**
   * Also put every change on an EventBridge bus (source `ec2-task-monitor`, detail-type
   * `EC2 Task Change`): `'default'` for the account's default bus, `'create'` for a bus the
   * monitor creates (with an archive kept `retentionDays`), or a bus of your own.
   *
   * @default - no EventBridge delivery
   */
  readonly eventBus?: EventBusChoice | events.IEventBus;

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

/** A Slack channel reached through AWS Chatbot. */
export interface ChatbotOptions {
  /** Id of the Slack workspace authorised in the Chatbot console, e.g. T0123ABCDEF. */
  readonly slackWorkspaceId: string;
  /** Id of the Slack channel, e.g. C0123ABCDEF. */
  readonly slackChannelId: string;
  /**
   * Which changes reach the channel.
   *
   * @default DEFAULT_CHAT_FILTER_POLICY: TaskStateChanged into a terminal phase, TaskDisappeared and TaskDiscovered
   */
  readonly filterPolicy?: FilterPolicy;
}

/** A Slack channel reached through an incoming webhook. */
export interface SlackWebhookOptions {
  /** Name of the Secrets Manager secret whose value is the webhook URL (the URL never enters the template). */
  readonly secretName: string;
  /**
   * Which changes reach the channel.
   *
   * @default DEFAULT_CHAT_FILTER_POLICY
   */
  readonly filterPolicy?: FilterPolicy;
}

/**
 * Poller's table access: Query the stored snapshots, GetItem the baseline marker, PutItem the
 * snapshots (TransactWriteItems is authorised per item action, and its items are conditional Puts).
 */
const POLLER_TABLE_ACTIONS = ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem'];

/** Publisher's table access (beyond the stream): claim, mark and release changes; read why a claim failed. */
const PUBLISHER_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];

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

/**
 * Slack webhook notifiers running at once: the least maximum concurrency an SQS event source takes.
 * Each paces its posts to this many times Slack's interval, so together they keep Slack's rate.
 */
export const WEBHOOK_NOTIFIERS = 2;

/** Polls EC2's task APIs on a schedule and publishes every task change to an SNS topic. */
export class Ec2TaskMonitor extends Construct {
  /** Snapshots of the tasks (each the outbox of its own changes), the change history and the baseline markers. */
  public readonly table: dynamodb.Table;
  /** Topic receiving one message per change. */
  public readonly topic: sns.Topic;
  /** Customer-managed key encrypting the topic. */
  public readonly topicKey: kms.Key;
  /** Scheduled function listing the tasks and recording changes. */
  public readonly poller: lambda.Function;
  /** Stream-fed function publishing the recorded changes. */
  public readonly publisher: lambda.Function;
  /** Stream batches the publisher failed on after every retry (record positions, not the records). */
  public readonly deadLetterQueue: sqs.Queue;
  /** Topic receiving the alarms (fired and cleared), for operators; separate from the event topic. */
  public readonly operatorTopic: sns.Topic;
  /** Customer-managed key encrypting the operator topic; CloudWatch alarms may use it. */
  public readonly operatorTopicKey: kms.Key;
  /** The alarms on the monitor's own faults. */
  public readonly alarms: MonitorAlarms;
  /** The operator's dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The dashboard's address in the AWS console. */
  public readonly dashboardUrl: string;
  /** The AWS Chatbot channel, when `chatbot` is set. */
  public readonly chatbotChannel?: ChatbotChannel;
  /** The Slack webhook channel, when `slackWebhook` is set. */
  public readonly slackWebhookChannel?: NotificationChannel;
  /** The EventBridge channel, when `eventBus` is set. */
  public readonly eventBusChannel?: NotificationChannel;
  /** The bus every change is put on, when `eventBus` is set. */
  public readonly eventBus?: events.IEventBus;

  constructor(scope: Construct, id: string, props: Ec2TaskMonitorProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const regions = parseRegions(props.regions ?? [Stack.of(this).region], Stack.of(this).region);
    const taskTypes = parseTaskTypeSetting(props.taskTypes ?? TASK_TYPE_NAMES);
    const emails = parseEmails(props.emails ?? []);
    const emailFilterPolicy = parseEmailFilterPolicy(props.emailFilterPolicy ?? DEFAULT_EMAIL_FILTER_POLICY);
    const progressStep = parseProgressStep(props.progressStep ?? DEFAULT_PROGRESS_STEP);
    const retentionDays = parseRetentionDays(props.retentionDays ?? DEFAULT_RETENTION_DAYS);
    const disappearAfterMisses = parseDisappearAfterMisses(
      props.disappearAfterMisses ?? DEFAULT_DISAPPEAR_AFTER_MISSES,
    );
    const schedule =
      props.schedule instanceof events.Schedule
        ? props.schedule
        : events.Schedule.expression(parseSchedule(props.schedule ?? DEFAULT_SCHEDULE));
    checkTrustWindow(schedule.expressionString, retentionDays);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_LAYOUT.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_LAYOUT.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS managed key (aws/dynamodb): the table holds task metadata (ids, states, bucket names),
      // no secrets. It is encrypted at rest with key use logged in CloudTrail, at no key cost and
      // without kms grants for both functions and the stream that a customer key would need.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE_LAYOUT.timeToLiveAttribute,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      removalPolicy,
    });

    this.topicKey = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the EC2 task monitor topic',
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(7),
    });
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'EC2 task monitor',
      masterKey: this.topicKey,
      enforceSSL: true,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      // SQS-managed keys: a customer key would add kms grants with wildcard actions to the
      // publisher for messages that are only stream positions, not task data.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });

    this.poller = new MonitorFunction(this, 'Poller', {
      code: POLLER_FUNCTION,
      description: 'Lists the EC2 tasks and records each change in the table',
      memorySize: 512,
      timeout: Duration.seconds(60),
      // One poll at a time: two concurrent polls would race on the same snapshots.
      reservedConcurrentExecutions: 1,
      // A poll throttled behind a running one, or one that failed, is not worth keeping or
      // retrying: the next scheduled poll lists everything again.
      maxEventAge: Duration.minutes(1),
      retryAttempts: 0,
      logRetention: props.logRetention,
      removalPolicy,
    });
    this.poller.addEnvironment(ENV.regions, regions.join(','));
    this.poller.addEnvironment(ENV.accountId, Stack.of(this).account);
    this.poller.addEnvironment(ENV.progressStep, String(progressStep));
    this.poller.addEnvironment(ENV.retentionDays, String(retentionDays));
    this.poller.addEnvironment(ENV.disappearAfterMisses, String(disappearAfterMisses));
    this.allowTaskListing(this.poller, taskTypes);
    this.useTable(this.poller, POLLER_TABLE_ACTIONS, { regions, taskTypes });
    new events.Rule(this, 'PollSchedule', {
      description: 'Runs the EC2 task monitor poller',
      schedule,
      targets: [
        new targets.LambdaFunction(this.poller, {
          retryAttempts: 0,
          maxEventAge: Duration.minutes(1),
        }),
      ],
    });

    this.publisher = new MonitorFunction(this, 'Publisher', {
      code: PUBLISHER_FUNCTION,
      description: 'Publishes each change recorded in the table to the topic',
      timeout: Duration.seconds(60),
      logRetention: props.logRetention,
      removalPolicy,
    });
    this.usePublishing(this.publisher);
    // The publisher claims and marks history items, which live in the listings' partitions.
    this.useTable(this.publisher, PUBLISHER_TABLE_ACTIONS, { regions, taskTypes });
    // The event source grants the stream reads it needs (DescribeStream, GetRecords,
    // GetShardIterator, ListStreams) and SendMessage on the dead-letter queue.
    this.publisher.addEventSource(
      new sources.DynamoEventSource(this.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(2),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        onFailure: new sources.SqsDlq(this.deadLetterQueue),
        // Only snapshot writes that recorded a change; the pattern is the one the publisher is
        // written against (table-layout.ts), not a copy.
        filters: [{ pattern: JSON.stringify(PUBLISHER_STREAM_FILTER) }],
      }),
    );

    const chatbotSettings = props.chatbot
      ? parseChatbot(props.chatbot.slackWorkspaceId, props.chatbot.slackChannelId, props.chatbot.filterPolicy)
      : undefined;
    if (chatbotSettings) {
      this.chatbotChannel = new ChatbotChannel(this, 'Chatbot', {
        ...chatbotSettings,
        topic: this.topic,
        topicKey: this.topicKey,
        table: this.table,
        retentionDays,
        channelActions: listingActionsOf(taskTypes),
        logRetention: props.logRetention,
        removalPolicy,
      });
    }
    const webhookSettings = props.slackWebhook
      ? parseSlackWebhook(props.slackWebhook.secretName, props.slackWebhook.filterPolicy)
      : undefined;
    if (webhookSettings) {
      this.slackWebhookChannel = this.slackWebhook(webhookSettings, retentionDays, props, removalPolicy);
    }
    if (props.eventBus !== undefined) {
      this.eventBus = this.resolveEventBus(props.eventBus, retentionDays, removalPolicy);
      this.eventBusChannel = this.eventBusDelivery(this.eventBus, retentionDays, props, removalPolicy);
    }
    const channels = [
      { name: 'Chatbot', channel: this.chatbotChannel?.delivery },
      { name: 'SlackWebhook', channel: this.slackWebhookChannel },
      { name: 'EventBus', channel: this.eventBusChannel },
    ].flatMap(({ name, channel }) => (channel ? [{ name, deadLetterQueue: channel.deadLetterQueue }] : []));

    const operator = new OperatorTopic(this, 'Operator', {
      emails: props.operatorEmails,
      removalPolicy,
    });
    this.operatorTopic = operator.topic;
    this.operatorTopicKey = operator.key;
    this.alarms = new MonitorAlarms(this, 'Alarms', {
      ...props.alarms,
      poller: this.poller,
      publisher: this.publisher,
      deadLetterQueue: this.deadLetterQueue,
      channels,
      scheduleExpression: schedule.expressionString,
      topic: this.operatorTopic,
    });
    const dashboard = new MonitorDashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      poller: this.poller,
      publisher: this.publisher,
      deadLetterQueue: this.deadLetterQueue,
      alarms: this.alarms.all,
      pollInterval: this.alarms.pollInterval,
    });
    this.dashboard = dashboard.dashboard;
    this.dashboardUrl = dashboard.dashboardUrl;

    emails.forEach((email) => {
      // The L2 Subscription's filterPolicy (SubscriptionFilter per attribute) cannot express
      // `$or`, so the L1 resource carries the validated policy as JSON.
      new sns.CfnSubscription(this, `Email-${email}`, {
        topicArn: this.topic.topicArn,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: email,
        filterPolicy: emailFilterPolicy,
        filterPolicyScope: 'MessageAttributes',
      });
    });
  }

  /**
   * The webhook channel: reads the URL from the named secret, and posts through at most
   * {@link WEBHOOK_NOTIFIERS} notifiers at once (the queue's maximum concurrency, Lambda's minimum),
   * each paced to Slack's one message per second divided among them. A burst (a first deploy's
   * discoveries) waits in the queue and drains at that rate; nothing is throttled, so every
   * receive is a real delivery. Up to ten of them, since Slack's rate limits count as deliveries.
   */
  private slackWebhook(
    settings: SlackWebhookSettings,
    retentionDays: number,
    props: Ec2TaskMonitorProps,
    removalPolicy: RemovalPolicy,
  ): NotificationChannel {
    const channel = new NotificationChannel(this, 'SlackWebhook', {
      channel: 'slack-webhook',
      description: 'Posts the filtered task changes to a Slack incoming webhook',
      topic: this.topic,
      filterPolicy: settings.filterPolicy,
      table: this.table,
      retentionDays,
      maxConcurrency: WEBHOOK_NOTIFIERS,
      maxReceiveCount: 10,
      logRetention: props.logRetention,
      removalPolicy,
    });
    const secret = secretsmanager.Secret.fromSecretNameV2(this, 'SlackWebhookSecret', settings.secretName);
    channel.notifier.addEnvironment(ENV.webhookSecretName, settings.secretName);
    channel.notifier.addEnvironment(
      ENV.webhookPostIntervalMs,
      String(SLACK_POST_INTERVAL_MS * WEBHOOK_NOTIFIERS),
    );
    secret.grantRead(channel.notifier);
    return channel;
  }

  /** The bus named by the `eventBus` choice; a created bus gets an archive of the monitor's events. */
  private resolveEventBus(
    choice: EventBusChoice | events.IEventBus,
    retentionDays: number,
    removalPolicy: RemovalPolicy,
  ): events.IEventBus {
    if (typeof choice !== 'string') return choice;
    if (parseEventBus(choice) === 'default')
      return events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    const bus = new events.EventBus(this, 'EventBus', {
      description: 'EC2 task changes published by the EC2 task monitor',
    });
    bus.applyRemovalPolicy(removalPolicy);
    // Replayable history of every change, kept as long as the table keeps its history.
    bus.archive('Archive', {
      description: 'Every EC2 task change, for replay',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(retentionDays),
    });
    return bus;
  }

  /** The EventBridge channel: every change, no filter, on the given bus. */
  private eventBusDelivery(
    bus: events.IEventBus,
    retentionDays: number,
    props: Ec2TaskMonitorProps,
    removalPolicy: RemovalPolicy,
  ): NotificationChannel {
    const channel = new NotificationChannel(this, 'EventBusDelivery', {
      channel: 'event-bus',
      description: 'Puts every task change on the EventBridge bus',
      topic: this.topic,
      table: this.table,
      retentionDays,
      logRetention: props.logRetention,
      removalPolicy,
    });
    channel.notifier.addEnvironment(ENV.eventBusName, bus.eventBusName);
    bus.grantPutEventsTo(channel.notifier);
    return channel;
  }

  /** Sets TASK_TYPES and allows exactly the listing actions of those types. */
  private allowTaskListing(fn: lambda.Function, taskTypes: readonly TaskTypeName[]): void {
    fn.addEnvironment(ENV.taskTypes, taskTypes.join(','));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: listingActionsOf(taskTypes),
        // The EC2 Describe* APIs support no resource-level permissions: "*" is the only resource.
        resources: ['*'],
      }),
    );
  }

  /** Sets TABLE_NAME and allows exactly the given actions on the polled listings' partitions of the table. */
  private useTable(
    fn: lambda.Function,
    actions: readonly string[],
    scope: { regions: readonly string[]; taskTypes: readonly TaskTypeName[] },
  ): void {
    fn.addEnvironment(ENV.tableName, this.table.tableName);
    fn.addToRolePolicy(listingPartitionsStatement(this.table, actions, scope));
  }

  /** Sets TOPIC_ARN and allows publishing to the event topic. */
  private usePublishing(fn: lambda.Function): void {
    fn.addEnvironment(ENV.topicArn, this.topic.topicArn);
    allowPublishing(fn, this.topic, this.topicKey);
  }
}
