// Why: the fault-injection suite is only as good as the faults it injects. Each one must reach the
// real SDK exactly as AWS would send it (protocol, HTTP status, error code, PublishBatch's
// partial-failure shape), where and as often as asked, and everything else must pass untouched.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import {
  CreateTopicCommand,
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, startDynamoDb, startMessaging } from '../../devkit/engines/engines';
import { type FaultProxy, startFaultProxy } from './fault-proxy';

const REGION = 'us-east-1';
const common = { region: REGION, credentials: LOCAL_CREDENTIALS };

type Engine = { endpoint: string; stop(): Promise<void> };
let dynamodbEngine: Engine;
let messagingEngine: Engine;

beforeAll(async () => {
  [dynamodbEngine, messagingEngine] = await Promise.all([startDynamoDb(), startMessaging()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([dynamodbEngine?.stop(), messagingEngine?.stop()]);
});

/** The outcome of a call that is expected to fail, as the SDK reports it. */
async function failureOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const failure = error as Error & {
      $fault?: string;
      $metadata?: { httpStatusCode?: number; attempts?: number };
    };
    return {
      name: failure.name,
      message: failure.message,
      fault: failure.$fault,
      status: failure.$metadata?.httpStatusCode,
      attempts: failure.$metadata?.attempts,
    };
  }
  throw new Error('the call succeeded');
}

