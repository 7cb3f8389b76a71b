// Every AWS SDK client the product builds is made with sdkClientConfig, and that configuration
// really ends a call to an endpoint that accepts the connection and never answers, for each of the
// seven clients (EC2, DynamoDB, DynamoDB Streams, SNS, SQS, EventBridge, Secrets Manager).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, ListStreamsCommand } from '@aws-sdk/client-dynamodb-streams';
import { DescribeBundleTasksCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SDK_TIMEOUTS, sdkClientConfig } from '../../../lambdas/shared/sdk-clients';
import { type SilentServer, startSilentServer } from '../../support/silent-server';

const ROOT = path.resolve(__dirname, '../../..');

/** Every TypeScript source of the product: the functions, the channels, the in-process runtime and the command line. */
function productSources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return productSources(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

describe('the clients the product builds', () => {
  const sources = [
    ...productSources('lambdas'),
    ...productSources('channels'),
    ...productSources('runtime'),
    ...productSources('cli'),
  ].map((file) => ({
    file,
    text: readFileSync(path.join(ROOT, file), 'utf8'),
  }));

  it('are all made with sdkClientConfig', () => {
    const constructions = sources.flatMap(({ file, text }) => {
      const sdkClients = [...text.matchAll(/import \{([^}]*)\} from '@aws-sdk\/client-[\w-]+'/g)]
        .flatMap(([, names]) => (names as string).split(','))
        .map((name) => name.replace(/^\s*type\s+/, '').trim())
        .filter((name) => name.endsWith('Client'));
      return sdkClients.flatMap((client) =>
        [...text.matchAll(new RegExp(`new ${client}\\(\\s*([^)]*)`, 'g'))].map(([, argument]) => ({
          file,
          client,
          config: (argument as string).trim().split('(')[0],
        })),
      );
    });

    // The seven kinds named by the issue (and the CLI's stack lookup) are all built somewhere, and
    // none without the timeouts.
    expect(new Set(constructions.map((c) => c.client))).toEqual(
      new Set([
        'EC2Client',
        'DynamoDBClient',
        'DynamoDBStreamsClient',
        'SNSClient',
        'SQSClient',
        'EventBridgeClient',
        'SecretsManagerClient',
        'CloudFormationClient',
        'LambdaClient',
        // Organization mode's dispatcher and worker.
        'STSClient',
        'OrganizationsClient',
        'AccountClient',
        // The VM Import/Export limits (poller and worker).
        'ServiceQuotasClient',
      ]),
    );
    expect(constructions.filter((c) => c.config !== 'sdkClientConfig')).toEqual([]);
  });

  it('connect within 3 s and give each request 10 s, as errors, not warnings', async () => {
    const handler = new DynamoDBClient(sdkClientConfig({ region: 'us-east-1' })).config
      .requestHandler as unknown as {
      configProvider: Promise<Record<string, unknown>>;
    };

    expect(await handler.configProvider).toMatchObject({
      connectionTimeout: SDK_TIMEOUTS.connectionTimeoutMs,
      requestTimeout: SDK_TIMEOUTS.requestTimeoutMs,
      throwOnRequestTimeout: true,
    });
    expect(SDK_TIMEOUTS.requestTimeoutMs * 4).toBeLessThan(60_000);
  });
});

describe('a call to an endpoint that accepts the connection and never answers', () => {
  let server: SilentServer;
  let endpoint: string;

  beforeAll(async () => {
    server = await startSilentServer();
    endpoint = server.url;
  });
  afterAll(() => server.close());

  const settings = () => ({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
  });
  const short = { connectionTimeoutMs: 1_000, requestTimeoutMs: 300 };
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['EC2', () => new EC2Client(sdkClientConfig(settings(), short)).send(new DescribeBundleTasksCommand({}))],
    [
      'DynamoDB',
      () =>
        new DynamoDBClient(sdkClientConfig(settings(), short)).send(
          new DescribeTableCommand({ TableName: 't' }),
        ),
    ],
    [
      'DynamoDB Streams',
      () => new DynamoDBStreamsClient(sdkClientConfig(settings(), short)).send(new ListStreamsCommand({})),
    ],
    ['SNS', () => new SNSClient(sdkClientConfig(settings(), short)).send(new ListTopicsCommand({}))],
    [
      'SQS',
      () =>
        new SQSClient(sdkClientConfig({ ...settings(), useQueueUrlAsEndpoint: false }, short)).send(
          new ListQueuesCommand({}),
        ),
    ],
    [
      'EventBridge',
      () =>
        new EventBridgeClient(sdkClientConfig(settings(), short)).send(new PutEventsCommand({ Entries: [] })),
    ],
    [
      'Secrets Manager',
      () =>
        new SecretsManagerClient(sdkClientConfig(settings(), short)).send(
          new GetSecretValueCommand({ SecretId: 's' }),
        ),
    ],
  ];

  it.each(cases)('%s: fails with a TimeoutError instead of waiting for ever', async (_name, call) => {
    await expect(call()).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
