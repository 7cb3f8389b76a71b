// Contract of the chat channels and the event feed, each setting on and off: the Chatbot channel
// configuration and its guardrail, the webhook's secret (a name, never a URL), the EventBridge
// bus, and what every channel shares: a filtered raw subscription, a queue with a dead-letter
// queue, a notifier limited to its own delivery records, an alarm and an output.
import { Match } from 'aws-cdk-lib/assertions';
import { deliveryPartitionKey } from '../../lambdas/shared/table-layout';
import type { ChannelDelivery } from '../../lib/channel/channel-delivery';
import { DEFAULT_CHAT_FILTER_POLICY } from '../../lib/defaults';
import {
  actionsOfRole,
  logicalIdOf,
  statementsOfRole,
  synthMonitor,
  TEST_ACCOUNT,
  TEST_REGION,
  type SynthesizedMonitor,
} from './synth';

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

  it('lets the channel only describe the watched task types, read-only', () => {
    const { template, stack } = every;
    const policy = template.toJSON().Resources[logicalIdOf(stack.monitor.channels.chatbot!.channelPolicy)];

    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['ec2:DescribeImportImageTasks', 'ec2:DescribeStoreImageTasks'],
        Resource: '*',
      },
    ]);
  });

  it('lets only AWS Chatbot acting for this account assume the channel role', () => {
    const { template } = every;
    const roles = Object.values(template.findResources('AWS::IAM::Role')).filter((role) =>
      JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('chatbot.amazonaws.com'),
    );

    expect(roles).toHaveLength(1);
    expect(roles[0]?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'chatbot.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': TEST_ACCOUNT } },
      },
    ]);
  });

  it('encrypts the chat topic with the event key and lets only the notifier publish to it', () => {
    const { template, stack } = every;
    const { chatTopic, delivery } = stack.monitor.channels.chatbot!;

    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'EC2 task monitor chat',
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(stack.monitor.topicKey), 'Arn'] },
    });
    expect(statementsOfRole(template, logicalIdOf(delivery.notifier.role!))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: logicalIdOf(chatTopic) } }),
      ]),
    );
    expect(environmentOf(every, delivery)).toMatchObject({
      CHANNEL: 'chatbot',
      CHAT_TOPIC_ARN: { Ref: logicalIdOf(chatTopic) },
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

describe('Slack through an incoming webhook', () => {
  it('gives the notifier the secret name and read access to that secret only', () => {
    const { template, stack } = every;
    const channel = stack.monitor.channels.slackWebhook!.delivery;

    expect(environmentOf(every, channel)).toMatchObject({
      CHANNEL: 'slack-webhook',
      SLACK_WEBHOOK_SECRET_NAME: 'ec2-task-monitor/slack-webhook',
    });
    expect(statementsOfRole(template, logicalIdOf(channel.notifier.role!))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                `:secretsmanager:${TEST_REGION}:${TEST_ACCOUNT}:secret:ec2-task-monitor/slack-webhook-??????`,
              ],
            ],
          },
        }),
      ]),
    );
  });

  it('never puts a webhook URL in the template', () => {
    expect(JSON.stringify(every.template.toJSON())).not.toMatch(/hooks\.slack\.com/);
  });

  it("limits the notifiers with the event source (2 at most, nothing reserved), each posting at half of Slack's rate, and redelivers up to ten times", () => {
    const { template, stack } = every;
    const channel = stack.monitor.channels.slackWebhook!.delivery;
    const resources = template.toJSON().Resources;
    const mapping = Object.values(resources).find(
      (resource) =>
        (resource as { Type: string }).Type === 'AWS::Lambda::EventSourceMapping' &&
        JSON.stringify((resource as { Properties: unknown }).Properties).includes(logicalIdOf(channel.queue)),
    ) as { Properties: Record<string, unknown> };

    // A reserved concurrency would throttle the queue's pollers, and throttled receives count
    // towards the dead-letter queue; the event source's maximum concurrency takes no more batches.
    expect(resources[logicalIdOf(channel.notifier)].Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: 2 });
    expect(environmentOf(every, channel).SLACK_POST_INTERVAL_MS).toBe('2000');
    // Together the notifiers post at most once a second, Slack's rate for one webhook: each waits
    // the interval between its posts, and at most MaximumConcurrency of them run (review W2).
    const { MaximumConcurrency } = mapping.Properties.ScalingConfig as { MaximumConcurrency: number };
    expect(
      Number(environmentOf(every, channel).SLACK_POST_INTERVAL_MS) / MaximumConcurrency,
    ).toBeGreaterThanOrEqual(1000);
    expect(resources[logicalIdOf(channel.queue)].Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(channel.deadLetterQueue), 'Arn'] },
      maxReceiveCount: 10,
    });
  });
});

describe('EventBridge', () => {
  it('creates a bus with an archive of the monitor events when asked to', () => {
    const { template, stack } = every;
    const bus = stack.monitor.channels.eventBus!.bus;

    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: { source: ['ec2-task-monitor'] },
      RetentionDays: 30,
    });
    expect(environmentOf(every, stack.monitor.channels.eventBus!.delivery)).toMatchObject({
      CHANNEL: 'event-bus',
      EVENT_BUS_NAME: { Ref: logicalIdOf(bus as never) },
    });
    every.template.hasOutput('EventBusName', { Value: { Ref: logicalIdOf(bus as never) } });
  });

  it('puts every change (no filter) on the default bus when asked to', () => {
    const monitor = synthMonitor({ eventBus: 'default' });
    const channel = monitor.stack.monitor.channels.eventBus!.delivery;
    const subscription =
      monitor.template.toJSON().Resources[logicalIdOf(channel.node.findChild('Subscription'))];

    monitor.template.resourceCountIs('AWS::Events::EventBus', 0);
    expect(subscription.Properties.FilterPolicy).toBeUndefined();
    expect(environmentOf(monitor, channel)).toMatchObject({ EVENT_BUS_NAME: 'default' });
    expect(statementsOfRole(monitor.template, logicalIdOf(channel.notifier.role!))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: 'events:PutEvents',
          Resource: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, `:events:${TEST_REGION}:${TEST_ACCOUNT}:event-bus/default`],
            ],
          },
        }),
      ]),
    );
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
