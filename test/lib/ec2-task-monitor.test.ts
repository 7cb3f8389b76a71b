// Contract of the monitor's infrastructure: schedule, least-privilege IAM, function settings,
// table, topic, stream wiring, email subscriptions and outputs, read from synthesized templates.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Ec2TaskMonitor } from '../../lib/ec2-task-monitor';
import { DEFAULT_EMAIL_FILTER_POLICY } from '../../lib/defaults';
import { SettingsError } from '../../lib/settings';
import { PUBLISHER_STREAM_FILTER, TABLE_LAYOUT } from '../../lambdas/shared/table-layout';
import { TASK_TYPES } from '../../lambdas/task-types';
import { QUOTA_LIMIT_ACTIONS } from '../../lambdas/domain/quota';
import {
  actionsOfRole,
  logicalIdOf,
  NO_STAGING,
  statementsOfRole,
  synthMonitor,
  TEST_ACCOUNT,
  TEST_REGION,
  type SynthesizedMonitor,
} from './synth';

const ALL_DESCRIBE_ACTIONS = [
  'ec2:DescribeBundleTasks',
  'ec2:DescribeConversionTasks',
  'ec2:DescribeExportImageTasks',
  'ec2:DescribeExportTasks',
  'ec2:DescribeImportImageTasks',
  'ec2:DescribeImportSnapshotTasks',
  'ec2:DescribeMacModificationTasks',
  'ec2:DescribeReplaceRootVolumeTasks',
  'ec2:DescribeStoreImageTasks',
];

/** In the order the policy lists them. */
// UpdateItem: each task type's entry of its unit's state item.
const POLLER_TABLE_ACTIONS = [
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];

/** Actions every function has for its own log group and for X-Ray. */
const FUNCTION_BASE_ACTIONS = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];

const CUSTOM_POLICY = { changeType: ['TaskStateChanged'], phase: ['failed'], taskType: ['import-image'] };

let defaults: SynthesizedMonitor;
let custom: SynthesizedMonitor;

beforeAll(() => {
  defaults = synthMonitor();
  custom = synthMonitor({
    schedule: 'cron(0/5 * * * ? *)',
    taskTypes: 'bundle,store-image',
    regions: 'us-east-1,eu-central-1',
    emails: 'ops@example.com,oncall@example.org',
    emailFilterPolicy: JSON.stringify(CUSTOM_POLICY),
    progressStep: '10',
    retentionDays: '90',
  });
});

function ids({ stack }: SynthesizedMonitor) {
  const { monitor } = stack;
  return {
    poller: logicalIdOf(monitor.poller),
    pollerRole: logicalIdOf(monitor.poller.role!),
    publisher: logicalIdOf(monitor.publisher),
    publisherRole: logicalIdOf(monitor.publisher.role!),
    table: logicalIdOf(monitor.table),
    topic: logicalIdOf(monitor.topic),
    topicKey: logicalIdOf(monitor.topicKey),
    queue: logicalIdOf(monitor.deadLetterQueue),
  };
}

describe('schedule', () => {
  it('polls every minute by default, without retries or old events', () => {
    defaults.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [ids(defaults).poller, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        }),
      ],
    });
  });

  it('uses the configured expression', () => {
    custom.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0/5 * * * ? *)' });
  });

  it('drops a poll throttled behind a running one instead of queueing it', () => {
    defaults.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids(defaults).poller },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
    });
  });

  it('accepts an events.Schedule as a construct prop', () => {
    const stack = new Stack(new App({ context: NO_STAGING }), 'Direct', {
      env: { account: TEST_ACCOUNT, region: TEST_REGION },
    });
    new Ec2TaskMonitor(stack, 'Monitor', { schedule: Schedule.rate(Duration.minutes(5)) });

    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
    });
  });
});

