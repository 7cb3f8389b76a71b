// How every notification channel is delivered to: a queue subscribed to the event topic with the
// channel's filter policy, a notifier function fed by it, and a dead-letter queue for what still
// fails after every redelivery. Every channel is built on it, so all share one delivery model: at
// least once from the topic, once per event to the channel. The cdk-nag findings that are by design
// are acknowledged here, on the construct they are about, so a consumer running cdk-nag sees none.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type ChannelName, ENV } from '../../lambdas/shared/config';
import { deliveryPartitionKey } from '../../lambdas/shared/table-layout';
import { notifierFunction } from '../function-bundles';
import { MonitorFunction } from '../monitor-function';
import type { FilterPolicy } from '../settings/filter-policy';

/** Delivery records' table actions: Powertools idempotency reads, puts, updates and deletes its records. */
const DELIVERY_RECORD_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];

/** Properties of a {@link ChannelDelivery}. */
export interface ChannelDeliveryProps {
  /**
   * The channel: names its delivery records, metrics and logs, tells the handler what it serves,
   * and names the notifier's code in the package (`<channel>-notifier`, see lib/function-bundles.ts).
   */
  readonly channel: ChannelName;

  /** What the notifier does, shown in the Lambda console. */
  readonly description: string;

  /** The event topic the channel's queue subscribes to. */
  readonly topic: sns.ITopic;

  /**
   * SNS filter policy (on message attributes) of the subscription: which changes reach the channel.
   *
   * @default - every change
   */
  readonly filterPolicy?: FilterPolicy;

  /** The monitor's table, where the notifier remembers which events it delivered. */
  readonly table: dynamodb.ITable;

  /** Days a delivery is remembered (the table's TTL deletes the record after). */
  readonly retentionDays: number;

  /**
   * Deliveries of one message before it moves to the dead-letter queue.
   *
   * @default 5
   */
  readonly maxReceiveCount?: number;

  /**
   * Most notifier instances the queue's event source runs at once (its maximum concurrency, 2 to
   * 1,000). Unlike a reserved concurrency, it limits how many batches are taken from the queue, so
   * a burst waits in the queue instead of being throttled (a throttled receive still counts towards
   * the dead-letter queue).
   *
   * @default - no limit but the account's concurrency
   */
  readonly maxConcurrency?: number;

  /**
   * How long the notifier waits to fill a batch; longer means fewer invocations, later messages.
   *
   * @default Duration.seconds(1)
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * Retention of the notifier's log group.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the queues and the log group when they leave the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** A queue-fed notifier delivering the topic's events to one channel, once each. */
export class ChannelDelivery extends Construct {
  /** The notifier function. */
  public readonly notifier: lambda.Function;
  /** The queue the topic delivers the channel's events to. */
  public readonly queue: sqs.Queue;
  /** Messages that failed every delivery (and deliveries SNS could not make to the queue). */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ChannelDeliveryProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const timeout = Duration.seconds(60);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      // SQS-managed keys: SNS can deliver to them without a key policy, and the messages are the
      // events already on the (KMS-encrypted) topic.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's advice for a Lambda-fed queue: six times the function timeout, so a message is not
      // redelivered while a throttled or retried invocation may still be working on it.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
      removalPolicy,
    });
    const allowTopic = (queue: sqs.Queue): void => {
      queue.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': props.topic.topicArn } },
        }),
      );
    };
    allowTopic(this.queue);
    allowTopic(this.deadLetterQueue);
    // The L2 SqsSubscription's filter (SubscriptionFilter per attribute) cannot express `$or`.
    new sns.CfnSubscription(this, 'Subscription', {
      topicArn: props.topic.topicArn,
      protocol: sns.SubscriptionProtocol.SQS,
      endpoint: this.queue.queueArn,
      // The JSON event itself as the body (the `default` of the publisher's message structure).
      rawMessageDelivery: true,
      ...(props.filterPolicy
        ? { filterPolicy: props.filterPolicy, filterPolicyScope: 'MessageAttributes' }
        : {}),
      // What SNS cannot deliver to the queue (a broken queue policy) lands in the same dead-letter queue.
      redrivePolicy: { deadLetterTargetArn: this.deadLetterQueue.queueArn },
    });

    this.notifier = new MonitorFunction(this, 'Notifier', {
      code: notifierFunction(props.channel),
      description: props.description,
      timeout,
      logRetention: props.logRetention,
      removalPolicy,
    });
    this.notifier.addEnvironment(ENV.channel, props.channel);
    this.notifier.addEnvironment(ENV.retentionDays, String(props.retentionDays));
    this.notifier.addEnvironment(ENV.tableName, props.table.tableName);
    // Only the channel's own delivery records: the partition key is fixed per channel.
    this.notifier.addToRolePolicy(
      new iam.PolicyStatement({
        actions: DELIVERY_RECORD_ACTIONS,
        resources: [props.table.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [deliveryPartitionKey(props.channel)] },
        },
      }),
    );
    this.notifier.addEventSource(
      new sources.SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency,
      }),
    );

    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is itself the channel queue's dead-letter queue; it needs none of its own.",
    });
  }
}
