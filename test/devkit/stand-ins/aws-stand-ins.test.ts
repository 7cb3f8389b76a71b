// Why: the notifiers' local runs and tests are only as good as this stand-in. Every answer must
// reach the real SDK (and Powertools' getSecret) as AWS's would: the same shapes, the same typed
// errors, EventBridge's partial failures, found through the SDK's standard endpoint variables.
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { GetParameterError } from '@aws-lambda-powertools/parameters/errors';
import {
  EventBridgeClient,
  EventBridgeServiceException,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  type AwsStandIns,
  awsStandInsEnvironment,
  startAwsStandIns,
} from '../../../devkit/stand-ins/aws-stand-ins';
import { LOCAL_CREDENTIALS } from '../../../devkit/engines/engines';

const common = { region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/XXXX';

let standIns: AwsStandIns;
let secretsManager: SecretsManagerClient;
let eventBridge: EventBridgeClient;

beforeEach(async () => {
  standIns = await startAwsStandIns();
  secretsManager = new SecretsManagerClient({ ...common, endpoint: standIns.endpoint });
  eventBridge = new EventBridgeClient({ ...common, endpoint: standIns.endpoint });
});
afterEach(async () => {
  secretsManager.destroy();
  eventBridge.destroy();
  await standIns.stop();
});

/** The error a call fails with; fails the test if it succeeds. */
async function failureOf(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

function entry(detail: object, overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry {
  return {
    Source: 'ec2-task-monitor',
    DetailType: 'TaskStateChanged',
    Detail: JSON.stringify(detail),
    ...overrides,
  };
}

describe('Secrets Manager GetSecretValue', () => {
  it('returns the secret by name and by ARN, with the fields the SDK parses', async () => {
    // Prepare
    standIns.putSecret('ec2-task-monitor/slack-webhook', WEBHOOK);

    // Act
    const byName = await secretsManager.send(
      new GetSecretValueCommand({ SecretId: 'ec2-task-monitor/slack-webhook' }),
    );
    const byArn = await secretsManager.send(new GetSecretValueCommand({ SecretId: byName.ARN }));

    // Assess
    expect(byName).toMatchObject({
      Name: 'ec2-task-monitor/slack-webhook',
      SecretString: WEBHOOK,
      VersionStages: ['AWSCURRENT'],
      VersionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(byName.ARN).toMatch(
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:ec2-task-monitor\/slack-webhook-[A-Za-z0-9]{6}$/,
    );
    // The SDK turns the epoch-seconds number into a Date only if the stand-in sent one.
    expect(byName.CreatedDate).toBeInstanceOf(Date);
    expect(Math.abs(Date.now() - byName.CreatedDate!.getTime())).toBeLessThan(60_000);
    expect(byArn).toMatchObject({ Name: byName.Name, SecretString: WEBHOOK, VersionId: byName.VersionId });
    expect(byArn.$metadata.requestId).toBeDefined();
  });

  it('replaces a secret: new value and version, same ARN', async () => {
    // Prepare
    standIns.putSecret('webhook', 'https://old.example');
    const before = await secretsManager.send(new GetSecretValueCommand({ SecretId: 'webhook' }));

    // Act
    standIns.putSecret('webhook', 'https://new.example');
    const after = await secretsManager.send(new GetSecretValueCommand({ SecretId: 'webhook' }));

    // Assess
    expect(after.SecretString).toBe('https://new.example');
    expect(after.ARN).toBe(before.ARN);
    expect(after.VersionId).not.toBe(before.VersionId);
  });

  it('throws the typed ResourceNotFoundException for an unknown secret, name or ARN', async () => {
    // Prepare
    standIns.putSecret('webhook', WEBHOOK);
    const { ARN } = await secretsManager.send(new GetSecretValueCommand({ SecretId: 'webhook' }));

    // Act
    const unknownName = await failureOf(secretsManager.send(new GetSecretValueCommand({ SecretId: 'nope' })));
    const wrongSuffix = await failureOf(
      secretsManager.send(new GetSecretValueCommand({ SecretId: `${ARN!.slice(0, -6)}zzzzzz` })),
    );

    // Assess
    for (const error of [unknownName, wrongSuffix]) {
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error).toMatchObject({
        name: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    }
  });

  it('does not answer a version it does not hold with the current one', async () => {
    // Prepare
    standIns.putSecret('webhook', WEBHOOK);

    // Act
    const previous = await failureOf(
      secretsManager.send(new GetSecretValueCommand({ SecretId: 'webhook', VersionStage: 'AWSPREVIOUS' })),
    );
    const current = await secretsManager.send(
      new GetSecretValueCommand({ SecretId: 'webhook', VersionStage: 'AWSCURRENT' }),
    );

    // Assess
    expect(previous).toBeInstanceOf(ResourceNotFoundException);
    expect(previous.message).toContain('staging label: AWSPREVIOUS');
    expect(current.SecretString).toBe(WEBHOOK);
  });

  it('rejects a secret name Secrets Manager would not accept', () => {
    expect(() => standIns.putSecret('has space', 'x')).toThrow('Not a valid Secrets Manager secret name');
  });
});

describe('Powertools getSecret through AWS_ENDPOINT_URL_SECRETS_MANAGER', () => {
  const saved: Record<string, string | undefined> = {};
  const setEnv = (variables: Record<string, string>) => {
    for (const [name, value] of Object.entries(variables)) {
      saved[name] ??= process.env[name];
      process.env[name] = value;
    }
  };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('reads the secret, caches it for maxAge, and refetches with forceFetch', async () => {
    // Prepare: only the environment tells Powertools' own client where to go, as in a Lambda function.
    setEnv({
      ...awsStandInsEnvironment(standIns),
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
    standIns.putSecret('ec2-task-monitor/slack-webhook', WEBHOOK);

    // Act
    const first = await getSecret('ec2-task-monitor/slack-webhook', { maxAge: 300 });
    standIns.putSecret('ec2-task-monitor/slack-webhook', 'https://rotated.example');
    const cached = await getSecret('ec2-task-monitor/slack-webhook', { maxAge: 300 });
    const fresh = await getSecret('ec2-task-monitor/slack-webhook', { forceFetch: true });
    const missing = await failureOf(getSecret('ec2-task-monitor/missing', { forceFetch: true }));

    // Assess
    expect(first).toBe(WEBHOOK);
    expect(cached).toBe(WEBHOOK);
    expect(fresh).toBe('https://rotated.example');
    expect(missing).toBeInstanceOf(GetParameterError);
    expect(missing.cause).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('EventBridge PutEvents', () => {
  it('accepts entries, records them in order with the default bus, and returns their ids', async () => {
    // Prepare
    const time = new Date('2026-03-01T12:00:00Z');

    // Act
    const result = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          entry(
            { taskId: 'import-ami-1' },
            { Time: time, Resources: ['arn:aws:ec2:us-east-1::image/ami-1'] },
          ),
          entry({ taskId: 'bun-2' }, { EventBusName: 'monitor-bus', DetailType: 'TaskDiscovered' }),
        ],
      }),
    );

    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toHaveLength(2);
    expect(standIns.events).toEqual([
      {
        EventId: result.Entries![0]!.EventId,
        EventBusName: 'default',
        Source: 'ec2-task-monitor',
        DetailType: 'TaskStateChanged',
        Detail: '{"taskId":"import-ami-1"}',
        detail: { taskId: 'import-ami-1' },
        Time: time,
        Resources: ['arn:aws:ec2:us-east-1::image/ami-1'],
      },
      expect.objectContaining({
        EventId: result.Entries![1]!.EventId,
        EventBusName: 'monitor-bus',
        DetailType: 'TaskDiscovered',
        detail: { taskId: 'bun-2' },
        Resources: [],
        Time: expect.any(Date),
      }),
    ]);
    expect(result.Entries![0]!.EventId).not.toBe(result.Entries![1]!.EventId);
  });

  it('fails bad entries one by one, as EventBridge does, and keeps the good ones', async () => {
    // Act
    const result = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          entry({ ok: 1 }),
          entry({}, { Detail: '{not json' }),
          entry({}, { Detail: '["an", "array"]' }),
          { DetailType: 'TaskStateChanged', Detail: '{}' },
          { Source: 'ec2-task-monitor', DetailType: 'TaskStateChanged' },
          entry({ ok: 2 }),
        ],
      }),
    );

    // Assess
    expect(result.FailedEntryCount).toBe(4);
    expect(result.Entries).toEqual([
      { EventId: expect.any(String) },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      },
      { EventId: expect.any(String) },
    ]);
    expect(standIns.events.map((event) => event.detail)).toEqual([{ ok: 1 }, { ok: 2 }]);
  });

  it('fails every entry of the next calls with the injected code, then recovers', async () => {
    // Prepare
    standIns.failNextPutEvents(1, 'ThrottlingException');
    standIns.failNextPutEvents(1);

    // Act
    const throttled = await eventBridge.send(
      new PutEventsCommand({ Entries: [entry({ n: 1 }), entry({ n: 2 })] }),
    );
    const internal = await eventBridge.send(new PutEventsCommand({ Entries: [entry({ n: 3 })] }));
    const accepted = await eventBridge.send(new PutEventsCommand({ Entries: [entry({ n: 4 })] }));

    // Assess
    expect(throttled.FailedEntryCount).toBe(2);
    expect(throttled.Entries).toEqual([
      expect.objectContaining({ ErrorCode: 'ThrottlingException', ErrorMessage: expect.any(String) }),
      expect.objectContaining({ ErrorCode: 'ThrottlingException' }),
    ]);
    expect(throttled.Entries![0]!.EventId).toBeUndefined();
    expect(internal).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    expect(accepted).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    expect(standIns.events.map((event) => event.detail)).toEqual([{ n: 4 }]);
  });

  it('rejects a request with no entries or more than ten as a ValidationException', async () => {
    // Act
    const none = await failureOf(eventBridge.send(new PutEventsCommand({ Entries: [] })));
    const eleven = await failureOf(
      eventBridge.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, (_, n) => entry({ n })) })),
    );

    // Assess
    for (const [error, bound] of [
      [none, 'greater than or equal to 1'],
      [eleven, 'less than or equal to 10'],
    ] as const) {
      expect(error).toBeInstanceOf(EventBridgeServiceException);
      expect(error).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
      expect(error.message).toContain(bound);
    }
    expect(standIns.events).toEqual([]);
  });

  it('rejects a request whose entries together exceed 256 KB, counted as EventBridge counts them', async () => {
    // Prepare: two entries of just over 128 KB each; each alone would fit.
    const source = 'ec2-task-monitor';
    const detailType = 'TaskStateChanged';
    const half = 128 * 1024;
    const detailOf = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - '{"pad":""}'.length) });
    const fitting = detailOf(256 * 1024 - source.length - detailType.length);

    // Act
    const tooLarge = await failureOf(
      eventBridge.send(
        new PutEventsCommand({
          Entries: [entry({}, { Detail: detailOf(half) }), entry({}, { Detail: detailOf(half) })],
        }),
      ),
    );
    const exactlyAtLimit = await eventBridge.send(
      new PutEventsCommand({ Entries: [entry({}, { Detail: fitting })] }),
    );
    // A Time counts 14 bytes: the same entry with one no longer fits.
    const withTime = await failureOf(
      eventBridge.send(new PutEventsCommand({ Entries: [entry({}, { Detail: fitting, Time: new Date() })] })),
    );

    // Assess
    expect(tooLarge).toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
      $metadata: { httpStatusCode: 400 },
    });
    expect(exactlyAtLimit.FailedEntryCount).toBe(0);
    expect(withTime.name).toBe('ValidationException');
    expect(standIns.events).toHaveLength(1);
  });

  it('is reached through AWS_ENDPOINT_URL_EVENTBRIDGE alone', async () => {
    // Prepare
    const saved = process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = awsStandInsEnvironment(standIns).AWS_ENDPOINT_URL_EVENTBRIDGE;
    const client = new EventBridgeClient(common);
    try {
      // Act
      const result = await client.send(new PutEventsCommand({ Entries: [entry({ via: 'env' })] }));

      // Assess
      expect(result.FailedEntryCount).toBe(0);
      expect(standIns.events.map((event) => event.detail)).toEqual([{ via: 'env' }]);
    } finally {
      client.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
      else process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = saved;
    }
  });

  it('waitForEvents resolves once enough events arrived and rejects on timeout', async () => {
    // Prepare
    const waiting = standIns.waitForEvents(2, 5000);

    // Act
    await eventBridge.send(new PutEventsCommand({ Entries: [entry({ n: 1 })] }));
    await eventBridge.send(new PutEventsCommand({ Entries: [entry({ n: 2 })] }));

    // Assess
    expect((await waiting).map((event) => event.detail)).toEqual([{ n: 1 }, { n: 2 }]);
    await expect(standIns.waitForEvents(3, 50)).rejects.toThrow(
      'Expected 3 EventBridge events within 50 ms, got 2',
    );
  });
});

describe('the protocol edge', () => {
  async function post(target: string | undefined, body: string) {
    const response = await fetch(standIns.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        ...(target === undefined ? {} : { 'x-amz-target': target }),
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('answers an unknown target with UnknownOperationException', async () => {
    const answer = await post('secretsmanager.CreateSecret', '{"Name":"x"}');
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('UnknownOperationException');
    expect((await post(undefined, '{}')).body.__type).toBe('UnknownOperationException');
  });

  it('answers a body that is not JSON with SerializationException', async () => {
    const answer = await post('AWSEvents.PutEvents', '{');
    expect(answer).toEqual({
      status: 400,
      body: { __type: 'SerializationException', message: expect.any(String) },
    });
  });

  it('stop() rejects pending waits and frees the port', async () => {
    const waiting = standIns.waitForEvents(1, 10_000);
    await standIns.stop();
    await expect(waiting).rejects.toThrow('stopped');
    await expect(fetch(standIns.endpoint)).rejects.toThrow();
  });
});