describe('schedule and the re-baseline rule', () => {
  it('refuses a schedule whose polls are too far apart for the trust window, naming the setting', () => {
    const app = () => synthMonitor({ schedule: 'rate(1 day)', retentionDays: '1' });

    expect(app).toThrow(SettingsError);
    expect(app).toThrow(
      /^schedule: rate\(1 day\) polls less often than every 12 hours, so with retentionDays 1 every poll would re-baseline/,
    );
    expect(() => synthMonitor({ schedule: 'rate(12 hours)', retentionDays: '1' })).not.toThrow();
    expect(() => synthMonitor({ schedule: 'rate(1 day)', retentionDays: '2' })).not.toThrow();
  });

  it('passes quotaWarningShare to the poller, 0.8 by default', () => {
    for (const [value, variable] of [
      [undefined, '0.8'],
      ['0.75', '0.75'],
      ['off', 'off'],
    ] as const) {
      synthMonitor(value === undefined ? {} : { quotaWarningShare: value }).template.hasResourceProperties(
        'AWS::Lambda::Function',
        { Environment: { Variables: Match.objectLike({ QUOTA_WARNING_SHARE: variable }) } },
      );
    }
  });

  it('passes disappearAfterMisses to the poller', () => {
    synthMonitor({ disappearAfterMisses: '3' }).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DISAPPEAR_AFTER_MISSES: '3' }) },
    });
  });
});

describe('poller permissions', () => {
  it('lists exactly the Describe actions of all nine task types by default, on "*" only', () => {
    const { pollerRole } = ids(defaults);
    const ec2 = statementsOfRole(defaults.template, pollerRole).filter((s) =>
      [s.Action].flat().some((action) => action.startsWith('ec2:')),
    );

    expect(ALL_DESCRIBE_ACTIONS).toEqual(TASK_TYPES.map((type) => `ec2:${type.apiName}`).sort());
    expect(ec2).toHaveLength(1);
    expect([ec2[0]!.Action].flat().sort()).toEqual(ALL_DESCRIBE_ACTIONS);
    expect(ec2[0]!.Resource).toBe('*');
  });

  it('lists only the enabled task types', () => {
    const actions = actionsOfRole(custom.template, ids(custom).pollerRole).filter((a) =>
      a.startsWith('ec2:'),
    );

    expect(actions).toEqual(['ec2:DescribeBundleTasks', 'ec2:DescribeStoreImageTasks']);
  });

  it('reads the VM Import/Export limits from Service Quotas when it polls a quota group, on "*" only', () => {
    const statements = statementsOfRole(defaults.template, ids(defaults).pollerRole).filter((s) =>
      [s.Action].flat().some((action) => action.startsWith('servicequotas:')),
    );

    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'servicequotas:ListServiceQuotas', Resource: '*' },
    ]);
    // bundle and store-image hold no slot of any quota: no call, no permission.
    expect(
      actionsOfRole(custom.template, ids(custom).pollerRole).filter((a) => a.startsWith('servicequotas:')),
    ).toEqual([]);
  });

  it('has exactly the table actions it uses, on the table, and nothing broader', () => {
    const { pollerRole, table } = ids(defaults);
    const actions = actionsOfRole(defaults.template, pollerRole);

    expect(actions).toEqual(
      [
        ...FUNCTION_BASE_ACTIONS,
        ...ALL_DESCRIBE_ACTIONS,
        ...POLLER_TABLE_ACTIONS,
        ...QUOTA_LIMIT_ACTIONS,
      ].sort(),
    );
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    defaults.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: pollerRole }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: POLLER_TABLE_ACTIONS,
            Resource: { 'Fn::GetAtt': [table, 'Arn'] },
            Condition: {
              'ForAllValues:StringLike': {
                'dynamodb:LeadingKeys': [
                  ...TASK_TYPES.map((type) => `${TEST_ACCOUNT}#${TEST_REGION}#${type.name}`),
                  `UNIT#${TEST_ACCOUNT}#${TEST_REGION}`,
                ],
              },
            },
          },
        ]),
      },
    });
  });

  it('may touch only the partitions of the listings it polls (each Region × task type)', () => {
    const leadingKeys = statementsOfRole(custom.template, ids(custom).pollerRole)
      .filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'))
      .map((statement) => (statement as { Condition?: unknown }).Condition);

    expect(leadingKeys).toEqual([
      {
        'ForAllValues:StringLike': {
          'dynamodb:LeadingKeys': [
            `${TEST_ACCOUNT}#us-east-1#bundle`,
            `${TEST_ACCOUNT}#us-east-1#store-image`,
            `UNIT#${TEST_ACCOUNT}#us-east-1`,
            `${TEST_ACCOUNT}#eu-central-1#bundle`,
            `${TEST_ACCOUNT}#eu-central-1#store-image`,
            `UNIT#${TEST_ACCOUNT}#eu-central-1`,
          ],
        },
      },
    ]);
  });

  it('has no managed policy: log writes are on its own log group', () => {
    const { pollerRole } = ids(defaults);
    const role = defaults.template.findResources('AWS::IAM::Role')[pollerRole];

    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    defaults.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: pollerRole }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorPollerLogGroup'), 'Arn'] },
          },
        ]),
      },
    });
  });
});

