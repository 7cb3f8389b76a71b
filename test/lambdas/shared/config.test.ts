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
  POLL_INTERVAL_SECONDS: '60',
  FAST_POLL_SECONDS: '15',
  STALL_AFTER: 'bundle=120,import-image=off',
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
      pollIntervalSeconds: 60,
      fastPollSeconds: 15,
      stallAfter: { bundle: 120 },
    });
    expect(readPollerConfig({ ...pollerEnv, QUOTA_WARNING_SHARE: 'off' }).quotaWarningShare).toBeUndefined();
  });

  it('reads FAST_POLL_SECONDS=off as fast polling off', () => {
    expect(readPollerConfig({ ...pollerEnv, FAST_POLL_SECONDS: 'off' })).not.toHaveProperty(
      'fastPollSeconds',
    );
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
    [{ FAST_POLL_SECONDS: '2' }, 'FAST_POLL_SECONDS must be an integer from 5 to 30, got "2", or "off"'],
    [
      { FAST_POLL_SECONDS: 'fast' },
      'FAST_POLL_SECONDS must be an integer from 5 to 30, got "fast", or "off"',
    ],
    [{ FAST_POLL_SECONDS: undefined }, 'FAST_POLL_SECONDS is not set'],
    [{ POLL_INTERVAL_SECONDS: '30' }, 'POLL_INTERVAL_SECONDS must be an integer from 60 to 604800, got "30"'],
    [{ STALL_AFTER: 'bundle=120' }, 'STALL_AFTER: no value for import-image'],
    [
      { STALL_AFTER: 'bundle=2,import-image=off' },
      'STALL_AFTER: "bundle=2" must give whole minutes from 5 to 10080, or off',
    ],
    [
      { STALL_AFTER: 'bundel=60,import-image=off' },
      'STALL_AFTER: "bundel=60" does not start with a task type',
    ],
  ])('rejects %p naming the variable', (override, message) => {
    expect(() => readPollerConfig({ ...pollerEnv, ...override })).toThrow(ConfigurationError);
    expect(() => readPollerConfig({ ...pollerEnv, ...override })).toThrow(message);
  });
});

describe('readWorkerConfig', () => {
  const workerEnv = { ...pollerEnv, MEMBER_ROLE_NAME: 'reader', POLL_INTERVAL_SECONDS: '60' };

  it('reads the fast pace, or none with off', () => {
    expect(readWorkerConfig({ ...workerEnv, FAST_POLL_SECONDS: '15' })).toMatchObject({
      memberRoleName: 'reader',
      pollIntervalSeconds: 60,
      fastPollSeconds: 15,
    });
    expect(readWorkerConfig({ ...workerEnv, FAST_POLL_SECONDS: 'off' })).not.toHaveProperty(
      'fastPollSeconds',
    );
    expect(() => readWorkerConfig({ ...workerEnv, FAST_POLL_SECONDS: undefined })).toThrow(
      'FAST_POLL_SECONDS is not set',
    );
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
