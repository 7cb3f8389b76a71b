// What every notification channel shares (each channel's own contract is in
// test/channels/<name>/construct.test.ts): nothing when none is set; with every registered one set,
// a filtered raw subscription, a queue with a dead-letter queue, a notifier limited to its own
// delivery records, an alarm and an output.
import { Match } from 'aws-cdk-lib/assertions';
import { deliveryPartitionKey } from '../../../lambdas/shared/table-layout';
import { CHANNELS } from '../../../channels';
import type { ChannelDelivery } from '../../../lib/channel/channel-delivery';
import {
  actionsOfRole,
  environmentOf,
  EVERY_REGISTERED_CHANNEL,
  logicalIdOf,
  statementsOfRole,
  synthMonitor,
  type SynthesizedMonitor,
} from '../synth';

const CHATBOT = { slackWorkspaceId: 'T0123ABCDEF', slackChannelId: 'C0456GHIJKL' };
const WEBHOOK = { slackWebhookSecretName: 'ec2-task-monitor/slack-webhook' };

let none: SynthesizedMonitor;
let every: SynthesizedMonitor;

beforeAll(() => {
  none = synthMonitor();
  every = synthMonitor({
    ...EVERY_REGISTERED_CHANNEL,
    ...CHATBOT,
    ...WEBHOOK,
    eventBus: 'create',
    taskTypes: 'import-image,store-image',
  });
});

/** Every channel the monitor built, as the alarms, outputs and dashboard see them. */
function channels(monitor: SynthesizedMonitor): ChannelDelivery[] {
  return monitor.stack.monitor.configuredChannels.map(({ channel }) => channel.delivery);
}

describe('with no channel set', () => {
  it('creates no Chatbot configuration, chat topic, event bus, notifier or secret access', () => {
    const { template, stack } = none;

    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    template.resourceCountIs('AWS::Events::EventBus', 0);
    template.resourceCountIs('AWS::SNS::Topic', 2); // the event topic and the operator topic
    template.resourceCountIs('AWS::SQS::Queue', 1); // the publisher's dead-letter queue
    expect(channels(none)).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/secretsmanager|events:PutEvents/);
    expect(Object.keys(template.toJSON().Outputs)).not.toEqual(expect.arrayContaining(['ChatTopicArn']));
    expect(stack.monitor.alarms.channelDeadLetters).toEqual([]);
  });
});

describe('every channel', () => {
  it('is built for every registered channel', () => {
    expect(every.stack.monitor.configuredChannels.map(({ name }) => name)).toEqual(
      CHANNELS.map((channel) => channel.name),
    );
  });

  it('subscribes its queue raw to the event topic, and lets only that topic send to it', () => {
    const { template, stack } = every;
    for (const channel of channels(every)) {
      const resources = template.toJSON().Resources;
      const subscription = resources[logicalIdOf(channel.node.findChild('Subscription'))].Properties;
      expect(subscription).toMatchObject({
        Protocol: 'sqs',
        RawMessageDelivery: true,
        TopicArn: { Ref: logicalIdOf(stack.monitor.topic) },
        Endpoint: { 'Fn::GetAtt': [logicalIdOf(channel.queue), 'Arn'] },
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(channel.deadLetterQueue), 'Arn'] },
        },
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalIdOf(channel.queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: 'sqs:SendMessage',
              Principal: { Service: 'sns.amazonaws.com' },
              Condition: { ArnEquals: { 'aws:SourceArn': { Ref: logicalIdOf(stack.monitor.topic) } } },
            }),
          ]),
        },
      });
    }
  });

  it('feeds its notifier in batches with partial failure reporting', () => {
    for (const channel of channels(every)) {
      every.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalIdOf(channel.notifier) },
        EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(channel.queue), 'Arn'] },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
  });

  it("limits its notifier's table access to its own delivery records", () => {
    const { template, stack } = every;
    for (const channel of channels(every)) {
      const name = environmentOf(every, channel).CHANNEL as string;
      const tableStatements = statementsOfRole(template, logicalIdOf(channel.notifier.role!)).filter(
        (statement) => JSON.stringify(statement.Action).includes('dynamodb:'),
      );
      expect(tableStatements).toEqual([
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          Resource: { 'Fn::GetAtt': [logicalIdOf(stack.monitor.table), 'Arn'] },
          Condition: {
            'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [deliveryPartitionKey(name)] },
          },
        },
      ]);
      expect(actionsOfRole(template, logicalIdOf(channel.notifier.role!))).not.toContain('dynamodb:Query');
    }
  });

  it('alarms the operators when its dead-letter queue holds a message, and outputs its URL', () => {
    const { template, stack } = every;
    const ids = stack.monitor.configuredChannels.map(({ id }) => id);
    expect(ids).toEqual(expect.arrayContaining(['Chatbot', 'SlackWebhook', 'EventBus']));
    expect(stack.monitor.alarms.channelDeadLetters).toHaveLength(CHANNELS.length);
    for (const { id, channel } of stack.monitor.configuredChannels) {
      const output = `${id}DeadLetterQueueUrl`;
      const { delivery } = channel;
      template.hasOutput(output, { Value: { Ref: logicalIdOf(delivery.deadLetterQueue) } });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [logicalIdOf(delivery.deadLetterQueue), 'QueueName'] },
          },
        ],
        Threshold: 1,
        AlarmDescription: Match.stringLikeRegexp(`^The ${id} notification channel`),
        AlarmActions: [{ Ref: logicalIdOf(stack.monitor.operatorTopic) }],
      });
    }
  });
});