describe('publisher permissions', () => {
  it('publishes to the topic, uses its key, reads the stream and marks changes, nothing else', () => {
    const { publisherRole } = ids(defaults);

    expect(actionsOfRole(defaults.template, publisherRole)).toEqual(
      [
        ...FUNCTION_BASE_ACTIONS,
        'sns:Publish',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'sqs:SendMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
      ].sort(),
    );
  });

  it('scopes each grant to its resource', () => {
    const { publisherRole, topic, topicKey, table, queue } = ids(defaults);

    // arrayWith keeps order: the statements appear in the order the construct grants them.
    defaults.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: publisherRole }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: topic } },
          {
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: { 'Fn::GetAtt': [topicKey, 'Arn'] },
          },
          {
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
            Resource: { 'Fn::GetAtt': [table, 'Arn'] },
            Condition: {
              'ForAllValues:StringLike': {
                'dynamodb:LeadingKeys': [
                  ...TASK_TYPES.map((type) => `${TEST_ACCOUNT}#${TEST_REGION}#${type.name}`),
                  `UNIT#${TEST_ACCOUNT}#${TEST_REGION}`,
                ],
              },
            },
          },
          {
            Effect: 'Allow',
            Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
            Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
          },
          { Effect: 'Allow', Action: 'dynamodb:ListStreams', Resource: '*' },
          {
            Effect: 'Allow',
            Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
            Resource: { 'Fn::GetAtt': [table, 'StreamArn'] },
          },
        ]),
      },
    });
  });
});

describe('functions', () => {
  const common = {
    Runtime: 'nodejs24.x',
    Architectures: ['arm64'],
    TracingConfig: { Mode: 'Active' },
    Timeout: 60,
    Handler: 'index.handler',
  };
  const powertools = {
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: 'ec2-task-monitor',
    POWERTOOLS_METRICS_NAMESPACE: 'Ec2TaskMonitor',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };

  it('runs the poller alone, with its settings in the environment', () => {
    const { table } = ids(defaults);

    defaults.template.hasResourceProperties('AWS::Lambda::Function', {
      ...common,
      MemorySize: 512,
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: {
          ...powertools,
          TABLE_NAME: { Ref: table },
          REGIONS: TEST_REGION,
          TASK_TYPES:
            'bundle,conversion,import-image,import-snapshot,store-image,export-instance,export-image,replace-root-volume,mac-modification',
          ACCOUNT_ID: TEST_ACCOUNT,
          PROGRESS_STEP: '25',
          RETENTION_DAYS: '30',
          DISAPPEAR_AFTER_MISSES: '2',
          POLL_INTERVAL_SECONDS: '60',
          FAST_POLL_SECONDS: '15',
        },
      },
    });
  });

  it('passes custom settings to the poller', () => {
    custom.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          REGIONS: 'us-east-1,eu-central-1',
          TASK_TYPES: 'bundle,store-image',
          PROGRESS_STEP: '10',
          RETENTION_DAYS: '90',
        }),
      },
    });
  });

  it('gives the publisher the table and the topic', () => {
    const { table, topic, publisher } = ids(defaults);
    const fn = defaults.template.findResources('AWS::Lambda::Function')[publisher];

    expect(fn?.Properties).toMatchObject(common);
    expect(fn?.Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(fn?.Properties.Environment.Variables).toEqual({
      ...powertools,
      TABLE_NAME: { Ref: table },
      TOPIC_ARN: { Ref: topic },
    });
  });

  it('writes each function to its own log group kept one month', () => {
    const groups = defaults.template.findResources('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
    });
    for (const fn of [ids(defaults).poller, ids(defaults).publisher]) {
      const logGroup =
        defaults.template.findResources('AWS::Lambda::Function')[fn]?.Properties.LoggingConfig.LogGroup;
      expect(Object.keys(groups)).toContain(logGroup.Ref);
    }
    expect(Object.keys(groups)).toHaveLength(2);
  });
});

