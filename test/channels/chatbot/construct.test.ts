// Slack through AWS Chatbot: the Slack channel configuration, its guardrail and role, the chat
// topic and its notifier, the filter and the output.
import { Match } from 'aws-cdk-lib/assertions';
import { DEFAULT_CHAT_FILTER_POLICY } from '../../../lib/defaults';
import {
  expectChatTopicOf,
  expectReadOnlyChannel,
  logicalIdOf,
  synthMonitor,
  TEST_REGION,
  type SynthesizedMonitor,
} from '../../lib/synth';

const CHATBOT = { slackWorkspaceId: 'T0123ABCDEF', slackChannelId: 'C0456GHIJKL' };

let every: SynthesizedMonitor;

beforeAll(() => {
  every = synthMonitor({ ...CHATBOT, taskTypes: 'import-image,store-image' });
});

describe('Slack through AWS Chatbot', () => {
  it('creates the Slack channel configuration subscribed to the chat topic, with a guardrail', () => {
    const { template, stack } = every;
    const chatbot = stack.monitor.channels.chatbot!;

    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCDEF',
      SlackChannelId: 'C0456GHIJKL',
      SnsTopicArns: [{ Ref: logicalIdOf(chatbot.chatTopic) }],
      GuardrailPolicies: [{ Ref: logicalIdOf(chatbot.channelPolicy) }],
      IamRoleArn: Match.anyValue(),
      LoggingLevel: 'ERROR',
      ConfigurationName: Match.stringLikeRegexp(`-${TEST_REGION}$`),
    });
  });

  it('lets the channel only describe the watched task types, read-only, through the one role AWS Chatbot acting for this account may assume', () => {
    const roles = Object.values(every.template.findResources('AWS::IAM::Role')).filter((role) =>
      JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('chatbot.amazonaws.com'),
    );

    expect(roles).toHaveLength(1);
    expectReadOnlyChannel(every, every.stack.monitor.channels.chatbot!, [
      'ec2:DescribeImportImageTasks',
      'ec2:DescribeStoreImageTasks',
    ]);
  });

  it('encrypts the chat topic with the event key and lets only the notifier publish to it', () => {
    expectChatTopicOf(every, every.stack.monitor.channels.chatbot!, {
      displayName: 'EC2 task monitor chat',
      channelName: 'chatbot',
    });
  });

  it('filters the chat with the default chat policy, or the one given', () => {
    const custom = synthMonitor({ ...CHATBOT, chatFilterPolicy: '{"phase":["failed"]}' });
    const subscriptionOf = (monitor: SynthesizedMonitor) =>
      monitor.template.toJSON().Resources[
        logicalIdOf(monitor.stack.monitor.channels.chatbot!.delivery.node.findChild('Subscription'))
      ];

    expect(subscriptionOf(every).Properties.FilterPolicy).toEqual(DEFAULT_CHAT_FILTER_POLICY);
    expect(subscriptionOf(custom).Properties.FilterPolicy).toEqual({ phase: ['failed'] });
  });

  it('outputs the chat topic', () => {
    every.template.hasOutput('ChatTopicArn', {
      Value: { Ref: logicalIdOf(every.stack.monitor.channels.chatbot!.chatTopic) },
    });
  });
});
