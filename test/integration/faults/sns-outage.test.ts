// Why: an SNS outage must delay notifications, never drop them. While every publish fails, the
// delivery keeps the failed stream records and retries them at the next cycle (as Lambda retries
// a batch); once SNS answers again, each transition of the outage arrives once, in order per task.
import { countDelivery, recordFigures } from '../support/fault-figures';
import {
  type FaultProxies,
  type ProxiedRunner,
  proxiedRunner,
  received,
  startFaultProxies,
} from '../support/fault-harness';
import { deliveredByTask, expectedByTask, TaskModel, type Transition } from '../support/fault-tasks';
import { createHarness, type Harness } from '../support/harness';

const REGION = 'us-east-1';
let harness: Harness;
let proxies: FaultProxies;
let runner: ProxiedRunner;
let model: TaskModel;

// Child processes and SDK retry back-offs take seconds, not the default 5.

beforeAll(async () => {
  harness = await createHarness({ context: { regions: REGION, taskTypes: 'import-image,export-image' } });
  proxies = await startFaultProxies();
  runner = proxiedRunner(harness, proxies);
  model = new TaskModel(harness.sim);
});
afterAll(async () => {
  await proxies?.close();
  await harness?.close();
});

it('SNS answers InternalError to every PublishBatch for two cycles: after recovery each of the 5 transitions of the outage arrives exactly once, in order per task', async () => {
  // Prepare: three running tasks, discovered and delivered before the outage.
  model.start(REGION, 'import-image', 'import-ami-0a00000000000a001', 10);
  model.start(REGION, 'export-image', 'export-ami-0b00000000000b001', 10);
  model.start(REGION, 'import-image', 'import-ami-0a00000000000a002', 10);
  const before = await runner.cycle();
  expect(before.failures).toEqual([]);
  expect(await received(harness)).toHaveLength(3);
  const outage = proxies.sns.addRule({
    operation: 'PublishBatch',
    action: { kind: 'error', code: 'InternalError', message: 'SNS is having a bad day' },
  });
  const transitions: Transition[] = [];

  // Act: two cycles of outage with tasks changing in both, then one cycle after recovery.
  transitions.push(
    model.progress(REGION, 'import-image', 'import-ami-0a00000000000a001', 60),
    model.complete(REGION, 'export-image', 'export-ami-0b00000000000b001'),
  );
  const firstOutageCycle = await runner.cycle();
  const duringFirst = await received(harness);
  transitions.push(
    model.complete(REGION, 'import-image', 'import-ami-0a00000000000a001'),
    model.progress(REGION, 'import-image', 'import-ami-0a00000000000a002', 55),
    model.start(REGION, 'export-image', 'export-ami-0b00000000000b002', 5),
  );
  const secondOutageCycle = await runner.cycle();
  const duringSecond = await received(harness);
  outage.remove();
  const recovery = await runner.cycle();
  const afterRecovery = await received(harness);
  const delivered = [...duringFirst, ...duringSecond, ...afterRecovery];
  const figures = countDelivery(transitions, delivered);
  recordFigures({
    case: 'SNS outage for two cycles, then recovery',
    injected: 'InternalError (HTTP 500) on every PublishBatch, SDK retries included, for 2 cycles',
    ...figures,
  });

  // Assess
  expect(firstOutageCycle.report.changes).toBe(2);
  expect(secondOutageCycle.report.changes).toBe(3);
  for (const cycle of [firstOutageCycle, secondOutageCycle]) {
    expect(cycle.failures).toEqual([
      expect.stringMatching(/^delivery: the publisher could not deliver record /),
    ]);
  }
  expect(duringFirst).toEqual([]);
  expect(duringSecond).toEqual([]);
  expect(recovery.failures).toEqual([]);
  expect(recovery.report.changes).toBe(0);
  expect(deliveredByTask(afterRecovery)).toEqual(expectedByTask(transitions));
  expect(figures).toEqual({
    transitions: 5,
    delivered: 5,
    lost: 0,
    duplicatesInWindow: 0,
    duplicatesOutsideWindow: 0,
  });
  // The handlers' DynamoDB and stream calls went through the proxy too.
  expect(proxies.dynamodb.requests.map((request) => request.operation)).toEqual(
    expect.arrayContaining(['TransactWriteItems', 'GetRecords', 'UpdateItem']),
  );
  const rejected = proxies.sns.requests.filter((request) => request.injected === 'error');
  expect(rejected.length).toBeGreaterThanOrEqual(2);
  expect(rejected.every((request) => request.operation === 'PublishBatch' && request.status === 500)).toBe(
    true,
  );
});
