// Test support: synthesizes the monitor stack without copying its assets, from context settings,
// and reads things out of the template by construct rather than by guessed logical id.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { CHANNELS } from '../../channels';
import type { ChannelDelivery } from '../../lib/channel/channel-delivery';
import type { ChatbotClientChannel } from '../../lib/channel/chatbot-client-channel';
import { Ec2TaskMonitorStack } from '../../lib/ec2-task-monitor-stack';
import { propsFromContext } from '../../lib/settings';

export const TEST_ACCOUNT = '123456789012';
export const TEST_REGION = 'eu-west-1';

/** Context that leaves the functions' code assets where they are (dist/functions): hashed, not copied. */
export const NO_STAGING = { 'aws:cdk:disable-asset-staging': true };

/**
 * Context turning on every registered channel (with the ids its local stand-in uses), so the
 * checks every channel must pass (cdk-nag, cfn-lint, what all channels share) cover a channel as
 * soon as it is registered.
 */
export const EVERY_REGISTERED_CHANNEL: Readonly<Record<string, string>> = Object.assign(
  {},
  ...CHANNELS.map((channel) => channel.local.context),
);

export interface SynthesizedMonitor {
  readonly stack: Ec2TaskMonitorStack;
  readonly template: Template;
}

/** Synthesizes one monitor stack with the given settings in context. */
export function synthMonitor(settings: Record<string, unknown> = {}): SynthesizedMonitor {
  const app = new App({ context: { ...NO_STAGING, ...settings } });
  const stack = new Ec2TaskMonitorStack(app, 'TestMonitor', {
    env: { account: TEST_ACCOUNT, region: TEST_REGION },
    monitor: propsFromContext(app.node),
  });
  return { stack, template: Template.fromStack(stack) };
}

/** Logical id of a construct's CloudFormation resource (the construct itself or its default child). */
export function logicalIdOf(construct: IConstruct): string {
  const resource = (construct.node.defaultChild ?? construct) as CfnResource;
  return Stack.of(construct).getLogicalId(resource);
}

/** The environment variables of a channel's notifier, as the template sets them. */
export function environmentOf(
  monitor: SynthesizedMonitor,
  channel: ChannelDelivery,
): Record<string, unknown> {
  const resource = monitor.template.toJSON().Resources[logicalIdOf(channel.notifier)];
  return resource.Properties.Environment.Variables;
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every statement of the inline policies attached to a role. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleLogicalId }] },
  });
  return Object.values(policies).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
}

/**
 * Asserts what every channel built on ChatbotClientChannel (Slack, Teams) does with its chat topic:
 * encrypted with the event topic's key, published to by its notifier alone, named in the
 * notifier's environment.
 */
export function expectChatTopicOf(
  monitor: SynthesizedMonitor,
  channel: ChatbotClientChannel,
  expected: { displayName: string; channelName: string },
): void {
  const { template, stack } = monitor;
  const { chatTopic, delivery } = channel;

  template.hasResourceProperties('AWS::SNS::Topic', {
    DisplayName: expected.displayName,
    KmsMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(stack.monitor.topicKey), 'Arn'] },
  });
  expect(statementsOfRole(template, logicalIdOf(delivery.notifier.role!))).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: logicalIdOf(chatTopic) } }),
    ]),
  );
  expect(environmentOf(monitor, delivery)).toMatchObject({
    CHANNEL: expected.channelName,
    CHAT_TOPIC_ARN: { Ref: logicalIdOf(chatTopic) },
  });
}

/**
 * Asserts the read-only guardrail every ChatbotClientChannel (Slack, Teams) gives its channel: the
 * channel policy allows exactly the watched types' Describe actions, and the channel role, which
 * has that policy and nothing else, can be assumed by AWS Chatbot acting for this account only.
 */
export function expectReadOnlyChannel(
  monitor: SynthesizedMonitor,
  channel: ChatbotClientChannel,
  describeActions: readonly string[],
): void {
  const resources = monitor.template.toJSON().Resources;
  const policy = resources[logicalIdOf(channel.channelPolicy)];
  const role = resources[logicalIdOf(channel.role)];

  expect(policy.Properties.PolicyDocument.Statement).toEqual([
    { Effect: 'Allow', Action: [...describeActions], Resource: '*' },
  ]);
  expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
    {
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { Service: 'chatbot.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': monitor.stack.account } },
    },
  ]);
  expect(role.Properties.ManagedPolicyArns).toEqual([{ Ref: logicalIdOf(channel.channelPolicy) }]);
}

/** Every action a role is allowed, sorted. */
export function actionsOfRole(template: Template, roleLogicalId: string): string[] {
  return statementsOfRole(template, roleLogicalId)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]))
    .sort();
}
