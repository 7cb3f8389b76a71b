// The operator topic: separate from the event topic, encrypted with a rotated customer-managed key
// that CloudWatch alarms may use (the event topic's by default, its own with topicKeys=per-topic), TLS-only, publishable by this account's alarms only, and subscribed
// by the operatorEmails without a filter.
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Ec2TaskMonitor } from '../../lib/ec2-task-monitor';
import {
  logicalIdOf,
  NO_STAGING,
  synthMonitor,
  TEST_ACCOUNT,
  TEST_REGION,
  type SynthesizedMonitor,
} from './synth';

let defaults: SynthesizedMonitor;
let keyPerTopic: SynthesizedMonitor;
let withOperators: SynthesizedMonitor;

beforeAll(() => {
  defaults = synthMonitor();
  keyPerTopic = synthMonitor({ topicKeys: 'per-topic' });
  withOperators = synthMonitor({
    emails: 'team@example.com',
    operatorEmails: 'oncall@example.com,sre@example.org',
  });
});

function ids({ stack }: SynthesizedMonitor) {
  const { monitor } = stack;
  return {
    operatorTopic: logicalIdOf(monitor.operatorTopic),
    operatorKey: logicalIdOf(monitor.operatorTopicKey),
    topic: logicalIdOf(monitor.topic),
    topicKey: logicalIdOf(monitor.topicKey),
  };
}

it('with topicKeys=per-topic, is a second topic with its own rotated customer-managed key', () => {
  const { operatorTopic, operatorKey, topic, topicKey } = ids(keyPerTopic);

  expect(operatorTopic).not.toBe(topic);
  expect(operatorKey).not.toBe(topicKey);
  keyPerTopic.template.resourceCountIs('AWS::SNS::Topic', 2);
  keyPerTopic.template.resourceCountIs('AWS::KMS::Key', 2);
  expect(keyPerTopic.template.findResources('AWS::KMS::Key')[operatorKey]?.Properties).toMatchObject({
    EnableKeyRotation: true,
    PendingWindowInDays: 7,
  });
  keyPerTopic.template.hasResourceProperties('AWS::SNS::Topic', {
    DisplayName: 'EC2 task monitor operations',
    KmsMasterKeyId: { 'Fn::GetAtt': [operatorKey, 'Arn'] },
  });
});

it('with topicKeys=per-topic, lets CloudWatch alarms use its key, and only its key', () => {
  const { operatorKey, topicKey } = ids(keyPerTopic);
  const keys = keyPerTopic.template.findResources('AWS::KMS::Key');
  const cloudwatchStatements = (id: string) =>
    (keys[id]?.Properties.KeyPolicy.Statement as { Principal: unknown }[]).filter(
      (statement) => JSON.stringify(statement.Principal) === '{"Service":"cloudwatch.amazonaws.com"}',
    );

  expect(cloudwatchStatements(operatorKey)).toEqual([
    {
      Sid: 'AllowCloudWatchAlarmsToUseTheKey',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
    },
  ]);
  expect(cloudwatchStatements(topicKey)).toEqual([]);
});

it("by default shares the event topic's one rotated key, which CloudWatch alarms may use", () => {
  const { operatorTopic, operatorKey, topic, topicKey } = ids(defaults);
  const keys = defaults.template.findResources('AWS::KMS::Key');

  expect(operatorTopic).not.toBe(topic);
  expect(operatorKey).toBe(topicKey);
  defaults.template.resourceCountIs('AWS::SNS::Topic', 2);
  expect(Object.keys(keys)).toEqual([topicKey]);
  expect(keys[topicKey]?.Properties).toMatchObject({ EnableKeyRotation: true, PendingWindowInDays: 7 });
  for (const displayName of ['EC2 task monitor', 'EC2 task monitor operations']) {
    defaults.template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: displayName,
      KmsMasterKeyId: { 'Fn::GetAtt': [topicKey, 'Arn'] },
    });
  }
  expect(
    (keys[topicKey]?.Properties.KeyPolicy.Statement as { Sid?: string }[]).filter(
      (statement) => statement.Sid === 'AllowCloudWatchAlarmsToUseTheKey',
    ),
  ).toHaveLength(1);
});

it('denies every request not made over TLS and lets only this account’s alarms publish', () => {
  const { operatorTopic } = ids(defaults);

  defaults.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
    Topics: [{ Ref: operatorTopic }],
    PolicyDocument: {
      Statement: [
        Match.objectLike({
          Effect: 'Deny',
          Action: 'sns:Publish',
          Principal: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
        {
          Sid: 'AllowThisAccountsAlarmsToPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: { Ref: operatorTopic },
          Condition: {
            StringEquals: { 'aws:SourceAccount': TEST_ACCOUNT },
            ArnLike: {
              'aws:SourceArn': {
                'Fn::Join': [
                  '',
                  ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:${TEST_REGION}:${TEST_ACCOUNT}:alarm:*`],
                ],
              },
            },
          },
        },
      ],
    },
  });
});

describe('operatorEmails', () => {
  it('subscribes nobody by default', () => {
    defaults.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes each address to the operator topic, without a filter', () => {
    const { operatorTopic, topic } = ids(withOperators);
    const subscriptions = Object.values(withOperators.template.findResources('AWS::SNS::Subscription')).map(
      (resource) => resource.Properties,
    );
    const toOperators = subscriptions.filter((properties) => properties.TopicArn.Ref === operatorTopic);

    expect(toOperators).toEqual(
      ['oncall@example.com', 'sre@example.org'].map((endpoint) => ({
        TopicArn: { Ref: operatorTopic },
        Protocol: 'email',
        Endpoint: endpoint,
      })),
    );
    // The event topic keeps its own subscribers, and operators are not among them.
    expect(subscriptions.filter((properties) => properties.TopicArn.Ref === topic)).toEqual([
      expect.objectContaining({ Endpoint: 'team@example.com', FilterPolicy: expect.anything() }),
    ]);
  });

  it('validates the addresses given as a construct prop', () => {
    const stack = new Stack(new App({ context: NO_STAGING }), 'Invalid', {
      env: { account: TEST_ACCOUNT, region: TEST_REGION },
    });

    expect(() => new Ec2TaskMonitor(stack, 'Monitor', { operatorEmails: ['oncall'] })).toThrow(
      'operatorEmails: "oncall" is not an email address; allowed: addresses like ops@example.com',
    );
  });
});

it('outputs the operator topic ARN', () => {
  defaults.template.hasOutput('OperatorTopicArn', { Value: { Ref: ids(defaults).operatorTopic } });
});
