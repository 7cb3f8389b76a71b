// What every notification channel shares (each channel's own contract is in
// test/channels/<name>/construct.test.ts): nothing when none is set; with every one set, a filtered
// raw subscription, a queue with a dead-letter queue, a notifier limited to its own delivery
// records, an alarm and an output.
import { Match } from 'aws-cdk-lib/assertions';
import { deliveryPartitionKey } from '../../../lambdas/shared/table-layout';
import type { ChannelDelivery } from '../../../lib/channel/channel-delivery';
import {
  actionsOfRole,
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
  every = synthMonitor({ ...CHATBOT, ...WEBHOOK, eventBus: 'create', taskTypes: 'import-image,store-image' });
});

function channels(monitor: SynthesizedMonitor): ChannelDelivery[] {
  const { chatbot, slackWebhook, eventBus } = monitor.stack.monitor.channels;
  return [chatbot?.delivery, slackWebhook?.delivery, eventBus?.delivery].filter(
    (channel): channel is ChannelDelivery => channel !== undefined,
  );
}

function environmentOf(monitor: SynthesizedMonitor, channel: ChannelDelivery): Record<string, unknown> {
  const resource = monitor.template.toJSON().Resources[logicalIdOf(channel.notifier)];
  return resource.Properties.Environment.Variables;
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
    expect(stack.monitor.alarms.channelDeadLetters).toHaveLength(3);
    for (const [output, channel] of [
      ['ChatbotDeadLetterQueueUrl', stack.monitor.channels.chatbot!.delivery],
      ['SlackWebhookDeadLetterQueueUrl', stack.monitor.channels.slackWebhook!.delivery],
      ['EventBusDeadLetterQueueUrl', stack.monitor.channels.eventBus!.delivery],
    ] as const) {
      template.hasOutput(output, { Value: { Ref: logicalIdOf(channel.deadLetterQueue) } });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(channel.deadLetterQueue), 'QueueName'] } },
        ],
        Threshold: 1,
        AlarmDescription: Match.stringLikeRegexp(
          `^The ${output.replace('DeadLetterQueueUrl', '')} notification channel`,
        ),
        AlarmActions: [{ Ref: logicalIdOf(stack.monitor.operatorTopic) }],
      });
    }
  });
});
