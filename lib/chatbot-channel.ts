// Slack through AWS Chatbot (Amazon Q Developer in chat applications): a chat topic that only
// ever carries custom notifications, the Slack channel configuration subscribed to it, and the
// notifier that renders each event passing the chat filter onto the topic. Chatbot posts what
// it reads on the topic; it cannot filter, so the filter sits on the notifier's subscription.
import { Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV } from '../lambdas/shared/config';
import { NotificationChannel } from './notification-channel';
import { allowPublishing } from './topic-publishing';
import type { FilterPolicy } from './settings';

/** Properties of a {@link ChatbotChannel}. */
export interface ChatbotChannelProps {
  /** Id of the Slack workspace, authorised once in the Chatbot console. */
  readonly slackWorkspaceId: string;
  /** Id of the Slack channel; the Chatbot app must be invited to it (`/invite @Amazon Q`). */
  readonly slackChannelId: string;
  /** Which changes reach the channel (SNS filter policy on the event topic's message attributes). */
  readonly filterPolicy: FilterPolicy;
  /** The event topic. */
  readonly topic: sns.ITopic;
  /** Key encrypting the event topic; it encrypts the chat topic too. */
  readonly topicKey: kms.IKey;
  /** The monitor's table, for the notifier's delivery records. */
  readonly table: dynamodb.ITable;
  /** Days a delivery is remembered. */
  readonly retentionDays: number;
  /**
   * The only actions people in the channel may run through Chatbot (`@Amazon Q ec2 describe-…`):
   * the guardrail and the channel role both allow exactly these, read-only.
   */
  readonly channelActions: readonly string[];
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

/** Posts the chat-filtered task changes to a Slack channel through AWS Chatbot, one thread per task. */
export class ChatbotChannel extends Construct {
  /** Topic of the custom notifications, which Chatbot is subscribed to. */
  public readonly chatTopic: sns.Topic;
  /** The Slack channel configuration. */
  public readonly slackChannel: chatbot.SlackChannelConfiguration;
  /** What people in the channel may run through Chatbot: the channel role's policy and the guardrail. */
  public readonly channelPolicy: iam.ManagedPolicy;
  /** The queue, notifier and dead-letter queue. */
  public readonly delivery: NotificationChannel;

  constructor(scope: Construct, id: string, props: ChatbotChannelProps) {
    super(scope, id);
    this.chatTopic = new sns.Topic(this, 'ChatTopic', {
      displayName: 'EC2 task monitor chat',
      masterKey: props.topicKey,
      enforceSSL: true,
    });

    // Read-only, and only the task APIs the monitor watches: the guardrail caps what anyone in
    // the channel can do through Chatbot whatever role they bring; the channel role grants it.
    this.channelPolicy = new iam.ManagedPolicy(this, 'ChannelPolicy', {
      description:
        'What the EC2 task monitor Slack channel may run through AWS Chatbot: describe the watched EC2 tasks',
      statements: [new iam.PolicyStatement({ actions: [...props.channelActions], resources: ['*'] })],
    });
    const role = new iam.Role(this, 'ChannelRole', {
      // Only Chatbot acting for this account may assume it (the confused-deputy guard).
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Role of the EC2 task monitor Slack channel in AWS Chatbot',
      managedPolicies: [this.channelPolicy],
    });
    this.slackChannel = new chatbot.SlackChannelConfiguration(this, 'SlackChannel', {
      // Chatbot names are unique in the account across Regions, hence the Region in the name.
      slackChannelConfigurationName: `${Names.uniqueResourceName(this, { maxLength: 100, separator: '-' })}-${Stack.of(this).region}`,
      slackWorkspaceId: props.slackWorkspaceId,
      slackChannelId: props.slackChannelId,
      notificationTopics: [this.chatTopic],
      role,
      guardrailPolicies: [this.channelPolicy],
      loggingLevel: chatbot.LoggingLevel.ERROR,
    });

    this.delivery = new NotificationChannel(this, 'Delivery', {
      channel: 'chatbot',
      description: 'Renders the chat-filtered task changes as AWS Chatbot custom notifications',
      topic: props.topic,
      filterPolicy: props.filterPolicy,
      table: props.table,
      retentionDays: props.retentionDays,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const { notifier } = this.delivery;
    notifier.addEnvironment(ENV.chatTopicArn, this.chatTopic.topicArn);
    allowPublishing(notifier, this.chatTopic, props.topicKey);
  }
}
