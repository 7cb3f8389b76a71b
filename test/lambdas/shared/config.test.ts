import {
  ConfigurationError,
  DISPATCHER_VARIABLES,
  POLLER_VARIABLES,
  PUBLISHER_VARIABLES,
  readDispatcherConfig,
  readPollerConfig,
  readPublisherConfig,
  readWorkerConfig,
  WORKER_VARIABLES,
} from '../../../lambdas/shared/config';

const pollerEnv = {
  TABLE_NAME: 'monitor',
  REGIONS: 'us-east-1, eu-west-1',
  TASK_TYPES: 'bundle,import-image',
  ACCOUNT_ID: '123456789012',
  PROGRESS_STEP: '25',
  RETENTION_DAYS: '30',
  DISAPPEAR_AFTER_MISSES: '2',
  QUOTA_WARNING_SHARE: '0.8',
};

describe('readPollerConfig', () => {
  it('reads every variable into a typed configuration', () => {
    expect(readPollerConfig(pollerEnv)).toEqual({
      tableName: 'monitor',
      regions: ['us-east-1', 'eu-west-1'],
      taskTypes: ['bundle', 'import-image'],
      account: '123456789012',
      progressStep: 25,
      retentionDays: 30,
      disappearAfterMisses: 2,
      quotaWarningShare: 0.8,
    });
    expect(readPollerConfig({ ...pollerEnv, QUOTA_WARNING_SHARE: 'off' }).quotaWarningShare).toBeUndefined();
  });

  it.each([
    [{ TABLE_NAME: '' }, 'TABLE_NAME is not set'],
    [{ REGIONS: 'us-east-1,Moon' }, 'REGIONS: "Moon" is not a Region name'],
    [
      { TASK_TYPES: 'bundle,snapshot' },
      'TASK_TYPES: unknown task type "snapshot"; allowed: bundle, conversion, import-image',
    ],
    [{ ACCOUNT_ID: '1234' }, 'ACCOUNT_ID must be 12 digits, got "1234"'],
    [{ PROGRESS_STEP: '0' }, 'PROGRESS_STEP must be an integer from 1 to 100, got "0"'],
    [{ RETENTION_DAYS: '-1' }, 'RETENTION_DAYS must be an integer from 1 to 3650, got "-1"'],
    [{ RETENTION_DAYS: '1.5' }, 'RETENTION_DAYS must be an integer'],
    [{ DISAPPEAR_AFTER_MISSES: '0' }, 'DISAPPEAR_AFTER_MISSES must be an integer from 1 to 20, got "0"'],
    [{ DISAPPEAR_AFTER_MISSES: undefined }, 'DISAPPEAR_AFTER_MISSES is not set'],
    [
      { QUOTA_WARNING_SHARE: '80' },
      'QUOTA_WARNING_SHARE must be a number greater than 0 and at most 1 (0.8 is 80 %), or off, got "80"',
    ],
  ])('rejects %p naming the variable', (override, message) => {
    expect(() => readPollerConfig({ ...pollerEnv, ...override })).toThrow(ConfigurationError);
    expect(() => readPollerConfig({ ...pollerEnv, ...override })).toThrow(message);
  });
});

describe('the variable lists the command line checks', () => {
  const publisherEnv = { TABLE_NAME: 't', TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:events' };
  const organizationEnv = {
    ACCOUNTS: 'organization',
    QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/units.fifo',
    MEMBER_ROLE_NAME: 'ec2-task-monitor-reader',
    POLL_INTERVAL_SECONDS: '60',
  };
  const dispatcherEnv = { ...pollerEnv, ...organizationEnv };
  const only = (env: Record<string, string>, names: readonly string[]) =>
    Object.fromEntries(Object.entries(env).filter(([name]) => names.includes(name)));

  it.each([
    ['POLLER_VARIABLES', POLLER_VARIABLES, readPollerConfig, pollerEnv],
    ['PUBLISHER_VARIABLES', PUBLISHER_VARIABLES, readPublisherConfig, publisherEnv],
    ['DISPATCHER_VARIABLES', DISPATCHER_VARIABLES, readDispatcherConfig, dispatcherEnv],
    ['WORKER_VARIABLES', WORKER_VARIABLES, readWorkerConfig, dispatcherEnv],
  ] as const)('%s: exactly what the function reads', (_, names, read, env) => {
    const everything = { ...pollerEnv, ...publisherEnv, ...organizationEnv, CHANNEL: 'chatbot' };

    // Enough: the listed variables alone make a configuration.
    expect(() => read(only(everything, names))).not.toThrow();
    // Each one needed: without it the function names it.
    for (const name of names) {
      expect(() => read({ ...env, [name]: undefined })).toThrow(`${name} is not set`);
    }
  });
});

describe('readPublisherConfig', () => {
  it('reads the table and topic', () => {
    expect(
      readPublisherConfig({ TABLE_NAME: 't', TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:events' }),
    ).toEqual({
      tableName: 't',
      topicArn: 'arn:aws:sns:us-east-1:123456789012:events',
    });
  });

  it('rejects a topic that is not an SNS ARN', () => {
    expect(() => readPublisherConfig({ TABLE_NAME: 't', TOPIC_ARN: 'events' })).toThrow(
      'TOPIC_ARN is not an SNS topic ARN: "events"',
    );
  });
});