describe('DynamoDB (JSON protocol)', () => {
  let proxy: FaultProxy;
  let direct: DynamoDBClient;
  let proxied: DynamoDBClient;
  const table = 'fault-proxy-test';

  beforeAll(async () => {
    proxy = await startFaultProxy({ target: dynamodbEngine.endpoint });
    direct = new DynamoDBClient({ ...common, endpoint: dynamodbEngine.endpoint });
    proxied = new DynamoDBClient({ ...common, endpoint: proxy.url, maxAttempts: 1 });
    await direct.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
  });
  afterEach(() => {
    proxy.clearRules();
    proxy.clearRequests();
  });
  afterAll(async () => {
    direct.destroy();
    proxied.destroy();
    await proxy.close();
  });

  const put = (pk: string) =>
    new TransactWriteItemsCommand({
      TransactItems: [{ Put: { TableName: table, Item: { pk: { S: pk } } } }],
    });
  const stored = async (pk: string) =>
    (
      await direct.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }),
      )
    ).Item !== undefined;

  it('forwards what no rule touches and logs each call by its X-Amz-Target operation, Streams included', async () => {
    // Prepare
    const streams = new DynamoDBStreamsClient({ ...common, endpoint: proxy.url, maxAttempts: 1 });
    try {
      // Act
      await proxied.send(put('forwarded'));
      await proxied.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'put' } } }));
      const { Table } = await proxied.send(new DescribeTableCommand({ TableName: table }));
      const { StreamDescription } = await streams.send(
        new DescribeStreamCommand({ StreamArn: Table?.LatestStreamArn }),
      );
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: Table?.LatestStreamArn,
          ShardId: StreamDescription?.Shards?.[0]?.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const { Records } = await streams.send(new GetRecordsCommand({ ShardIterator }));

      // Assess
      expect(await stored('forwarded')).toBe(true);
      expect(Records?.map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['forwarded', 'put']);
      expect(proxy.requests.map(({ service, operation, status }) => [service, operation, status])).toEqual([
        ['dynamodb', 'TransactWriteItems', 200],
        ['dynamodb', 'PutItem', 200],
        ['dynamodb', 'DescribeTable', 200],
        ['dynamodbstreams', 'DescribeStream', 200],
        ['dynamodbstreams', 'GetShardIterator', 200],
        ['dynamodbstreams', 'GetRecords', 200],
      ]);
    } finally {
      streams.destroy();
    }
  });

  it('answers ProvisionedThroughputExceededException in JSON with 400; the SDK retries it as throttling and gives up', async () => {
    // Prepare
    const retrying = new DynamoDBClient({ ...common, endpoint: proxy.url, maxAttempts: 2 });
    proxy.addRule({
      operation: 'DynamoDB_20120810.TransactWriteItems',
      action: { kind: 'error', code: 'ProvisionedThroughputExceededException', message: 'Slow down' },
    });
    try {
      // Act
      const failure = await failureOf(retrying.send(put('throttled')));

      // Assess
      expect(failure).toEqual({
        name: 'ProvisionedThroughputExceededException',
        message: 'Slow down',
        fault: 'client',
        status: 400,
        attempts: 2,
      });
      expect(proxy.requests.map(({ operation, status, injected }) => [operation, status, injected])).toEqual([
        ['TransactWriteItems', 400, 'error'],
        ['TransactWriteItems', 400, 'error'],
      ]);
      expect(await stored('throttled')).toBe(false);
    } finally {
      retrying.destroy();
    }
  });

  it('after and times skip the first matches and then act on that many only; match narrows by body', async () => {
    // Prepare
    const rule = proxy.addRule({
      operation: 'TransactWriteItems',
      match: ({ body }) => body.includes('"v-'),
      after: 1,
      times: 1,
      action: { kind: 'error', code: 'ValidationException', message: 'Bad item' },
    });

    // Act
    await proxied.send(put('other'));
    await proxied.send(put('v-1'));
    const failure = await failureOf(proxied.send(put('v-2')));
    await proxied.send(put('v-3'));

    // Assess
    expect(failure).toMatchObject({ name: 'ValidationException', message: 'Bad item', status: 400 });
    expect(proxy.requests.map(({ status }) => status)).toEqual([200, 200, 400, 200]);
    expect(rule.applied).toBe(1);
    expect(await Promise.all(['other', 'v-1', 'v-2', 'v-3'].map(stored))).toEqual([true, true, false, true]);
  });

  it('hang never answers and says so in the log; the call is still pending when the caller gives up', async () => {
    // Prepare
    const own = await startFaultProxy({ target: dynamodbEngine.endpoint });
    const client = new DynamoDBClient({ ...common, endpoint: own.url, maxAttempts: 1 });
    own.addRule({ operation: 'TransactWriteItems', times: 1, action: { kind: 'hang' } });
    let settled = false;
    const call = client.send(put('hung')).finally(() => (settled = true));
    call.catch(() => undefined);

    // Act
    await own.waitFor((requests) => requests.some((request) => request.hanging));
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Assess
    expect(settled).toBe(false);
    expect(own.requests).toEqual([
      expect.objectContaining({
        operation: 'TransactWriteItems',
        hanging: true,
        injected: 'hang',
        status: undefined,
      }),
    ]);
    expect(await stored('hung')).toBe(false);
    client.destroy();
    await own.close();
  });

  it('delay forwards after the pause', async () => {
    // Prepare
    proxy.addRule({ operation: 'PutItem', times: 1, action: { kind: 'delay', ms: 300 } });
    const started = Date.now();

    // Act
    await proxied.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'delayed' } } }));

    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await stored('delayed')).toBe(true);
    expect(proxy.requests.map(({ injected, status }) => [injected, status])).toEqual([['delay', 200]]);
  });
});

