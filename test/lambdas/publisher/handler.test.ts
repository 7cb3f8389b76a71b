import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';

const sns = mockClient(SNSClient);
const dynamodb = mockClient(DynamoDBClient);
const context = {
  functionName: 'publisher',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;

function loadHandler() {
  process.env.TABLE_NAME = 'monitor';
  process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:events';
  let loaded:
    | {
        handler: typeof import('../../../lambdas/publisher/handler').handler;
        logger: typeof import('../../../lambdas/shared/observability').logger;
      }
    | undefined;
  jest.isolateModules(() => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    loaded = {
      handler: require('../../../lambdas/publisher/handler').handler,
      logger: require('../../../lambdas/shared/observability').logger,
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  if (!loaded) throw new Error('no handler');
  return loaded;
}

describe('publisher handler', () => {
  it('rejects an invocation that is not a stream batch with a clear log line, without asking for a retry', async () => {
    // Prepare
    const { handler, logger } = loadHandler();
    const error = jest.spyOn(logger, 'error');

    // Act
    const response = await handler({ detail: 'not a stream batch' } as never, context);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sns.calls()).toHaveLength(0);
    expect(dynamodb.calls()).toHaveLength(0);
    expect(error).toHaveBeenCalledWith('Ignored an invocation that is not a DynamoDB stream batch', {
      keys: ['detail'],
    });
  });

  it('fails its cold start with a message naming a missing variable', () => {
    delete process.env.TOPIC_ARN;
    process.env.TABLE_NAME = 'monitor';

    expect(() =>
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../../../lambdas/publisher/handler');
      }),
    ).toThrow('TOPIC_ARN is not set');
  });
});
