// Organization mode's fan-out on AWS's own machinery: the schedule starts a dispatcher, which
// sends one message per (account, Region) to a FIFO queue (a message group per unit: no two
// workers poll one unit at once, with no lease write); a worker function fed by that queue, with
// the event source's maximum concurrency as its pace, polls each unit with the account's
// credentials. The member role reaches the accounts through the StackSet; an alarm tells the
// operator when accounts are not watched.
import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import type { AccountSelection } from '../../lambdas/domain/accounts';
import { accountSelectionText } from '../../lambdas/domain/accounts';
import type { TaskTypeName } from '../../lambdas/domain/task';
import { ENV } from '../../lambdas/shared/config';
import { COVERAGE_PARTITION_KEY } from '../../lambdas/shared/table-layout';
import { bindSettings } from '../bindings';
import { DISPATCHER_FUNCTION } from '../function-bundles';
import { MonitorFunction } from '../monitor-function';
import { serviceMetric } from '../monitor-metrics';
import { lastingWindowOf } from '../poll-interval';
import {
  ENABLED_REGIONS,
  type FastPollSetting,
  type MemberRoleDeployment,
  type RegionSelection,
} from '../settings/monitor-settings';
import { emitMemberRoleTemplate, MemberRoleStackSet } from './member-role-stack-set';
import { memberRoleTemplate } from './member-role-template';
import { TaskCallForwarding } from './task-call-forwarding';

/** Properties of {@link OrganizationPolling}. */
export interface OrganizationPollingProps {
  /** The function polling one unit per message (the monitor's poller in organization mode). */
  readonly worker: lambda.Function;
  readonly table: dynamodb.ITable;
  readonly schedule: events.Schedule;
  readonly accounts: Exclude<AccountSelection, { mode: 'self' }>;
  readonly excludeAccounts: readonly string[];
  readonly regions: RegionSelection;
  readonly taskTypes: readonly TaskTypeName[];
  readonly memberRoleName: string;
  readonly memberRoleStackSet: MemberRoleDeployment;
  readonly memberRoleTargets: readonly string[];
  readonly workerConcurrency: number;
  /** Seconds between two cycles, when the schedule has a fixed interval. */
  readonly pollIntervalSeconds?: number;
  /** Seconds between fast re-polls of a unit's listings with unfinished tasks, or `off`. */
  readonly fastPollSeconds: FastPollSetting;
  /**
   * Queue a unit's poll on each task-creating call CloudTrail records in a watched account and
   * Region (needs named Regions: check-props refuses `enabled`).
   */
  readonly cloudTrailTrigger: boolean;
  readonly logRetention?: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** How long accounts stay unmonitored before the alarm fires, on a schedule of a cycle every few minutes. */
const UNMONITORED_FOR = Duration.minutes(15);

/** Organizations' read calls the dispatcher makes (none of them supports resource-level permissions). */
const DISPATCHER_ORGANIZATIONS_ACTIONS = [
  'organizations:ListAccounts',
  'organizations:ListAccountsForParent',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:DescribeAccount',
];

/** The dispatcher, the queue, the worker's event source, the member role's StackSet. */
export class OrganizationPolling extends Construct {
  public readonly dispatcher: lambda.Function;
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly memberRole?: MemberRoleStackSet;
  /** The task-call bus, its rules and the forwarding StackSet; undefined without cloudTrailTrigger. */
  public readonly taskCalls?: TaskCallForwarding;