describe('SNS (query protocol)', () => {
  let proxy: FaultProxy;
  let sns: SNSClient;
  let sqs: SQSClient;
  let topicArn: string;
  let queueUrl: string;

  beforeAll(async () => {
    proxy = await startFaultProxy({ target: messagingEngine.endpoint });
    sns = new SNSClient({ ...common, endpoint: proxy.url, maxAttempts: 1 });
    sqs = new SQSClient({ ...common, endpoint: messagingEngine.endpoint, useQueueUrlAsEndpoint: false });
    topicArn = (await sns.send(new CreateTopicCommand({ Name: 'fault-proxy-test' }))).TopicArn as string;
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'fault-proxy-test' }))).QueueUrl as string;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    proxy.clearRequests();
  });
  afterEach(() => {
    proxy.clearRules();
    proxy.clearRequests();
  });
  afterAll(async () => {
    sns.destroy();
    sqs.destroy();
    await proxy.close();
  });

  /** Bodies of everything the subscribed queue holds now. */
  async function received(): Promise<string[]> {
    const bodies: string[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return bodies.sort();
      bodies.push(...Messages.map((message) => message.Body ?? ''));
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
    }
  }

  const batch = (...names: string[]) =>
    new PublishBatchCommand({
      TopicArn: topicArn,
      PublishBatchRequestEntries: names.map((name, index) => ({
        Id: `m${index}`,
        Message: `message ${name}`,
        Subject: `subject ${name}`,
        MessageAttributes: { task: { DataType: 'String', StringValue: name } },
      })),
    });

  it("answers InternalError as SNS's XML ErrorResponse with 500; the SDK maps it to its modelled InternalErrorException", async () => {
    // Prepare
    proxy.addRule({
      operation: 'PublishBatch',
      action: { kind: 'error', code: 'InternalError', message: 'SNS is down' },
    });

    // Act
    const failure = await failureOf(sns.send(batch('a')));
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'single' }));

    // Assess
    // SNS models the wire code InternalError as InternalErrorException, as it does for AWS's answer.
    expect(failure).toEqual({
      name: 'InternalErrorException',
      message: 'SNS is down',
      fault: 'server',
      status: 500,
      attempts: 1,
    });
    expect(proxy.requests.map(({ service, operation, status }) => [service, operation, status])).toEqual([
      ['sns', 'PublishBatch', 500],
      ['sns', 'Publish', 200],
    ]);
    expect(await received()).toEqual(['single']);
  });

  it('failEntries: the SDK sees the chosen entries in Failed, the others in Successful, and only those reach the subscriber', async () => {
    // Prepare
    proxy.addRule({
      operation: 'PublishBatch',
      times: 1,
      action: {
        kind: 'failEntries',
        failEntries: (entry) => entry.attributes.task === 'b' || entry.id === 'm3',
      },
    });

    // Act
    const output = await sns.send(batch('a', 'b', 'c', 'd'));

    // Assess
    expect(output.Successful?.map((entry) => entry.Id)).toEqual(['m0', 'm2']);
    expect(output.Successful?.every((entry) => typeof entry.MessageId === 'string')).toBe(true);
    expect(output.Failed).toEqual([
      {
        Id: 'm1',
        Code: 'InternalError',
        SenderFault: false,
        Message: 'Injected by the fault proxy: entry failed',
      },
      {
        Id: 'm3',
        Code: 'InternalError',
        SenderFault: false,
        Message: 'Injected by the fault proxy: entry failed',
      },
    ]);
    expect(proxy.requests).toEqual([
      expect.objectContaining({ operation: 'PublishBatch', status: 200, failedEntryIds: ['m1', 'm3'] }),
    ]);
    expect(await received()).toEqual(['message a', 'message c']);
  });

  it('failEntries selecting every entry answers an all-failed batch without forwarding it', async () => {
    // Prepare
    proxy.addRule({
      operation: 'PublishBatch',
      times: 1,
      action: { kind: 'failEntries', failEntries: () => true, code: 'KMSThrottling', message: 'throttled' },
    });

    // Act
    const output = await sns.send(batch('a', 'b'));
    const next = await sns.send(batch('c'));

    // Assess
    expect(output.Successful ?? []).toEqual([]);
    expect(output.Failed?.map(({ Id, Code, Message }) => [Id, Code, Message])).toEqual([
      ['m0', 'KMSThrottling', 'throttled'],
      ['m1', 'KMSThrottling', 'throttled'],
    ]);
    expect(next.Failed ?? []).toEqual([]);
    expect(await received()).toEqual(['message c']);
  });
});
