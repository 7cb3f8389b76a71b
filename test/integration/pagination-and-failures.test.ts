// Listings that span pages and listings that fail, through the real SDK against the simulator:
// every page is read, a listing that fails on any page changes nothing for its (Region, task
// type) and is reported, throttling is retried by the SDK, and the other listings carry on.
import type { CycleOutcome } from '../../runtime/cycle';
import type { TaskTypeName } from '../../lambdas/domain/task';
import { EC2_MAX_ATTEMPTS } from '../../lambdas/adapters/ec2-clients';
import { createHarness, type Harness } from './support/harness';
import { sorted, TableReader, tuples } from './support/events';

const US = 'us-east-1';
const EU = 'eu-west-1';
const TASK_TYPES: TaskTypeName[] = ['import-image', 'export-image', 'bundle', 'mac-modification'];

let harness: Harness;
let reader: TableReader;

beforeAll(async () => {
  harness = await createHarness({
    context: { regions: `${US},${EU}`, taskTypes: TASK_TYPES.join(',') },
    simulator: { pageSizeCap: { DescribeExportImageTasks: 2 } },
  });
  reader = new TableReader(harness);
});
afterAll(async () => {
  reader?.close();
  await harness?.close();
});
beforeEach(async () => {
  harness.sim.clearFaults();
  harness.sim.clearRequests();
  await harness.inbox.drain();
});

/** [taskType, region, error code] of every failed listing, sorted. */
function failedListings(outcome: CycleOutcome): [string, string, string | undefined][] {
  return sorted(
    outcome.report.listings
      .filter((listing) => !listing.ok)
      .map((listing): [string, string, string | undefined] => [
        listing.taskType,
        listing.region,
        listing.error?.code,
      ]),
  );
}

/** The failure lines `poll --once` prints, without EC2's message text. */
function failureHeads(outcome: CycleOutcome): string[] {
  return outcome.failures.map((line) => line.split(': ').slice(0, 2).join(': ')).sort();
}

/** HTTP statuses of the calls the simulator saw for an API in a Region, in order. */
function statuses(api: string, region: string): number[] {
  return harness.sim.requests
    .filter((request) => request.api === api && request.region === region)
    .map((request) => request.status);
}

const importImage = (id: string, message: string, progress: string) => ({
  ImportTaskId: id,
  Status: 'active',
  StatusMessage: message,
  Progress: progress,
});
const exportImageId = (n: number) => `export-ami-0c00000000000000${n}`;
const exportImage = (n: number) => ({
  ExportImageTaskId: exportImageId(n),
  ImageId: `ami-0c00000000000000${n}`,
  S3ExportLocation: { S3Bucket: 'my-export-bucket', S3Prefix: 'exports/' },
  Status: 'active',
  StatusMessage: 'converting',
  Progress: '10',
});
const exportImageSnapshots = async () =>
  sorted(
    (await reader.snapshots([US], ['export-image'])).map(({ task, gone, version }) => [
      task.taskId,
      task.phase,
      task.progress,
      gone,
      version,
    ]),
  );

it('a listing that fails at the first poll has its baseline when it first succeeds', async () => {
  // Prepare: an account with work before the monitor's first poll; one listing is denied.
  harness.sim.putTask(US, 'import-image', importImage('import-ami-0c0000000000000a1', 'converting', '30'));
  harness.sim.putTask(EU, 'mac-modification', {
    MacModificationTaskId: 'macmodification-0c00000000000001',
    InstanceId: 'i-0c0000000000000a1',
    TaskState: 'in-progress',
  });
  harness.sim.putTask(EU, 'mac-modification', {
    MacModificationTaskId: 'macmodification-0c00000000000002',
    InstanceId: 'i-0c0000000000000a2',
    TaskState: 'successful',
  });
  harness.sim.injectFault({ api: 'DescribeMacModificationTasks', region: EU, code: 'UnauthorizedOperation' });

  // Act
  const denied = await harness.cycleAndReceive();
  harness.sim.clearFaults();
  const allowed = await harness.cycleAndReceive();

  // Assess
  expect(failedListings(denied.outcome)).toEqual([['mac-modification', EU, 'UnauthorizedOperation']]);
  expect(tuples(denied.messages)).toEqual([['import-ami-0c0000000000000a1', 'TaskDiscovered', 'running']]);
  expect(allowed.outcome.failures).toEqual([]);
  // Its baseline: the running task announced, the finished one not.
  expect(tuples(allowed.messages)).toEqual([
    ['macmodification-0c00000000000001', 'TaskDiscovered', 'running'],
  ]);
});

