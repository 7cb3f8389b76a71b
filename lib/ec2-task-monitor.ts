// The monitor as one construct: a scheduled poller records each EC2 task change in a DynamoDB
// table (the task's snapshot item carries the pending change: it is the outbox); the table's
// stream feeds a publisher that sends each recorded change to an encrypted SNS topic, with
// batches that still fail after every retry parked in a dead-letter queue. Every configured
// notification channel (channels/) delivers from the topic. Alarms on the monitor's own faults
// notify a separate operator topic, and a dashboard shows what it does.
// The constructor reads as a list: check the props, make each resource, bind it to the functions
// that use it (each binding sets the variable and grants what it is used for, lib/bindings.ts).
import { type CfnCondition, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { ENV } from '../lambdas/shared/config';
import { PUBLISHER_STREAM_FILTER } from '../lambdas/shared/table-layout';
import { bindPublishing, bindQuotaLimits, bindSettings, bindTable, bindTaskListing } from './bindings';
import type { ChannelContext, DeployedChannel, MonitorChannels } from './channel/channel';
import { checkProps } from './check-props';
import type { Ec2TaskMonitorProps } from './ec2-task-monitor-props';
import { eventTopic, publisherDeadLetterQueue } from './event-topic';
import { POLLER_FUNCTION, PUBLISHER_FUNCTION, WORKER_FUNCTION } from './function-bundles';
import { ANY_ACCOUNT, type Listings } from './listing-partitions';
import { MonitorAlarms } from './monitor-alarms';
import { MonitorDashboard } from './monitor-dashboard';
import { MonitorQueries } from './monitor-queries';
import { MonitorFunction } from './monitor-function';
import { MonitorTable } from './monitor-table';
import { OperatorTopic } from './operator-topic';
import { OrganizationPolling } from './organization/organization-polling';
import { pollIntervalOf } from './poll-interval';
import { taskCreationTrigger } from './task-creation-trigger';
import type { FilterPolicy } from './settings/filter-policy';
import { ENABLED_REGIONS, type RegionSelection, stallAfterVariable } from './settings/monitor-settings';

export type { Ec2TaskMonitorProps } from './ec2-task-monitor-props';

/**
 * Poller's table access: Query the stored snapshots, GetItem and UpdateItem its units' states, PutItem the
 * snapshots (TransactWriteItems is authorised per item action, and its items are conditional Puts).
 */
const POLLER_TABLE_ACTIONS = [
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];

/** Publisher's table access (beyond the stream): claim, mark and release changes; read why a claim failed. */
const PUBLISHER_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];

/** A channel as built, with what the monitor adds for every channel: its id and name. */
export interface BuiltChannel {
  /** Its id in the stack (outputs, alarm, dashboard widget), e.g. `Chatbot`. */
  readonly id: string;
  /** Its name (the notifier's CHANNEL and the metrics' `channel` dimension), e.g. `chatbot`. */
  readonly name: string;
  /** What the channel built. */
  readonly channel: DeployedChannel;
}

/** Polls EC2's task APIs on a schedule and publishes every task change to an SNS topic. */
export class Ec2TaskMonitor extends Construct {
  /** Snapshots of the tasks (each the outbox of its own changes), the change history and the baseline markers. */
  public readonly table: dynamodb.Table;
  /** Topic receiving one message per change. */
  public readonly topic: sns.Topic;
  /** Customer-managed key encrypting the topic (and the operator topic, with `topicKeys: 'shared'`). */
  public readonly topicKey: kms.Key;
  /** Scheduled function listing the tasks and recording changes; in organization mode, the worker fed by the unit queue. */
  public readonly poller: lambda.Function;
  /** Organization mode's dispatcher, unit queue and member role StackSet; undefined with accounts=self. */
  public readonly organization?: OrganizationPolling;
  /** Organization mode: fires when accounts stay unmonitored; undefined with accounts=self. */
  public readonly unmonitoredAccounts?: cloudwatch.Alarm;
  /** Stream-fed function publishing the recorded changes. */
  public readonly publisher: lambda.Function;
  /** Stream batches the publisher failed on after every retry (record positions, not the records). */
  public readonly deadLetterQueue: sqs.Queue;
  /** The filter policy of the email subscriptions (the given one, or DEFAULT_EMAIL_FILTER_POLICY). */
  public readonly emailFilterPolicy: FilterPolicy;
  /** The notification channels, by the prop that turned each on (for example `channels.chatbot`). */
  public readonly channels: MonitorChannels;
  /** Every configured channel with its id and name, in the order of the registry: what the alarms, the outputs and the dashboard loop over. */
  public readonly configuredChannels: readonly BuiltChannel[];
  /** Topic receiving the alarms (fired and cleared), for operators; separate from the event topic. */
  public readonly operatorTopic: sns.Topic;
  /** Customer-managed key encrypting the operator topic (the topic key with `topicKeys: 'shared'`); CloudWatch alarms may use it. */
  public readonly operatorTopicKey: kms.Key;
  /** The alarms on the monitor's own faults. */
  public readonly alarms: MonitorAlarms;
  /** The operator's dashboard; undefined unless the `dashboard` setting is true. */
  public readonly dashboard?: cloudwatch.Dashboard;
  /** The dashboard's address in the AWS console of the stack's partition; undefined where it has none (see {@link MonitorDashboard.dashboardUrl}). */
  public readonly dashboardUrl?: string;
  /** Set when the stack's Region is known only at deploy: where {@link dashboardUrl} is valid. */
  public readonly dashboardUrlCondition?: CfnCondition;

