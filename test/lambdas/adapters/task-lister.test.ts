// A listing is complete or failed: a listing still reading when its share of the poll's time is
// over is abandoned as failed (the real SDK against a loopback endpoint that never answers), and a
// listing whose paginator stopped at a repeated NextToken fails instead of passing as complete.
import {
  DescribeExportImageTasksCommand,
  DescribeImportImageTasksCommand,
  DescribeImportSnapshotTasksCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
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

describe('an import listing, whose MaxResults EC2 documents no limit for', () => {
  let ec2: AwsClientStub<EC2Client>;
  beforeEach(() => {
    ec2 = mockClient(EC2Client);
  });
  afterEach(() => ec2.restore());

  it('asks for the largest pages, and reads again without MaxResults if EC2 refuses it', async () => {
    // Prepare: an EC2 that refuses a MaxResults above 500.
    ec2.on(DescribeImportImageTasksCommand).callsFake((input: { MaxResults?: number }) => {
      if ((input.MaxResults ?? 0) > 500) {
        throw Object.assign(
          new Error(
            'Value ( 1000 ) for parameter maxResults is invalid. Expecting a value between 5 and 500.',
          ),
          { name: 'InvalidParameterValue', Code: 'InvalidParameterValue' },
        );
      }
      return { ImportImageTasks: [{ ImportTaskId: 'import-ami-1', Status: 'active', Progress: '5' }] };
    });
    const descriptor = taskTypeDescriptor('import-image');
    const client = new EC2Client({ region: 'us-east-1' });

    // Act
    const first = await listTasks(descriptor, client, SCOPE);
    const second = await listTasks(descriptor, client, SCOPE);

    // Assert: one refused call, then pages without MaxResults, remembered for the container.
    expect(first.tasks.map((task) => task.taskId)).toEqual(['import-ami-1']);
    expect(second.tasks).toHaveLength(1);
    expect(
      ec2.commandCalls(DescribeImportImageTasksCommand).map((call) => call.args[0].input.MaxResults),
    ).toEqual([1000, undefined, undefined]);
  });

  it('fails the listing on any other error, as for every type', async () => {
    ec2.on(DescribeImportSnapshotTasksCommand).rejects(
      Object.assign(new Error('Rate exceeded'), {
        name: 'RequestLimitExceeded',
        Code: 'RequestLimitExceeded',
      }),
    );
    const failure = await listTasks(
      taskTypeDescriptor('import-snapshot'),
      new EC2Client({ region: 'us-east-1', maxAttempts: 1 }),
      SCOPE,
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ListingError);
    expect(ec2.commandCalls(DescribeImportSnapshotTasksCommand)[0]?.args[0].input.MaxResults).toBe(1000);
  });
});
