// A listing is complete or failed: a listing still reading when its share of the poll's time is
// over is abandoned as failed (the real SDK against a loopback endpoint that never answers), and a
// listing whose paginator stopped at a repeated NextToken fails instead of passing as complete.
import { DescribeExportImageTasksCommand, EC2Client } from '@aws-sdk/client-ec2';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { LISTING_TIMED_OUT, ListingError, listTasks } from '../../../lambdas/adapters/task-lister';
import { sdkClientConfig } from '../../../lambdas/shared/sdk-clients';
import { taskTypeDescriptor } from '../../../lambdas/task-types';
import { type SilentServer, startSilentServer } from '../../support/silent-server';

const SCOPE = { region: 'us-east-1', account: '123456789012' };

describe('a listing whose endpoint accepts the call and never answers', () => {
  let server: SilentServer;
  let client: EC2Client;

  beforeAll(async () => {
    server = await startSilentServer();
    // The product's own configuration: 10-second requests, 4 attempts; only the share ends it.
    client = new EC2Client(
      sdkClientConfig({
        region: 'us-east-1',
        endpoint: server.url,
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
        maxAttempts: 4,
      }),
    );
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it.each(['bundle', 'export-image'] as const)(
    '%s: is abandoned as failed once its share of the poll is over',
    async (taskType) => {
      const failure = await listTasks(taskTypeDescriptor(taskType), client, SCOPE, 300).catch(
        (error: unknown) => error,
      );

      expect(failure).toBeInstanceOf(ListingError);
      expect(failure).toMatchObject({
        code: LISTING_TIMED_OUT,
        detail: "abandoned after 300 ms, its share of the poll's time, with 0 page(s) read",
      });
    },
  );
});

describe('a listing whose paginator meets a repeated NextToken', () => {
  let ec2: AwsClientStub<EC2Client>;
  beforeAll(() => {
    ec2 = mockClient(EC2Client);
  });
  afterAll(() => ec2.restore());

  it('fails, so that nothing is inferred from the pages it did not read', async () => {
    ec2.on(DescribeExportImageTasksCommand).resolves({
      ExportImageTasks: [{ ExportImageTaskId: 'export-ami-1', Status: 'active' }],
      NextToken: 'same',
    });

    const failure = await listTasks(
      taskTypeDescriptor('export-image'),
      new EC2Client({}),
      SCOPE,
      5_000,
    ).catch((error: unknown) => error);

    expect(failure).toMatchObject({ code: 'RepeatedNextTokenError' });
    // The first page asks without a token, the second with 'same', which answers 'same' again.
    expect(ec2.commandCalls(DescribeExportImageTasksCommand)).toHaveLength(2);
  });
});