  constructor(scope: Construct, id: string, props: Ec2TaskMonitorProps = {}) {
    super(scope, id);
    const settings = checkProps(props, { stackRegion: Stack.of(this).region });
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const organizationMode = settings.accounts.mode !== 'self';
    const listings: Listings = {
      // Organization mode: the worker and the publisher write the listings of every watched account.
      account: organizationMode ? ANY_ACCOUNT : Stack.of(this).account,
      regions: listedRegions(settings.regions, Stack.of(this).region),
      taskTypes: settings.taskTypes,
    };
    this.emailFilterPolicy = settings.emailFilterPolicy;

    this.table = new MonitorTable(this, 'Table', { removalPolicy });
    ({ topic: this.topic, key: this.topicKey } = eventTopic(this, removalPolicy));
    this.deadLetterQueue = publisherDeadLetterQueue(this, removalPolicy);

    this.poller = new MonitorFunction(this, 'Poller', {
      // Organization mode: the poller is the worker, fed one unit (account × Region) per message.
      code: organizationMode ? WORKER_FUNCTION : POLLER_FUNCTION,
      description: organizationMode
        ? 'Lists the EC2 tasks of one account in one Region per message and records each change in the table'
        : 'Lists the EC2 tasks and records each change in the table',
      memorySize: 512,
      timeout: Duration.seconds(60),
      unscopedActions:
        'The EC2 Describe*Tasks actions (the enabled task types only), servicequotas:ListServiceQuotas',
      ...(organizationMode
        ? {}
        : {
            // One poll at a time: two concurrent polls would race on the same snapshots.
            reservedConcurrentExecutions: 1,
            // A poll throttled behind a running one, or one that failed, is not worth keeping or
            // retrying: the next scheduled poll lists everything again.
            maxEventAge: Duration.minutes(1),
            retryAttempts: 0,
          }),
      logRetention: props.logRetention,
      removalPolicy,
    });
    bindSettings(this.poller, {
      [ENV.regions]: listings.regions.join(','),
      [ENV.accountId]: Stack.of(this).account,
      [ENV.progressStep]: String(settings.progressStep),
      [ENV.retentionDays]: String(settings.retentionDays),
      [ENV.disappearAfterMisses]: String(settings.disappearAfterMisses),
      [ENV.quotaWarningShare]: String(settings.quotaWarningShare),
      [ENV.stallAfter]: stallAfterVariable(settings.stallAfter),
    });
    bindTaskListing(this.poller, settings.taskTypes);
    bindQuotaLimits(this.poller, settings.taskTypes);
    bindTable(this.poller, this.table, POLLER_TABLE_ACTIONS, listings);
    if (settings.accounts.mode === 'self') {
      bindSettings(this.poller, {
        // The fast re-polls of a scheduled run end before the next run (a cron without a fixed
        // interval: within the minute after each run).
        [ENV.pollIntervalSeconds]: String(
          pollIntervalOf(settings.schedule.expressionString)?.toSeconds() ?? 60,
        ),
        [ENV.fastPollSeconds]: String(settings.fastPollSeconds),
      });
      if (settings.cloudTrailTrigger) {
        taskCreationTrigger(this, 'TaskCreationTrigger', {
          poller: this.poller,
          taskTypes: settings.taskTypes,
        });
      }
      new events.Rule(this, 'PollSchedule', {
        description: 'Runs the EC2 task monitor poller',
        schedule: settings.schedule,
        targets: [
          new targets.LambdaFunction(this.poller, { retryAttempts: 0, maxEventAge: Duration.minutes(1) }),
        ],
      });
    } else {
      this.organization = new OrganizationPolling(this, 'Organization', {
        worker: this.poller,
        table: this.table,
        schedule: settings.schedule,
        accounts: settings.accounts,
        excludeAccounts: settings.excludeAccounts,
        regions: settings.regions,
        taskTypes: settings.taskTypes,
        memberRoleName: settings.memberRoleName,
        memberRoleStackSet: settings.memberRoleStackSet,
        memberRoleTargets: settings.memberRoleTargets,
        workerConcurrency: settings.workerConcurrency,
        pollIntervalSeconds: pollIntervalOf(settings.schedule.expressionString)?.toSeconds(),
        fastPollSeconds: settings.fastPollSeconds,
        cloudTrailTrigger: settings.cloudTrailTrigger,
        logRetention: props.logRetention,
        removalPolicy,
      });
    }

    this.publisher = new MonitorFunction(this, 'Publisher', {
      code: PUBLISHER_FUNCTION,
      description: 'Publishes each change recorded in the table to the topic',
      timeout: Duration.seconds(60),
      unscopedActions: 'dynamodb:ListStreams (added by the stream event source)',
      logRetention: props.logRetention,
      removalPolicy,
    });
    bindPublishing(this.publisher, this.topic, this.topicKey);
    // The publisher claims and marks history items, which live in the listings' partitions.
    bindTable(this.publisher, this.table, PUBLISHER_TABLE_ACTIONS, listings);
    // The event source grants the stream reads it needs (DescribeStream, GetRecords,
    // GetShardIterator, ListStreams) and SendMessage on the dead-letter queue.
    this.publisher.addEventSource(
      new sources.DynamoEventSource(this.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(2),
        // Four batches of a shard at once: DynamoDB Streams keeps the order of each item's records
        // (a snapshot is one task), so tasks of different listings publish side by side; each
        // batch's PublishBatch calls go side by side too (deliver-changes.ts).
        parallelizationFactor: 4,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        onFailure: new sources.SqsDlq(this.deadLetterQueue),
        // Only snapshot writes that recorded a change; the pattern is the one the publisher is
        // written against (table-layout.ts), not a copy.
        filters: [{ pattern: JSON.stringify(PUBLISHER_STREAM_FILTER) }],
      }),
    );