it('reads every page of a paginated listing and discovers each task once', async () => {
  // Prepare: seven tasks, at most two per page.
  for (let n = 1; n <= 7; n++) harness.sim.putTask(US, 'export-image', exportImage(n));

  // Act
  const first = await harness.cycleAndReceive();
  const requests = harness.sim.requests.filter(
    (request) => request.api === 'DescribeExportImageTasks' && request.region === US,
  );
  const second = await harness.cycleAndReceive();

  // Assess
  expect(first.outcome.failures).toEqual([]);
  expect(sorted(tuples(first.messages))).toEqual(
    [1, 2, 3, 4, 5, 6, 7].map((n) => [exportImageId(n), 'TaskDiscovered', 'running']),
  );
  expect(
    first.outcome.report.listings
      .filter((listing) => listing.taskType === 'export-image' && listing.region === US)
      .map((listing) => [listing.pages, listing.tasks]),
  ).toEqual([[4, 7]]);
  expect(requests.map((request) => [request.status, request.params.NextToken !== undefined])).toEqual([
    [200, false],
    [200, true],
    [200, true],
    [200, true],
  ]);
  expect(second.messages).toEqual([]);
});

it('a listing whose second page fails changes nothing for its type until it succeeds again', async () => {
  // Prepare: pages are [1,2] [3,4] [5,6] [7]. Task 1 (page 1) moves on, task 5 (page 3)
  // completes, task 7 (page 4) leaves the listing, and an import in the same Region moves on.
  const before = await exportImageSnapshots();
  harness.sim.injectFault({ api: 'DescribeExportImageTasks', region: US, page: 2, code: 'InternalError' });
  harness.sim.updateTask(US, 'export-image', exportImageId(1), { Progress: '60' });
  harness.sim.updateTask(US, 'export-image', exportImageId(5), {
    Status: 'completed',
    StatusMessage: null,
    Progress: null,
  });
  harness.sim.removeTask(US, 'export-image', exportImageId(7));
  harness.sim.updateTask(US, 'import-image', 'import-ami-0c0000000000000a1', { StatusMessage: 'updating' });

  // Act
  const failing = await harness.cycleAndReceive();
  const afterFailure = await exportImageSnapshots();
  harness.sim.clearFaults();
  const recovered = await harness.cycleAndReceive();
  const settled = await harness.cycleAndReceive();

  // Assess
  expect(failedListings(failing.outcome)).toEqual([['export-image', US, 'InternalError']]);
  expect(failureHeads(failing.outcome)).toEqual(['export-image in us-east-1: InternalError']);
  expect(tuples(failing.messages)).toEqual([['import-ami-0c0000000000000a1', 'TaskProgressed', 'running']]);
  expect(afterFailure).toEqual(before);
  expect(recovered.outcome.failures).toEqual([]);
  expect(sorted(tuples(recovered.messages))).toEqual(
    sorted([
      [exportImageId(1), 'TaskProgressed', 'running'],
      [exportImageId(5), 'TaskStateChanged', 'succeeded'],
    ]),
  );
  // The failed listing counted no miss: task 7 is declared disappeared after two complete ones.
  expect(tuples(settled.messages)).toEqual([[exportImageId(7), 'TaskDisappeared', 'unknown']]);
  expect((await harness.cycleAndReceive()).messages).toEqual([]);
});

it('an invalid NextToken fails the listing the same way', async () => {
  // Prepare: pages are now [1,2] [3,4] [5,6]. Task 2 moves on, task 6 leaves.
  const before = await exportImageSnapshots();
  harness.sim.injectFault({ api: 'DescribeExportImageTasks', region: US, page: 2, code: 'InvalidNextToken' });
  harness.sim.updateTask(US, 'export-image', exportImageId(2), { StatusMessage: 'updating' });
  harness.sim.removeTask(US, 'export-image', exportImageId(6));

  // Act
  const failing = await harness.cycleAndReceive();
  const afterFailure = await exportImageSnapshots();
  harness.sim.clearFaults();
  const recovered = await harness.cycleAndReceive();
  const settled = await harness.cycleAndReceive();

  // Assess
  expect(failedListings(failing.outcome)).toEqual([['export-image', US, 'InvalidNextToken']]);
  expect(failing.messages).toEqual([]);
  expect(afterFailure).toEqual(before);
  expect(recovered.outcome.failures).toEqual([]);
  expect(tuples(recovered.messages)).toEqual([[exportImageId(2), 'TaskProgressed', 'running']]);
  expect(tuples(settled.messages)).toEqual([[exportImageId(6), 'TaskDisappeared', 'unknown']]);
});

