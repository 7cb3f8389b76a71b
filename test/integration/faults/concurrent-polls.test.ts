// Why: reserved concurrency keeps scheduled polls apart, but two polls can still overlap (a
// manual invocation, a retried one). Both read the same snapshots and detect the same
// transitions; the conditional transaction must let exactly one of them record each, so the
// stream, read by its one consumer as in the deployed stack, carries one change per transition.
import { countDelivery, recordFigures } from '../support/fault-figures';
import {
  type FaultProxies,
  type ProxiedRunner,
  proxiedRunner,
  received,
  spawnPollOnce,
  startFaultProxies,
} from '../support/fault-harness';
import { deliveredByTask, expectedByTask, TaskModel, type Transition } from '../support/fault-tasks';
import { createHarness, type Harness } from '../support/harness';

const REGION = 'us-east-1';
let harness: Harness;
let proxies: FaultProxies;
let first: ProxiedRunner;
let second: ProxiedRunner;
let model: TaskModel;

// Child processes and SDK retry back-offs take seconds, not the default 5.

beforeAll(async () => {
  harness = await createHarness({ context: { regions: REGION, taskTypes: 'import-image,export-image' } });
  proxies = await startFaultProxies();
  // Two poller containers, each with its own clients; the first one's delivery is the stream's consumer.
  first = proxiedRunner(harness, proxies);
  second = proxiedRunner(harness, proxies);
  model = new TaskModel(harness.sim);
});
afterAll(async () => {
  await proxies?.close();
  await harness?.close();
});

it('two polls overlap on the same state (every TransactWriteItems held 300 ms, so both read before either writes): each of the 6 transitions is recorded once and published once', async () => {
  // Prepare
  const existing = ['import-ami-0a00000000000a501', 'import-ami-0a00000000000a502'];
  for (const id of existing) model.start(REGION, 'import-image', id, 10);
  model.start(REGION, 'export-image', 'export-ami-0b00000000000b501', 10);
  expect((await first.cycle()).failures).toEqual([]);
  expect(await received(harness)).toHaveLength(3);
  const transitions: Transition[] = [
    model.complete(REGION, 'import-image', 'import-ami-0a00000000000a501'),
    model.progress(REGION, 'import-image', 'import-ami-0a00000000000a502', 75),
    model.complete(REGION, 'export-image', 'export-ami-0b00000000000b501'),
    model.start(REGION, 'import-image', 'import-ami-0a00000000000a503', 10),
    model.start(REGION, 'export-image', 'export-ami-0b00000000000b502', 10),
    model.start(REGION, 'export-image', 'export-ami-0b00000000000b503', 10),
  ];
  proxies.dynamodb.addRule({ operation: 'TransactWriteItems', action: { kind: 'delay', ms: 300 } });

  // Act
  const reports = await Promise.all([first.handlers.poll(), second.handlers.poll()]);
  proxies.dynamodb.clearRules();
  const delivery = await first.delivery.deliver(first.handlers.publish);
  const next = await first.cycle();
  const delivered = await received(harness);
  const figures = countDelivery(transitions, delivered);
  recordFigures({
    case: 'two polls overlapping',
    injected: 'two poller invocations at once on the same state, writes held 300 ms',
    ...figures,
  });

  // Assess
  const sum = (field: 'changes' | 'conflicts') =>
    reports.flatMap((report) => report.listings).reduce((total, listing) => total + listing[field], 0);
  expect(reports.map((report) => report.failures)).toEqual([0, 0]);
  expect(sum('changes')).toBe(6);
  // Proof that they really overlapped: the loser of every transition saw its write refused.
  expect(sum('conflicts')).toBe(6);
  expect(delivery.failure).toBeUndefined();
  expect(next.report.changes).toBe(0);
  expect(deliveredByTask(delivered)).toEqual(expectedByTask(transitions));
  expect(figures).toEqual({
    transitions: 6,
    delivered: 6,
    lost: 0,
    duplicatesInWindow: 0,
    duplicatesOutsideWindow: 0,
  });
});

it('two `poll --once` processes run at once, each a consumer of the stream (publishes held 300 ms, so both read the same records): each of the 4 transitions is published once', async () => {
  // Prepare
  const transitions: Transition[] = [
    model.complete(REGION, 'import-image', 'import-ami-0a00000000000a503'),
    model.complete(REGION, 'export-image', 'export-ami-0b00000000000b502'),
    model.start(REGION, 'import-image', 'import-ami-0a00000000000a504', 10),
    model.start(REGION, 'export-image', 'export-ami-0b00000000000b504', 10),
  ];
  proxies.sns.addRule({ operation: 'PublishBatch', action: { kind: 'delay', ms: 300 } });

  // Act
  const runs = await Promise.all([
    spawnPollOnce(harness, proxies).exited,
    spawnPollOnce(harness, proxies).exited,
  ]);
  proxies.sns.clearRules();
  // A process that met the other's claims reports it and leaves those changes to it; a later
  // cycle finds them published.
  const settle = await first.cycle();
  const delivered = await received(harness);
  const figures = countDelivery(transitions, delivered);
  recordFigures({
    case: 'two poll --once processes consuming the stream at once',
    injected: 'two CLI processes at once on the same state, PublishBatch held 300 ms',
    ...figures,
  });

  // Assess
  expect(runs.map((run) => run.signal)).toEqual([null, null]);
  expect(settle.failures).toEqual([]);
  expect(deliveredByTask(delivered)).toEqual(expectedByTask(transitions));
  expect(figures).toEqual({
    transitions: 4,
    delivered: 4,
    lost: 0,
    duplicatesInWindow: 0,
    duplicatesOutsideWindow: 0,
  });
});