    const channelContext: ChannelContext = {
      topic: this.topic,
      topicKey: this.topicKey,
      table: this.table,
      retentionDays: settings.retentionDays,
      taskTypes: settings.taskTypes,
      logRetention: props.logRetention,
      removalPolicy,
    };
    this.configuredChannels = settings.channels.map(({ definition, options }) => ({
      id: definition.id,
      name: definition.name,
      channel: definition.build(this, options, channelContext),
    }));
    this.channels = Object.fromEntries(
      settings.channels.map(({ definition }, index) => [
        definition.prop,
        this.configuredChannels[index]?.channel,
      ]),
    ) as MonitorChannels;

    const operator = new OperatorTopic(this, 'Operator', {
      emails: settings.operatorEmails,
      key: settings.topicKeys === 'shared' ? this.topicKey : undefined,
      removalPolicy,
    });
    this.operatorTopic = operator.topic;
    this.operatorTopicKey = operator.key;
    this.alarms = new MonitorAlarms(this, 'Alarms', {
      thresholds: settings.alarms,
      poller: this.poller,
      publisher: this.publisher,
      deadLetterQueue: this.deadLetterQueue,
      channels: this.configuredChannels.map(({ id, channel }) => ({
        id,
        deadLetterQueue: channel.delivery.deadLetterQueue,
      })),
      scheduleExpression: settings.schedule.expressionString,
      topic: this.operatorTopic,
    });
    if (this.organization) {
      this.unmonitoredAccounts = this.organization.unmonitoredAccountsAlarm(
        this.alarms,
        this.alarms.pollInterval,
      );
      this.unmonitoredAccounts.addAlarmAction(new cloudwatchActions.SnsAction(this.operatorTopic));
      this.unmonitoredAccounts.addOkAction(new cloudwatchActions.SnsAction(this.operatorTopic));
    }
    new MonitorQueries(this, 'Queries', { pollerLogGroup: this.poller.logGroup });
    if (settings.dashboard) {
      const dashboard = new MonitorDashboard(this, 'Dashboard', {
        dashboardName: props.dashboardName,
        poller: this.poller,
        pollerLogGroup: this.poller.logGroup,
        publisher: this.publisher,
        deadLetterQueue: this.deadLetterQueue,
        channels: this.configuredChannels.map(({ id, name, channel }) => ({
          id,
          name,
          deadLetterQueue: channel.delivery.deadLetterQueue,
        })),
        alarms: this.alarms.all,
      });
      this.dashboard = dashboard.dashboard;
      this.dashboardUrl = dashboard.dashboardUrl;
      this.dashboardUrlCondition = dashboard.dashboardUrlCondition;
    }

    for (const email of settings.emails) {
      // The L2 Subscription's filterPolicy (SubscriptionFilter per attribute) cannot express
      // `$or`, so the L1 resource carries the validated policy as JSON.
      new sns.CfnSubscription(this, `Email-${email}`, {
        topicArn: this.topic.topicArn,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: email,
        filterPolicy: settings.emailFilterPolicy,
        filterPolicyScope: 'MessageAttributes',
      });
    }
  }
}

/**
 * The Regions whose listings a deployment may hold: the ones named, or for `enabled` every Region
 * of the stack's partition this CDK release knows (an account may enable any of them).
 */
function listedRegions(regions: RegionSelection, stackRegion: string): string[] {
  if (regions !== ENABLED_REGIONS) return regions;
  const partition = RegionInfo.get(stackRegion).partition ?? 'aws';
  return RegionInfo.regions.filter((region) => region.partition === partition).map((region) => region.name);
}
