// The contract every notification channel fulfils (channels/<name>/index.ts), so the monitor, its
// alarms, outputs and dashboard, and the dev kit's local mode loop over the configured channels
// instead of naming each one. A channel brings:
// - its settings: the monitor prop that turns it on, the context keys that set that prop, and a
//   check of the prop's value that applies its defaults, its filter policy among them
//   (channels/<name>/settings.ts);
// - the CDK part (channels/<name>/construct.ts): a queue subscribed to the event topic with the
//   filter, a notifier, a dead-letter queue (ChannelDelivery), and its destination;
// - its notifier (channels/<name>/notifier.ts), the Lambda handler that renders each event and
//   delivers it, bundled by the build as `<name>-notifier`;
// - the stand-in the dev kit runs for its destination in the local mode.
// The monitor adds for each: a dead-letter alarm, an output of the dead-letter queue, a dashboard
// widget of its deliveries, failures and duplicates.
import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { TaskTypeName } from '../../lambdas/domain/task';
import type { ContextKeys } from '../settings/setting';
import type { ChannelDelivery } from './channel-delivery';

/** What the monitor gives every channel it builds. */
export interface ChannelContext {
  /** The event topic the channel's queue subscribes to. */
  readonly topic: sns.ITopic;
  /** The key encrypting the event topic (a chat topic is encrypted with it too). */
  readonly topicKey: kms.IKey;
  /** The monitor's table, where the notifier remembers what it delivered. */
  readonly table: dynamodb.ITable;
  /** Days a delivery is remembered (and a created archive keeps its events). */
  readonly retentionDays: number;
  /** The watched task types: all that people in a chat channel may describe through AWS Chatbot. */
  readonly taskTypes: readonly TaskTypeName[];
  /** Retention of the notifier's log group. */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the channel's queues and log group when they leave the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/** An output of the stack about a channel. */
export interface ChannelOutput {
  readonly value: string;
  readonly description: string;
}

/** What every built channel has, so callers loop instead of naming each one. */
export interface DeployedChannel {
  /** Its queue, notifier and dead-letter queue. */
  readonly delivery: ChannelDelivery;
  /** Stack outputs besides its dead-letter queue's, by output id (the chat topic's ARN, the bus's name). */
  readonly outputs: Readonly<Record<string, ChannelOutput>>;
}

/**
 * What the dev kit's local mode stands in for, to run the channel with no AWS account, and the
 * context that turns the channel on there (placeholder ids: nothing real is reached):
 * - `chat-topic`: the topic AWS Chatbot reads, read by a queue instead;
 * - `slack-webhook`: a Slack incoming webhook, with its URL in a Secrets Manager stand-in under `secretName`;
 * - `event-bus`: EventBridge's PutEvents.
 */
export type LocalStandIn =
  | { readonly kind: 'chat-topic' | 'event-bus'; readonly context: Readonly<Record<string, string>> }
  | {
      readonly kind: 'slack-webhook';
      readonly context: Readonly<Record<string, string>>;
      readonly secretName: string;
    };

/** One notification channel. */
export interface ChannelDefinition<Options = unknown, Deployed extends DeployedChannel = DeployedChannel> {
  /**
   * Its name: its notifier's `CHANNEL` and code (`<name>-notifier`), its delivery records'
   * partition (`DELIVERY#<name>`), and the `channel` dimension of its metrics.
   */
  readonly name: string;
  /** Its id in the stack: its outputs (`<id>DeadLetterQueueUrl`), alarm (`<id>DeadLetters`) and widget. */
  readonly id: string;
  /** The prop of Ec2TaskMonitorProps that turns it on (the channel's own file declares it). */
  readonly prop: string;
  /** The context keys that set that prop. */
  readonly contextKeys: ContextKeys;
  /**
   * Checks the prop's value, given as a prop or mapped from context, and applies the defaults.
   * @returns undefined when the channel is off
   * @throws SettingsError naming the context key, the value and what is allowed
   */
  check(value: unknown): Options | undefined;
  /** Builds the channel in the monitor (construct ids are the channel's, under the monitor). */
  build(monitor: Construct, options: Options, context: ChannelContext): Deployed;
  /** The dev kit's stand-in for its destination. */
  readonly local: LocalStandIn;
}

/**
 * The channels a monitor built, by the prop that turned each on. Each channel adds its entry to
 * this interface (declaration merging in channels/<name>/index.ts), with its own construct's type.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MonitorChannels {}
