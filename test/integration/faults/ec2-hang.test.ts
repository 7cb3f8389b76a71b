// Why: an EC2 endpoint that accepts the connection and never answers, or answers a page with the
// NextToken it was sent, must cost one listing, not the poll. The listing is abandoned when its
// share of the poll's time is over (or at the repeated token) and counts as failed: nothing is
// inferred from it; the other listings are recorded and published, the poll reports, and the
// next cycle picks up what the failed listing hid. Through the real SDK and the EC2 simulator.
import { countDelivery, recordFigures } from '../support/fault-figures';
import { received } from '../support/fault-harness';
import { deliveredByTask, expectedByTask, TaskModel } from '../support/fault-tasks';
import { createHarness, type Harness } from '../support/harness';

const EAST = 'us-east-1';
const WEST = 'us-west-2';
/** The handlers' timeout here: a short one, so the listing's share is a few seconds. */
const HANDLER_TIMEOUT_MS = 5_000;
let harness: Harness;
let model: TaskModel;

jest.setTimeout(30_000);

beforeAll(async () => {
  harness = await createHarness({
    context: { regions: `${EAST},${WEST}`, taskTypes: 'import-image,export-image' },
    // Three export-image pages for three tasks, so a page in the middle can repeat its token.
    simulator: { pageSizeCap: { DescribeExportImageTasks: 1 } },
    handlerTimeoutMs: HANDLER_TIMEOUT_MS,
  });
  model = new TaskModel(harness.sim);
});
afterAll(() => harness?.close());

it('an import-image endpoint in us-east-1 that never answers: that listing is abandoned as failed, the 3 others are delivered, the poll reports, the next cycle delivers the hidden change', async () => {
  // Prepare
  const hidden = 'import-ami-0a00000000000c801';
  model.start(EAST, 'import-image', hidden, 10);
  model.start(WEST, 'import-image', 'import-ami-0a00000000000c802', 10);
  model.start(EAST, 'export-image', 'export-ami-0b00000000000c801', 10);
  expect((await harness.cycle()).failures).toEqual([]);
  expect(await received(harness)).toHaveLength(3);
  const hiddenChange = model.complete(EAST, 'import-image', hidden);
  const visible = [
    model.progress(WEST, 'import-image', 'import-ami-0a00000000000c802', 70),
    model.complete(EAST, 'export-image', 'export-ami-0b00000000000c801'),
  ];
  const fault = harness.sim.injectFault({ api: 'DescribeImportImageTasks', region: EAST, effect: 'hang' });

  // Act
  const hung = await harness.cycle();
  const duringFault = await received(harness);
  harness.sim.removeFault(fault);
  const next = await harness.cycle();
  const afterFault = await received(harness);
  const figures = countDelivery([hiddenChange, ...visible], [...duringFault, ...afterFault]);
  const listing = hung.report.listings.find((l) => l.taskType === 'import-image' && l.region === EAST);
  recordFigures({
    case: 'EC2 endpoint that never answers',
    injected: `DescribeImportImageTasks in us-east-1 accepted, never answered, for one cycle (handlers get ${HANDLER_TIMEOUT_MS} ms; poll reported after ${hung.report.durationMs} ms)`,
    ...figures,
  });

  // Assess
  expect(listing).toMatchObject({ ok: false, error: { code: 'ListingTimedOut' } });
  expect(hung.failures).toEqual([
    expect.stringMatching(/^import-image in us-east-1: ListingTimedOut: abandoned after \d+ ms, its share/),
  ]);
  expect(hung.report.listings.filter((l) => l.ok)).toHaveLength(3);
  expect(deliveredByTask(duringFault)).toEqual(expectedByTask(visible));
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

it('an export-image page that answers the NextToken it was sent: the listing fails at once, no task on the pages it did not read is judged missing', async () => {
  // Prepare: three export tasks, one per page; the last page's task completes during the fault.
  const tasks = [
    'export-ami-0b00000000000c802',
    'export-ami-0b00000000000c803',
    'export-ami-0b00000000000c804',
  ];
  for (const id of tasks) model.start(EAST, 'export-image', id, 10);
  expect((await harness.cycle()).failures).toEqual([]);
  await received(harness);
  const hiddenChange = model.complete(EAST, 'export-image', tasks[2]!);
  harness.sim.injectFault({
    api: 'DescribeExportImageTasks',
    region: EAST,
    effect: 'repeat-token',
    page: 2,
    times: 1,
  });

  // Act
  const repeated = await harness.cycle();
  const duringFault = await received(harness);
  const next = await harness.cycle();
  const afterFault = await received(harness);
  const figures = countDelivery([hiddenChange], [...duringFault, ...afterFault]);
  recordFigures({
    case: 'EC2 repeats a NextToken',
    injected: 'page 2 of DescribeExportImageTasks in us-east-1 answers the token it was sent, once',
    ...figures,
  });

  // Assess
  expect(repeated.failures).toEqual([
    expect.stringMatching(/^export-image in us-east-1: RepeatedNextTokenError: /),
  ]);
  expect(duringFault).toEqual([]);
  expect(next.failures).toEqual([]);
  expect(deliveredByTask(afterFault)).toEqual(expectedByTask([hiddenChange]));
  expect(figures).toMatchObject({ transitions: 1, delivered: 1, lost: 0, duplicatesOutsideWindow: 0 });
});
