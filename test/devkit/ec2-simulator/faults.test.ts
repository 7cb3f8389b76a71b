// Why: the poller's error handling is only as good as the failures it is tested against; each
// injected fault must reach the SDK with EC2's code and HTTP status, where and as often as asked.
import {
  DescribeBundleTasksCommand,
  DescribeImportImageTasksCommand,
  DescribeStoreImageTasksCommand,
  EC2Client,
  paginateDescribeImportImageTasks,
} from '@aws-sdk/client-ec2';
import { clientFor, failureOf, numberedTask, useSimulator } from './fixtures';

describe('EC2 simulator: fault injection', () => {
  const fixture = useSimulator({ pageSizeCap: { DescribeImportImageTasks: 2 } });

  it('RequestLimitExceeded reaches the SDK as EC2 sends it: HTTP 503, the throttling code and message', async () => {
    // Prepare
    fixture.sim.injectFault({ api: 'DescribeBundleTasks', code: 'RequestLimitExceeded' });
    // Act
    const failure = await failureOf(fixture.ec2.send(new DescribeBundleTasksCommand({})));
    // Assess
    expect(failure).toEqual({
      name: 'RequestLimitExceeded',
      status: 503,
      message: 'Request limit exceeded.',
    });
    expect(fixture.sim.requests.map(({ status, errorCode }) => ({ status, errorCode }))).toEqual([
      { status: 503, errorCode: 'RequestLimitExceeded' },
    ]);
  });

  it('hang: accepts the call and never answers, until the client gives up', async () => {
    // Prepare: a client that waits 300 ms for an answer, once.
    const impatient = new EC2Client({
      region: 'us-east-1',
      endpoint: fixture.sim.url,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
      requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true },
    });
    fixture.sim.injectFault({ api: 'DescribeBundleTasks', effect: 'hang', times: 1 });
    try {
      // Act
      const failure = await failureOf(impatient.send(new DescribeBundleTasksCommand({})));
      // The fault was for one call: the next one (from a patient client, since a loaded machine can
      // take longer than 300 ms to answer) gets its answer.
      const next = await fixture.ec2.send(new DescribeBundleTasksCommand({}));
      // Assess
      expect(failure.name).toBe('TimeoutError');
      expect(next.BundleTasks).toEqual([]);
      expect(fixture.sim.requests.map(({ status, errorCode }) => ({ status, errorCode }))).toEqual([
        { status: 0, errorCode: 'NoAnswer' },
        { status: 200, errorCode: undefined },
      ]);
    } finally {
      impatient.destroy();
    }
  });

  it('repeat-token: a page answers the NextToken it was sent, so a client that follows it would loop', async () => {
    // Prepare: pages of 2, five tasks; page 2 repeats its token.
    for (let n = 1; n <= 5; n++)
      fixture.sim.putTask('us-east-1', 'import-image', numberedTask('import-image', n));
    fixture.sim.injectFault({ api: 'DescribeImportImageTasks', effect: 'repeat-token', page: 2 });
    // Act
    const first = await fixture.ec2.send(new DescribeImportImageTasksCommand({}));
    const second = await fixture.ec2.send(
      new DescribeImportImageTasksCommand({ NextToken: first.NextToken }),
    );
    // Assess
    expect(first.NextToken).toBeDefined();
    expect(second.NextToken).toBe(first.NextToken);
    expect(second.ImportImageTasks).toHaveLength(2);
  });

  it('refuses an error code on a hang or repeat-token fault', () => {
    expect(() =>
      fixture.sim.injectFault({ api: 'DescribeBundleTasks', effect: 'hang', code: 'InternalError' }),
    ).toThrow("fault.code, message and status: only for the 'error' effect, not 'hang'");
    expect(() => fixture.sim.injectFault({ api: 'DescribeBundleTasks', effect: 'sleep' as never })).toThrow(
      /fault.effect: expected 'error', 'hang' or 'repeat-token'/,
    );
  });

  it('the SDK retries RequestLimitExceeded as throttling and succeeds once the fault is used up', async () => {
    // Prepare
    const retrying = new EC2Client({
      region: 'us-east-1',
      endpoint: fixture.sim.url,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 2,
    });
    fixture.sim.putTask('us-east-1', 'bundle', numberedTask('bundle', 1));
    fixture.sim.injectFault({ api: 'DescribeBundleTasks', code: 'RequestLimitExceeded', times: 1 });
    try {
      // Act
      const output = await retrying.send(new DescribeBundleTasksCommand({}));
      // Assess
      expect(output.BundleTasks?.map((task) => task.BundleId)).toEqual(['bun-00000001']);
      expect(output.$metadata.attempts).toBe(2);
      expect(fixture.sim.requests.map((request) => request.status)).toEqual([503, 200]);
    } finally {
      retrying.destroy();
    }
  });

  it('a fault with times=2 fails two calls, then the API recovers and the fault is gone', async () => {
    // Prepare
    fixture.sim.injectFault({ api: 'DescribeImportImageTasks', code: 'InternalError', times: 2 });
    // Act
    const first = await failureOf(fixture.ec2.send(new DescribeImportImageTasksCommand({})));
    const second = await failureOf(fixture.ec2.send(new DescribeImportImageTasksCommand({})));
    const third = await fixture.ec2.send(new DescribeImportImageTasksCommand({}));
    // Assess
    expect([first, second]).toEqual([
      { name: 'InternalError', status: 500, message: 'An internal error has occurred' },
      { name: 'InternalError', status: 500, message: 'An internal error has occurred' },
    ]);
    expect(third.ImportImageTasks).toEqual([]);
    expect(fixture.sim.faults).toEqual([]);
  });

  it('a page-2 fault fails the listing half way; the next listing reads every page', async () => {
    // Prepare
    for (let n = 1; n <= 5; n += 1)
      fixture.sim.putTask('us-east-1', 'import-image', numberedTask('import-image', n));
    fixture.sim.injectFault({
      api: 'DescribeImportImageTasks',
      code: 'ServiceUnavailable',
      page: 2,
      times: 1,
    });
    const readAll = async () => {
      const ids: string[] = [];
      for await (const page of paginateDescribeImportImageTasks({ client: fixture.ec2 }, {})) {
        ids.push(...(page.ImportImageTasks ?? []).map((task) => task.ImportTaskId ?? ''));
      }
      return ids;
    };
    // Act
    const failed = await failureOf(readAll());
    const retried = await readAll();
    // Assess
    expect(failed).toEqual({
      name: 'ServiceUnavailable',
      status: 503,
      message: 'The request has failed due to a temporary failure of the server.',
    });
    expect(retried).toHaveLength(5);
    expect(fixture.sim.requests.map((request) => request.status)).toEqual([200, 503, 200, 200, 200]);
  });

  it('UnauthorizedOperation on one API leaves the others working', async () => {
    // Prepare
    fixture.sim.injectFault({ api: 'DescribeStoreImageTasks', code: 'UnauthorizedOperation' });
    // Act
    const denied = await failureOf(fixture.ec2.send(new DescribeStoreImageTasksCommand({})));
    const allowed = await fixture.ec2.send(new DescribeBundleTasksCommand({}));
    // Assess
    expect({ name: denied.name, status: denied.status }).toEqual({
      name: 'UnauthorizedOperation',
      status: 403,
    });
    expect(denied.message).toContain('is not authorized to perform: ec2:DescribeStoreImageTasks');
    expect(allowed.BundleTasks).toEqual([]);
  });

  it('OptInRequired for one Region fails every API there and nowhere else', async () => {
    // Prepare
    const hongKong = clientFor(fixture.sim, 'ap-east-1');
    fixture.sim.injectFault({ api: '*', region: 'ap-east-1', code: 'OptInRequired' });
    try {
      // Act
      const bundles = await failureOf(hongKong.send(new DescribeBundleTasksCommand({})));
      const images = await failureOf(hongKong.send(new DescribeImportImageTasksCommand({})));
      const elsewhere = await fixture.ec2.send(new DescribeImportImageTasksCommand({}));
      // Assess
      expect([bundles, images].map(({ name, status }) => ({ name, status }))).toEqual([
        { name: 'OptInRequired', status: 401 },
        { name: 'OptInRequired', status: 401 },
      ]);
      expect(elsewhere.ImportImageTasks).toEqual([]);
    } finally {
      hongKong.destroy();
    }
  });

  it('a fault may carry its own message and status; a code the simulator does not know is a 400', async () => {
    // Prepare
    fixture.sim.injectFault({
      api: 'DescribeBundleTasks',
      code: 'AuthFailure',
      message: 'Key expired',
      times: 1,
    });
    fixture.sim.injectFault({ api: 'DescribeBundleTasks', code: 'Throttling', status: 429, times: 1 });
    fixture.sim.injectFault({ api: 'DescribeBundleTasks', code: 'SomethingOdd', times: 1 });
    // Act
    const failures = [
      await failureOf(fixture.ec2.send(new DescribeBundleTasksCommand({}))),
      await failureOf(fixture.ec2.send(new DescribeBundleTasksCommand({}))),
      await failureOf(fixture.ec2.send(new DescribeBundleTasksCommand({}))),
    ];
    // Assess
    expect(failures.map(({ name, status }) => ({ name, status }))).toEqual([
      { name: 'AuthFailure', status: 401 },
      { name: 'Throttling', status: 429 },
      { name: 'SomethingOdd', status: 400 },
    ]);
    expect(failures[0]?.message).toBe('Key expired');
  });

  it('removeFault disarms one fault by id; clearFaults disarms all', async () => {
    // Prepare
    const bundleFault = fixture.sim.injectFault({ api: 'DescribeBundleTasks', code: 'InternalError' });
    fixture.sim.injectFault({ api: 'DescribeStoreImageTasks', code: 'InternalError' });
    // Act
    const removed = fixture.sim.removeFault(bundleFault);
    const bundles = await fixture.ec2.send(new DescribeBundleTasksCommand({}));
    const stillFailing = await failureOf(fixture.ec2.send(new DescribeStoreImageTasksCommand({})));
    fixture.sim.clearFaults();
    const recovered = await fixture.ec2.send(new DescribeStoreImageTasksCommand({}));
    // Assess
    expect(removed).toBe(true);
    expect(bundles.BundleTasks).toEqual([]);
    expect(stillFailing.name).toBe('InternalError');
    expect(recovered.StoreImageTaskResults).toEqual([]);
  });

  it('rejects a fault with a bad field, naming it', () => {
    // Act / Assess
    expect(() =>
      fixture.sim.injectFault({ api: 'DescribeBundles' as 'DescribeBundleTasks', code: 'InternalError' }),
    ).toThrow('fault.api: expected \'*\' or one of the nine Describe*Tasks APIs, got "DescribeBundles"');
    expect(() => fixture.sim.injectFault({ api: '*', code: 'InternalError', times: 0 })).toThrow(
      'fault.times: expected a positive integer, got 0',
    );
    expect(() => fixture.sim.injectFault({ api: '*', region: 'us-east1', code: 'InternalError' })).toThrow(
      'fault.region',
    );
  });
});
