// Microsoft Teams through AWS Chatbot: the Teams channel configuration with the same read-only
// guardrail and role as Slack's, its own chat topic and notifier, the filter and the output. What
// every channel shares (subscription, queues, alarm) and cdk-nag and cfn-lint cover it as a
// registered channel (test/lib/channel, test/lib/cdk-nag.test.ts, test/lib/cfn-lint.test.ts).
import { Match } from 'aws-cdk-lib/assertions';
import { DEFAULT_CHAT_FILTER_POLICY } from '../../../lib/defaults';
import {
  environmentOf,
  expectChatTopicOf,
  expectReadOnlyChannel,
  logicalIdOf,
  synthMonitor,
  TEST_REGION,
  type SynthesizedMonitor,
} from '../../lib/synth';

const TEAMS = {
  teamsTeamId: '8f2c6d1e-4b3a-4c9d-a1e5-7b6f0d2c3e4a',
  teamsChannelId: '19%3a2f4c8e1a9b7d4c6e8f0a1b3c5d7e9f01%40thread.tacv2',
  teamsTenantId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
};
const SLACK = { slackWorkspaceId: 'T0123ABCDEF', slackChannelId: 'C0456GHIJKL' };

let teams: SynthesizedMonitor;

beforeAll(() => {
  teams = synthMonitor({ ...TEAMS, taskTypes: 'import-image,store-image' });
});

it('is not built when no Teams id is set', () => {
  const none = synthMonitor(SLACK);

  none.template.resourceCountIs('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', 0);
  expect(none.stack.monitor.channels.teams).toBeUndefined();
});

it('creates the Teams channel configuration subscribed to its chat topic, with a guardrail', () => {
  const { template, stack } = teams;
  const channel = stack.monitor.channels.teams!;

  template.resourceCountIs('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', 1);
  template.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
    TeamId: TEAMS.teamsTeamId,
    TeamsChannelId: TEAMS.teamsChannelId,
    TeamsTenantId: TEAMS.teamsTenantId,
    SnsTopicArns: [{ Ref: logicalIdOf(channel.chatTopic) }],
    GuardrailPolicies: [{ Ref: logicalIdOf(channel.channelPolicy) }],
    IamRoleArn: { 'Fn::GetAtt': [logicalIdOf(channel.role), 'Arn'] },
    LoggingLevel: 'ERROR',
    ConfigurationName: Match.stringLikeRegexp(`^[A-Za-z0-9-_]{1,100}-${TEST_REGION}$`),
  });
  template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
});

it('lets the channel only describe the watched task types, read-only, through a role only AWS Chatbot acting for this account may assume, as Slack does', () => {
  expectReadOnlyChannel(teams, teams.stack.monitor.channels.teams!, [
    'ec2:DescribeImportImageTasks',
    'ec2:DescribeStoreImageTasks',
  ]);
});

it('encrypts its chat topic with the event key and lets only its notifier publish to it', () => {
  expectChatTopicOf(teams, teams.stack.monitor.channels.teams!, {
    displayName: 'EC2 task monitor Teams chat',
    channelName: 'teams',
  });
});

it('runs beside Slack through Chatbot with a chat topic, role and notifier of its own', () => {
  const both = synthMonitor({ ...TEAMS, ...SLACK });
  const { chatbot, teams: teamsChannel } = both.stack.monitor.channels;

  both.template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 1);
  both.template.resourceCountIs('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', 1);
  expect(logicalIdOf(teamsChannel!.chatTopic)).not.toBe(logicalIdOf(chatbot!.chatTopic));
  expect(logicalIdOf(teamsChannel!.role)).not.toBe(logicalIdOf(chatbot!.role));
  expect(environmentOf(both, teamsChannel!.delivery).CHANNEL).toBe('teams');
  expect(environmentOf(both, chatbot!.delivery).CHANNEL).toBe('chatbot');
});

it('filters the chat with the default chat policy, or the one given', () => {
  const custom = synthMonitor({ ...TEAMS, teamsFilterPolicy: '{"phase":["failed"]}' });
  const subscriptionOf = (monitor: SynthesizedMonitor) =>
    monitor.template.toJSON().Resources[
      logicalIdOf(monitor.stack.monitor.channels.teams!.delivery.node.findChild('Subscription'))
    ];

  expect(subscriptionOf(teams).Properties.FilterPolicy).toEqual(DEFAULT_CHAT_FILTER_POLICY);
  expect(subscriptionOf(custom).Properties.FilterPolicy).toEqual({ phase: ['failed'] });
});

it('outputs its chat topic and its dead-letter queue', () => {
  const channel = teams.stack.monitor.channels.teams!;

  teams.template.hasOutput('TeamsChatTopicArn', { Value: { Ref: logicalIdOf(channel.chatTopic) } });
  teams.template.hasOutput('TeamsDeadLetterQueueUrl', {
    Value: { Ref: logicalIdOf(channel.delivery.deadLetterQueue) },
  });
});