it('a call throttled once succeeds on the SDK retry: no failure, the change delivered', async () => {
  // Prepare
  harness.sim.injectFault({
    api: 'DescribeImportImageTasks',
    region: US,
    code: 'RequestLimitExceeded',
    times: 1,
  });
  harness.sim.putTask(US, 'import-image', importImage('import-ami-0c0000000000000a2', 'validating', '5'));

  // Act
  const { outcome, messages } = await harness.cycleAndReceive();

  // Assess
  expect(outcome.failures).toEqual([]);
  expect(tuples(messages)).toEqual([['import-ami-0c0000000000000a2', 'TaskDiscovered', 'running']]);
  expect(statuses('DescribeImportImageTasks', US)).toEqual([503, 200]);
});

it('throttling beyond the retries fails that type in that Region only', async () => {
  // Prepare
  harness.sim.injectFault({ api: 'DescribeBundleTasks', region: EU, code: 'RequestLimitExceeded' });
  const bundle = (id: string) => ({ BundleId: id, InstanceId: 'i-0c0000000000000b1', State: 'bundling' });
  harness.sim.putTask(US, 'bundle', bundle('bun-0c000001'));
  harness.sim.putTask(EU, 'bundle', bundle('bun-0c000002'));

  // Act
  const throttled = await harness.cycleAndReceive();
  harness.sim.clearFaults();
  const recovered = await harness.cycleAndReceive();

  // Assess
  expect(failedListings(throttled.outcome)).toEqual([['bundle', EU, 'RequestLimitExceeded']]);
  expect(failureHeads(throttled.outcome)).toEqual(['bundle in eu-west-1: RequestLimitExceeded']);
  expect(throttled.outcome.report.listings.filter((listing) => listing.ok)).toHaveLength(7);
  expect(statuses('DescribeBundleTasks', EU)).toEqual([
    ...Array(EC2_MAX_ATTEMPTS).fill(503),
    200, // the recovered poll
  ]);
  expect(tuples(throttled.messages)).toEqual([['bun-0c000001', 'TaskDiscovered', 'running']]);
  expect(tuples(recovered.messages)).toEqual([['bun-0c000002', 'TaskDiscovered', 'running']]);
});

it('an API the poller may not call fails in every Region while the other APIs carry on', async () => {
  // Prepare
  harness.sim.injectFault({ api: 'DescribeMacModificationTasks', code: 'UnauthorizedOperation' });
  harness.sim.updateTask(EU, 'mac-modification', 'macmodification-0c00000000000001', {
    TaskState: 'successful',
  });
  harness.sim.updateTask(US, 'import-image', 'import-ami-0c0000000000000a2', { StatusMessage: 'converting' });

  // Act
  const denied = await harness.cycleAndReceive();
  harness.sim.clearFaults();
  const allowed = await harness.cycleAndReceive();

  // Assess
  expect(failedListings(denied.outcome)).toEqual([
    ['mac-modification', EU, 'UnauthorizedOperation'],
    ['mac-modification', US, 'UnauthorizedOperation'],
  ]);
  expect(failureHeads(denied.outcome)).toEqual([
    'mac-modification in eu-west-1: UnauthorizedOperation',
    'mac-modification in us-east-1: UnauthorizedOperation',
  ]);
  // 403 is not retried.
  expect(statuses('DescribeMacModificationTasks', US)).toEqual([403, 200]);
  expect(tuples(denied.messages)).toEqual([['import-ami-0c0000000000000a2', 'TaskProgressed', 'running']]);
  expect(tuples(allowed.messages)).toEqual([
    ['macmodification-0c00000000000001', 'TaskStateChanged', 'succeeded'],
  ]);
});

it('a Region the account has not opted into fails alone while the other Region completes', async () => {
  // Prepare
  harness.sim.injectFault({ api: '*', region: EU, code: 'OptInRequired' });
  harness.sim.updateTask(EU, 'bundle', 'bun-0c000002', { State: 'storing' });
  harness.sim.updateTask(US, 'bundle', 'bun-0c000001', { State: 'storing' });

  // Act
  const optedOut = await harness.cycleAndReceive();
  harness.sim.clearFaults();
  const optedIn = await harness.cycleAndReceive();

  // Assess
  expect(failedListings(optedOut.outcome)).toEqual(
    sorted(TASK_TYPES.map((taskType) => [taskType, EU, 'OptInRequired'])),
  );
  expect(optedOut.outcome.failures).toHaveLength(4);
  expect(
    optedOut.outcome.report.listings.filter((listing) => listing.ok).map((listing) => listing.region),
  ).toEqual([US, US, US, US]);
  expect(tuples(optedOut.messages)).toEqual([['bun-0c000001', 'TaskProgressed', 'running']]);
  expect(tuples(optedIn.messages)).toEqual([['bun-0c000002', 'TaskProgressed', 'running']]);
});
