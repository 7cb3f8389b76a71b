// Why: a listing EC2 did not let the poller read completely must not be mistaken for an empty
// one. Throttled beyond the SDK's retries, the listing changes nothing (no TaskDisappeared for
// the task it hides), every other (Region, task type) is still delivered, and the next cycle
// picks up what the throttled listing hid. (Other EC2 faults have their own tests.)
import { EC2_MAX_ATTEMPTS } from '../../../lambdas/adapters/ec2-clients';
import { countDelivery, recordFigures } from '../support/fault-figures';
import { received } from '../support/fault-harness';
import { deliveredByTask, expectedByTask, TaskModel } from '../support/fault-tasks';
import { createHarness, type Harness } from '../support/harness';

const EAST = 'us-east-1';
const WEST = 'us-west-2';
let harness: Harness;
let model: TaskModel;

// Child processes and SDK retry back-offs take seconds, not the default 5.

beforeAll(async () => {
  harness = await createHarness({
    context: { regions: `${EAST},${WEST}`, taskTypes: 'import-image,export-image' },
  });
  model = new TaskModel(harness.sim);
});
afterAll(() => harness?.close());

it('RequestLimitExceeded beyond the retries for import-image in us-east-1 while a task of it runs: no TaskDisappeared, the 3 other listings are delivered, the next cycle delivers the hidden change once', async () => {
  // Prepare
  const hidden = 'import-ami-0a00000000000a801';
  model.start(EAST, 'import-image', hidden, 10);
  model.start(WEST, 'import-image', 'import-ami-0a00000000000a802', 10);
  model.start(EAST, 'export-image', 'export-ami-0b00000000000b801', 10);
  expect((await harness.cycle()).failures).toEqual([]);
  expect(await received(harness)).toHaveLength(3);
  const hiddenChange = model.complete(EAST, 'import-image', hidden);
  const visible = [
    model.progress(WEST, 'import-image', 'import-ami-0a00000000000a802', 70),
    model.complete(EAST, 'export-image', 'export-ami-0b00000000000b801'),
  ];
  const fault = harness.sim.injectFault({
    api: 'DescribeImportImageTasks',
    region: EAST,
    code: 'RequestLimitExceeded',
  });
  harness.sim.clearRequests();

  // Act
  const throttled = await harness.cycle();
  const duringFault = await received(harness);
  const throttledCalls = harness.sim.requests.filter(
    (request) => request.api === 'DescribeImportImageTasks' && request.region === EAST,
  );
  harness.sim.removeFault(fault);
  const next = await harness.cycle();
  const afterFault = await received(harness);
  const figures = countDelivery([hiddenChange, ...visible], [...duringFault, ...afterFault]);
  recordFigures({
    case: 'EC2 throttles one listing beyond the retries',
    injected: 'RequestLimitExceeded on every DescribeImportImageTasks in us-east-1 for one cycle',
    ...figures,
  });

  // Assess
  expect(throttled.failures).toEqual([
    expect.stringMatching(new RegExp(`^import-image in ${EAST}: RequestLimitExceeded: `)),
  ]);
  expect(throttledCalls.map((request) => request.status)).toEqual(Array(EC2_MAX_ATTEMPTS).fill(503));
  expect(deliveredByTask(duringFault)).toEqual(expectedByTask(visible));
  expect(duringFault.map((event) => event.changeType)).not.toContain('TaskDisappeared');
  expect(next.failures).toEqual([]);
  expect(deliveredByTask(afterFault)).toEqual(expectedByTask([hiddenChange]));
  expect(figures).toEqual({
    transitions: 3,
    delivered: 3,
    lost: 0,
    duplicatesInWindow: 0,
    duplicatesOutsideWindow: 0,
  });
});
