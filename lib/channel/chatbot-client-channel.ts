// What every chat channel reached through AWS Chatbot (Amazon Q Developer in chat applications)
// shares, whatever the chat application (Slack, Microsoft Teams): a chat topic that only ever
// carries custom notifications, the role and guardrail of the channel configuration, and the
// notifier that renders each event passing the channel's filter onto the chat topic. Chatbot posts
// what it reads on the topic; it cannot filter, so the filter sits on the notifier's subscription.
// Each chat application's channel extends it with its own channel configuration.
import { Names, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CHAT_TOPIC_VARIABLE } from '../../lambdas/notifiers/chat-topic-config';
import { listingActionsOf } from '../../lambdas/task-types/metadata';
import type { FilterPolicy } from '../settings/filter-policy';
import { allowPublishing } from '../topic-publishing';
import type { ChannelContext, ChannelOutput, DeployedChannel } from './channel';
import { ChannelDelivery } from './channel-delivery';

/** Properties of a {@link ChatbotClientChannel}. */
export interface ChatbotClientChannelProps extends ChannelContext {
  /** The channel's name (see ChannelDefinition.name). */
  readonly channel: string;
  /** The chat application, for the descriptions: `Slack`, `Microsoft Teams`. */
  readonly application: string;
  /** The chat topic's display name. */
  readonly topicDisplayName: string;
  /** The id of the stack output of the chat topic's ARN, e.g. `ChatTopicArn`. */
  readonly chatTopicOutput: string;
  /** What the notifier does, shown in the Lambda console. */
  readonly notifierDescription: string;
  /** Which changes reach the channel (SNS filter policy on the event topic's message attributes). */
  readonly filterPolicy: FilterPolicy;
}

/** The chat topic, role, guardrail and notifier of a chat channel reached through AWS Chatbot. */
export abstract class ChatbotClientChannel extends Construct implements DeployedChannel {
  /** Topic of the custom notifications, which Chatbot is subscribed to. */
  public readonly chatTopic: sns.Topic;
  /** What people in the channel may run through Chatbot: the channel role's policy and the guardrail. */
  public readonly channelPolicy: iam.ManagedPolicy;
  /** The role of the channel configuration. */
  public readonly role: iam.Role;
  /** The queue, notifier and dead-letter queue. */
  public readonly delivery: ChannelDelivery;
  /** The chat topic's ARN, under the output id `chatTopicOutput`. */
  public readonly outputs: Readonly<Record<string, ChannelOutput>>;

  constructor(scope: Construct, id: string, props: ChatbotClientChannelProps) {
    super(scope, id);
    this.chatTopic = new sns.Topic(this, 'ChatTopic', {
      displayName: props.topicDisplayName,
      masterKey: props.topicKey,
      enforceSSL: true,
    });

    // Read-only, and only the task APIs the monitor watches: the guardrail caps what anyone in
    // the channel can do through Chatbot whatever role they bring; the channel role grants it.
    this.channelPolicy = new iam.ManagedPolicy(this, 'ChannelPolicy', {
      description: `What the EC2 task monitor ${props.application} channel may run through AWS Chatbot: describe the watched EC2 tasks`,
      statements: [new iam.PolicyStatement({ actions: listingActionsOf(props.taskTypes), resources: ['*'] })],
    });
    Validations.of(this.channelPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The channel may only run the EC2 Describe*Tasks actions of the watched task types, which ' +
        'support no resource-level permissions, so "*" is the only valid resource.',
    });
    this.role = new iam.Role(this, 'ChannelRole', {
      // Only Chatbot acting for this account may assume it (the confused-deputy guard).
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `Role of the EC2 task monitor ${props.application} channel in AWS Chatbot`,
      managedPolicies: [this.channelPolicy],
    });

    this.delivery = new ChannelDelivery(this, 'Delivery', {
      ...props,
      description: props.notifierDescription,
    });
    this.delivery.notifier.addEnvironment(CHAT_TOPIC_VARIABLE, this.chatTopic.topicArn);
    allowPublishing(this.delivery.notifier, this.chatTopic, props.topicKey);
    this.outputs = {
      [props.chatTopicOutput]: {
        value: this.chatTopic.topicArn,
        description: `SNS topic of the AWS Chatbot custom notifications (the ${props.application} channel is subscribed)`,
      },
    };
  }

  /**
   * The name of the channel configuration: Chatbot names are unique in the account across Regions,
   * hence the Region in the name.
   */
  protected configurationName(): string {
    return `${Names.uniqueResourceName(this, { maxLength: 100, separator: '-' })}-${Stack.of(this).region}`;
  }
}