describe('table', () => {
  it('has the shared key layout, on-demand billing, PITR, encryption, TTL and a full-image stream', () => {
    defaults.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_LAYOUT.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_LAYOUT.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: TABLE_LAYOUT.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_LAYOUT.sortKey, AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: TABLE_LAYOUT.timeToLiveAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('is deleted with the stack: its content is re-derived from EC2', () => {
    defaults.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });
});

describe('topic', () => {
  it('is encrypted with a rotated customer-managed key', () => {
    const { topicKey } = ids(defaults);

    defaults.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    defaults.template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'EC2 task monitor',
      KmsMasterKeyId: { 'Fn::GetAtt': [topicKey, 'Arn'] },
    });
  });

  it('denies every request not made over TLS', () => {
    const { topic } = ids(defaults);

    defaults.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Principal: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('publisher event source', () => {
  it('reads the stream with the shared filter, bisecting and reporting failures, then the DLQ', () => {
    const { table, publisher, queue } = ids(defaults);
    const mappings = defaults.template.findResources('AWS::Lambda::EventSourceMapping');
    const [mapping] = Object.values(mappings);

    expect(Object.keys(mappings)).toHaveLength(1);
    expect(mapping?.Properties).toMatchObject({
      FunctionName: { Ref: publisher },
      EventSourceArn: { 'Fn::GetAtt': [table, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 2,
      ParallelizationFactor: 4,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
    const filters = mapping?.Properties.FilterCriteria.Filters as { Pattern: string }[];
    expect(filters).toHaveLength(1);
    expect(JSON.parse(filters[0]!.Pattern)).toEqual(PUBLISHER_STREAM_FILTER);
  });

  it('parks failures in an encrypted, TLS-only queue kept 14 days', () => {
    const { queue } = ids(defaults);

    defaults.template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    defaults.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('email subscriptions', () => {
  it('subscribes nobody by default', () => {
    defaults.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes each address with the default filter policy', () => {
    const { stack, template } = synthMonitor({ emails: ['ops@example.com'] });

    template.resourceCountIs('AWS::SNS::Subscription', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: { Ref: logicalIdOf(stack.monitor.topic) },
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      FilterPolicy: DEFAULT_EMAIL_FILTER_POLICY,
      FilterPolicyScope: 'MessageAttributes',
    });
  });

  it('subscribes each address with a custom filter policy', () => {
    custom.template.resourceCountIs('AWS::SNS::Subscription', 2);
    for (const endpoint of ['ops@example.com', 'oncall@example.org']) {
      custom.template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: endpoint,
        FilterPolicy: CUSTOM_POLICY,
        FilterPolicyScope: 'MessageAttributes',
      });
    }
  });
});

describe('outputs', () => {
  it('exports the topic ARN, the table name and the dead-letter queue URL', () => {
    const { topic, table, queue } = ids(defaults);

    defaults.template.hasOutput('TopicArn', { Value: { Ref: topic } });
    defaults.template.hasOutput('TableName', { Value: { Ref: table } });
    defaults.template.hasOutput('DeadLetterQueueUrl', { Value: { Ref: queue } });
  });
});

describe('construct props', () => {
  it('validates props like the settings', () => {
    const stack = new Stack(new App({ context: NO_STAGING }), 'Invalid', {
      env: { account: TEST_ACCOUNT, region: TEST_REGION },
    });

    expect(() => new Ec2TaskMonitor(stack, 'Monitor', { progressStep: 0 })).toThrow(
      'progressStep: 0 is not valid; allowed: an integer from 1 to 100',
    );
  });
});
