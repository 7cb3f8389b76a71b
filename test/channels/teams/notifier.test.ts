// The Teams notifier as Lambda runs it: configured by the variables its construct sets, it turns
// each event of its queue into the same AWS Chatbot custom notification as the Slack channel's,
// threaded by task, on its chat topic, and records the delivery under its own channel's name.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { toChatbotNotification } from '../../../lambdas/domain/chatbot-notification';
import { deliveryPartitionKey } from '../../../lambdas/shared/table-layout';
import { aChange, aTask } from '../../support/tasks';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:TeamsChatTopic';
const sns = mockClient(SNSClient);
const dynamodb = mockClient(DynamoDBClient);
const context = {
  functionName: 'teams-notifier',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

type Notifier = typeof import('../../../channels/teams/notifier');

/**
 * The notifier module loaded with the environment its construct gives it (it reads it once, as it
 * loads). `isolated` loads a fresh copy, SDK clients included, out of reach of the mocks.
 */
function loadNotifier(environment: Record<string, string>, isolated = false): Notifier {
  const saved = { ...process.env };
  Object.assign(process.env, environment);
  try {
    if (!isolated) return jest.requireActual<Notifier>('../../../channels/teams/notifier');
    let loaded: Notifier | undefined;
    jest.isolateModules(() => {
      loaded = jest.requireActual<Notifier>('../../../channels/teams/notifier');
    });
    return loaded!;
  } finally {
    process.env = saved;
  }
}

const ENVIRONMENT = { CHANNEL: 'teams', TABLE_NAME: 'monitor', RETENTION_DAYS: '30', CHAT_TOPIC_ARN: TOPIC };

beforeEach(() => {
  sns.reset();
  dynamodb.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  dynamodb.onAnyCommand().resolves({});
});

it('posts each event as the chat channels’ custom notification, threaded by task, and records it as a Teams delivery', async () => {
  const events = ['import-ami-0aaaaaaaaaaaaaaa1', 'import-ami-0bbbbbbbbbbbbbbb2'].map((taskId) =>
    aChange(aTask({ taskId, state: 'deleted', phase: 'failed', statusMessage: 'ClientError: Unknown OS' })),
  );
  const batch: SQSEvent = {
    Records: events.map((event, index) => ({
      messageId: `m${index}`,
      receiptHandle: `h${index}`,
      body: JSON.stringify(event),
      attributes: { ApproximateReceiveCount: '1' } as SQSEvent['Records'][number]['attributes'],
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:teams',
      awsRegion: 'eu-west-1',
    })),
  };

  const result = await loadNotifier(ENVIRONMENT).newHandler()(batch, context);

  expect(result).toEqual({ batchItemFailures: [] });
  const published = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
  expect(published).toEqual(
    events.map((event) => ({ TopicArn: TOPIC, Message: JSON.stringify(toChatbotNotification(event)) })),
  );
  expect(published.map((input) => JSON.parse(input.Message!).metadata.threadId)).toEqual(
    events.map((event) => event.taskId),
  );
  const recorded = dynamodb.commandCalls(PutItemCommand).map((call) => call.args[0].input.Item?.pk?.S);
  expect(recorded.length).toBeGreaterThan(0);
  expect(new Set(recorded)).toEqual(new Set([deliveryPartitionKey('teams')]));
});

it('refuses to start with the variables of another channel', () => {
  expect(() => loadNotifier({ ...ENVIRONMENT, CHANNEL: 'chatbot' }, true)).toThrow(
    'CHANNEL is "chatbot" but this is the teams notifier',
  );
});