  constructor(scope: Construct, id: string, props: OrganizationPollingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const workerTimeout = props.worker.timeout ?? Duration.seconds(60);
    this.deadLetterQueue = new sqs.Queue(this, 'UnitDeadLetterQueue', {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(1),
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself the dead-letter queue of the workers' unit queue; it needs none of its own.",
    });
    this.queue = new sqs.Queue(this, 'UnitQueue', {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the worker's timeout, as Lambda advises for an SQS event source.
      visibilityTimeout: Duration.seconds(workerTimeout.toSeconds() * 6),
      // A unit's message is worth nothing after a few cycles: the next cycle sends it again.
      retentionPeriod: Duration.hours(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
      removalPolicy: props.removalPolicy,
    });

    this.dispatcher = new MonitorFunction(this, 'Dispatcher', {
      code: DISPATCHER_FUNCTION,
      description: 'Resolves the accounts and Regions of a cycle and queues one unit per (account, Region)',
      memorySize: 512,
      timeout: Duration.seconds(60),
      unscopedActions: 'The Organizations listing calls and account:ListRegions',
      // One dispatch at a time: a late one must not race the next on the coverage items.
      reservedConcurrentExecutions: 1,
      maxEventAge: Duration.minutes(1),
      retryAttempts: 0,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    bindSettings(this.dispatcher, {
      [ENV.accounts]: accountSelectionText(props.accounts),
      [ENV.excludeAccounts]: props.excludeAccounts.join(','),
      [ENV.regions]: props.regions === ENABLED_REGIONS ? ENABLED_REGIONS : props.regions.join(','),
      [ENV.accountId]: stack.account,
      [ENV.memberRoleName]: props.memberRoleName,
      [ENV.tableName]: props.table.tableName,
      [ENV.pollIntervalSeconds]: String(props.pollIntervalSeconds ?? 60),
    });
    this.dispatcher.addEnvironment(ENV.queueUrl, this.queue.queueUrl);
    this.queue.grantSendMessages(this.dispatcher);
    this.dispatcher.addToRolePolicy(
      new iam.PolicyStatement({ actions: DISPATCHER_ORGANIZATIONS_ACTIONS, resources: ['*'] }),
    );
    // Its own account's Regions (the deployment account, when selected).
    this.dispatcher.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['account:ListRegions'], resources: ['*'] }),
    );
    // GetItem: a task-creating call's account, checked against its coverage (cloudTrailTrigger).
    const coverage = coverageStatement(props.table, [
      'dynamodb:Query',
      'dynamodb:PutItem',
      ...(props.cloudTrailTrigger ? ['dynamodb:GetItem'] : []),
    ]);
    this.dispatcher.addToRolePolicy(coverage);
    new events.Rule(this, 'DispatchSchedule', {
      description: 'Starts an EC2 task monitor cycle: the dispatcher queues every unit',
      schedule: props.schedule,
      targets: [
        new targets.LambdaFunction(this.dispatcher, { retryAttempts: 0, maxEventAge: Duration.minutes(1) }),
      ],
    });

    const worker = props.worker;
    bindSettings(worker, {
      [ENV.memberRoleName]: props.memberRoleName,
      [ENV.pollIntervalSeconds]: String(props.pollIntervalSeconds ?? 60),
      [ENV.fastPollSeconds]: String(props.fastPollSeconds),
    });
    worker.addToRolePolicy(coverageStatement(props.table, ['dynamodb:GetItem', 'dynamodb:PutItem']));
    worker.addEventSource(
      new sources.SqsEventSource(this.queue, {
        batchSize: 10,
        maxConcurrency: props.workerConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    // Both assume the member role of any account (its name is fixed; the role trusts only the worker).
    const assume = new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      resources: [
        stack.formatArn({
          service: 'iam',
          region: '',
          account: '*',
          resource: 'role',
          resourceName: props.memberRoleName,
        }),
      ],
    });
    worker.addToRolePolicy(assume);
    this.dispatcher.addToRolePolicy(assume);
    // The ARN's partition is a literal when CDK knows it (an environment with a Region), a token otherwise.
    const partitions = [RegionInfo.get(stack.region).partition ?? 'aws', '<AWS::Partition>'];
    for (const fn of [worker, this.dispatcher]) {
      if (!fn.role) continue;
      for (const partition of partitions) {
        Validations.of(fn.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:${partition}:iam::*:role/${props.memberRoleName}]`,
          reason:
            'The member role has the same name in every watched account, and the accounts are read from ' +
            'Organizations at every cycle, so the account of its ARN is a wildcard; the role itself trusts only the worker.',
        });
      }
    }

    const template = memberRoleTemplate({ roleName: props.memberRoleName, taskTypes: props.taskTypes });
    emitMemberRoleTemplate(this, template);
    if (props.memberRoleStackSet !== 'none' && worker.role) {
      this.memberRole = new MemberRoleStackSet(this, 'MemberRole', {
        template,
        trustedRole: worker.role,
        callAs: props.memberRoleStackSet,
        accounts: props.accounts,
        excludeAccounts: props.excludeAccounts,
        targets: props.memberRoleTargets.length > 0 ? props.memberRoleTargets : undefined,
      });
    }
    if (props.cloudTrailTrigger && props.regions !== ENABLED_REGIONS) {
      this.taskCalls = new TaskCallForwarding(this, 'TaskCalls', {
        dispatcher: this.dispatcher,
        taskTypes: props.taskTypes,
        regions: props.regions,
        memberRole: this.memberRole,
        callAs: props.memberRoleStackSet,
      });
    }
  }

  /**
   * An alarm when accounts stay unmonitored for 15 minutes, or on a slower schedule for at least two
   * periods of two poll intervals each: the dispatcher reports once per cycle, so each period must
   * hold a cycle (see {@link lastingWindowOf}).
   *
   * @param pollInterval the longest expected gap between two cycles; undefined when the schedule has no fixed interval
   */
  unmonitoredAccountsAlarm(scope: Construct, pollInterval: Duration | undefined): cloudwatch.Alarm {
    const { period, evaluationPeriods } = lastingWindowOf(pollInterval, UNMONITORED_FOR);
    const window = Duration.minutes(period.toMinutes() * evaluationPeriods).toHumanString();
    return serviceMetric('UnmonitoredAccounts', { statistic: 'Minimum', period }).createAlarm(
      scope,
      'UnmonitoredAccounts',
      {
        alarmDescription:
          `EC2 task monitor (organization mode): at least one account has not been watched for ${window}: ` +
          'its member role is missing (AccessDenied on AssumeRole: deploy it, see the StackSet or the README), ' +
          'it is suspended or closed (exclude it with excludeAccounts), AWS throttles it, or another error. ' +
          '`ec2-task-monitor accounts` lists every account with its last failure and code. Nothing is inferred ' +
          "about an unwatched account's tasks; the alarm clears when every account is polled again.",
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods,
        datapointsToAlarm: evaluationPeriods,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );
  }
}

/** Access to the coverage items' partition only. */
function coverageStatement(table: dynamodb.ITable, actions: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions,
    resources: [table.tableArn],
    conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [COVERAGE_PARTITION_KEY] } },
  });
}
