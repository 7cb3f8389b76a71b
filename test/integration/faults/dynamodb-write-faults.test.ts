// Why: when DynamoDB refuses the transaction that records a change, nothing may be published for
// that change (there is no snapshot to back it) and nothing may be lost: the listing is reported
// failed, the stored snapshot keeps its old version, and the next poll detects the same change
// again, records it and publishes it exactly once.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SnapshotStore } from '../../../lambdas/adapters/snapshot-store';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../../devkit/local-deployment';
import { LOCAL_CREDENTIALS } from '../../../devkit/engines/engines';
import { countDelivery, recordFigures } from '../support/fault-figures';
import {
  type FaultProxies,
  type ProxiedRunner,
  proxiedRunner,
  received,
  startFaultProxies,
} from '../support/fault-harness';
import { deliveredByTask, expectedByTask, TaskModel } from '../support/fault-tasks';
import { ENGINE_ENV } from '../support/global-setup';
import { createHarness, type Harness } from '../support/harness';

const REGION = 'us-east-1';
let harness: Harness;
let proxies: FaultProxies;
let runner: ProxiedRunner;
let model: TaskModel;
let direct: DynamoDBClient;
let store: SnapshotStore;

// Child processes and SDK retry back-offs take seconds, not the default 5.
jest.setTimeout(30_000);

beforeAll(async () => {
  harness = await createHarness({ context: { regions: REGION, taskTypes: 'import-image,export-image' } });
  proxies = await startFaultProxies();
  runner = proxiedRunner(harness, proxies);
  model = new TaskModel(harness.sim);
  direct = new DynamoDBClient({
    endpoint: process.env[ENGINE_ENV.dynamodb],
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  store = new SnapshotStore(direct, harness.deployment.tableName, LOCAL_ACCOUNT);
});
afterEach(() => {
  proxies.dynamodb.clearRules();
  proxies.dynamodb.clearRequests();
});
afterAll(async () => {
  direct?.destroy();
  await proxies?.close();
  await harness?.close();
});

/** Versions of a task's recorded changes, and which are marked published. */
async function historyOf(taskType: 'import-image' | 'export-image', taskId: string) {
  return (await store.history(REGION, taskType, taskId)).map((entry) => [
    entry.version,
    entry.publishedAt !== null,
  ]);
}

it.each([
  {
    fault: 'ProvisionedThroughputExceededException on every attempt (beyond the SDK retries)',
    code: 'ProvisionedThroughputExceededException',
    times: undefined,
    ids: ['import-ami-0a00000000000a601', 'export-ami-0b00000000000b601'],
  },
  {
    fault: 'ValidationException (not retried)',
    code: 'ValidationException',
    times: 1,
    ids: ['import-ami-0a00000000000a701', 'export-ami-0b00000000000b701'],
  },
])(
  "DynamoDB answers $fault to one change's TransactWriteItems: that listing fails, nothing is published for the change, and the next cycle records and publishes it exactly once",
  async ({ fault, code, times, ids: [refused = '', other = ''] }) => {
    // Prepare: two running tasks of two types, delivered; then both change.
    model.start(REGION, 'import-image', refused, 10);
    model.start(REGION, 'export-image', other, 10);
    expect((await runner.cycle()).failures).toEqual([]);
    expect(await received(harness)).toHaveLength(2);
    const refusedChange = model.complete(REGION, 'import-image', refused);
    const otherChange = model.progress(REGION, 'export-image', other, 50);
    const rule = proxies.dynamodb.addRule({
      operation: 'TransactWriteItems',
      match: ({ body }) => body.includes(refused),
      times,
      action: { kind: 'error', code, message: `Injected ${code}` },
    });

    // Act
    const failing = await runner.cycle();
    const duringFault = await received(harness);
    const historyDuringFault = await historyOf('import-image', refused);
    const attempts = rule.applied;
    rule.remove();
    const next = await runner.cycle();
    const afterFault = await received(harness);
    const transitions = [refusedChange, otherChange];
    const figures = countDelivery(transitions, [...duringFault, ...afterFault]);
    recordFigures({
      case: `DynamoDB refuses a change's write: ${code}`,
      injected: `${fault} on the TransactWriteItems of one change`,
      ...figures,
    });

    // Assess
    expect(failing.failures).toEqual([`import-image in ${REGION}: ${code}: Injected ${code}`]);
    expect(failing.report.changes).toBe(1);
    expect(deliveredByTask(duringFault)).toEqual(expectedByTask([otherChange]));
    // Not recorded, so not published: the change's history item does not exist.
    expect(historyDuringFault).toEqual([[1, true]]);
    // Throttling is retried up to the SDK's default attempts (those of a client built like the poller's).
    expect(attempts).toBe(code === 'ValidationException' ? 1 : await direct.config.maxAttempts());
    expect(next.failures).toEqual([]);
    expect(next.report.changes).toBe(1);
    expect(deliveredByTask(afterFault)).toEqual(expectedByTask([refusedChange]));
    expect(await historyOf('import-image', refused)).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(figures).toEqual({
      transitions: 2,
      delivered: 2,
      lost: 0,
      duplicatesInWindow: 0,
      duplicatesOutsideWindow: 0,
    });
  },
);
