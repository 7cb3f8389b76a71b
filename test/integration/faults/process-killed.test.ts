// Why: a Lambda container can die at any instruction (timeout, out of memory, host failure).
// A real `ec2-task-monitor poll --once` process is killed with SIGKILL at a chosen step of its
// cycle (the proxy holds the call of that step unanswered until the kill), then a fresh cycle
// runs the way a new process would: its stream delivery starts from the oldest record and relies
// on the publication marks. No transition may be lost; the only duplicates allowed are changes
// SNS accepted whose mark was not written yet, and they must carry the same eventId.
import { eventIdFor } from '../../../lambdas/domain/event';
import { LOCAL_ACCOUNT } from '../../../devkit/local-deployment';
import type { FaultRule, ProxiedRequest } from '../../support/fault-proxy';
import type { TaskTypeName } from '../../../lambdas/domain/task';
import { countDelivery, recordFigures } from '../support/fault-figures';
import {
  type FaultProxies,
  proxiedRunner,
  publishedBatches,
  received,
  KILLED_PROCESS_TIMEOUT_MS,
  spawnPollOnce,
  startFaultProxies,
} from '../support/fault-harness';
import {
  deliveredByTask,
  expectedByTask,
  type FaultTaskType,
  TaskModel,
  type Transition,
} from '../support/fault-tasks';
import { createHarness, type Harness } from '../support/harness';

const REGION = 'us-east-1';
let harness: Harness;
let proxies: FaultProxies;
let model: TaskModel;

// Child processes and SDK retry back-offs take seconds, not the default 5.

beforeAll(async () => {
  harness = await createHarness({ context: { regions: REGION, taskTypes: 'import-image,export-image' } });
  proxies = await startFaultProxies();
  model = new TaskModel(harness.sim);
});
afterEach(() => {
  for (const proxy of [proxies.dynamodb, proxies.sns]) {
    proxy.clearRules();
    proxy.clearRequests();
  }
});
afterAll(async () => {
  await proxies?.close();
  await harness?.close();
});

const countOf = (requests: readonly ProxiedRequest[], operation: string, status?: number) =>
  requests.filter(
    (request) => request.operation === operation && (status === undefined || request.status === status),
  ).length;

/**
 * Runs `poll --once` as a child process with `rule` on the DynamoDB proxy, waits until `ready`
 * holds for the proxy's log (the rule hangs a call), then kills the process with SIGKILL.
 */
async function killPollWhen(rule: FaultRule, ready: (requests: readonly ProxiedRequest[]) => boolean) {
  proxies.dynamodb.addRule(rule);
  const poll = spawnPollOnce(harness, proxies);
  const endedEarly = poll.exited.then(({ code, stderr }) => {
    throw new Error(`poll --once ended with code ${code} before the fault point:\n${stderr}`);
  });
  try {
    await Promise.race([proxies.dynamodb.waitFor(ready, 30_000), endedEarly]);
  } finally {
    await poll.kill();
    endedEarly.catch(() => undefined);
  }
  expect((await poll.exited).signal).toBe('SIGKILL');
  proxies.dynamodb.clearRules();
}

/** A normal cycle as a new process runs it: a stream delivery reading from the oldest record. */
/**
 * The next cycle in a new process: a new container (fresh handler modules), which knows nothing of
 * what the killed process wrote, as a Lambda invocation after a crash would not.
 */
const cycleOfNewProcess = () => proxiedRunner(harness, proxies).cycle();

/** Starts running tasks and delivers their discovery before the case begins. */
async function running(tasks: readonly [FaultTaskType, string][]): Promise<void> {
  for (const [taskType, taskId] of tasks) model.start(REGION, taskType, taskId, 10);
  expect((await harness.cycle()).failures).toEqual([]);
  expect(await received(harness)).toHaveLength(tasks.length);
}

it('killed after listing, before any snapshot write (every TransactWriteItems hangs): all 4 transitions are delivered exactly once by the next cycle', async () => {
  // Prepare
  await running([
    ['import-image', 'import-ami-0a00000000000a201'],
    ['export-image', 'export-ami-0b00000000000b201'],
  ]);
  const transitions = [
    model.progress(REGION, 'import-image', 'import-ami-0a00000000000a201', 60),
    model.complete(REGION, 'export-image', 'export-ami-0b00000000000b201'),
    model.start(REGION, 'import-image', 'import-ami-0a00000000000a202', 10),
    model.start(REGION, 'export-image', 'export-ami-0b00000000000b202', 10),
  ];

  // Act
  await killPollWhen({ operation: 'TransactWriteItems', action: { kind: 'hang' } }, (requests) =>
    requests.some((request) => request.hanging),
  );
  const writesBeforeKill = countOf(proxies.dynamodb.requests, 'TransactWriteItems', 200);
  const beforeRecovery = await received(harness);
  const recovery = await cycleOfNewProcess();
  const afterRecovery = await received(harness);
  const figures = countDelivery(transitions, [...beforeRecovery, ...afterRecovery]);
  recordFigures({
    case: 'process killed after listing, before any snapshot write',
    injected: 'SIGKILL while the first TransactWriteItems hangs (all of them held)',
    ...figures,
  });

  // Assess
  expect(writesBeforeKill).toBe(0);
  expect(beforeRecovery).toEqual([]);
  expect(recovery.failures).toEqual([]);
  expect(recovery.report.changes).toBe(4);
  expect(deliveredByTask(afterRecovery)).toEqual(expectedByTask(transitions));
  expect(figures).toEqual({
    transitions: 4,
    delivered: 4,
    lost: 0,
    duplicatesInWindow: 0,
    duplicatesOutsideWindow: 0,
  });
});

it("killed after one listing's changes were written (its transaction landed, the other listing's hangs): those recorded and those not are each delivered exactly once", async () => {
  // Prepare: 3 transitions in the import-image listing and 2 in the export-image one; each
  // listing's changes go in one transaction.
  await running([
    ['import-image', 'import-ami-0a00000000000a301'],
    ['import-image', 'import-ami-0a00000000000a302'],
    ['export-image', 'export-ami-0b00000000000b301'],
  ]);
  const transitions = [
    model.complete(REGION, 'import-image', 'import-ami-0a00000000000a301'),
    model.progress(REGION, 'import-image', 'import-ami-0a00000000000a302', 80),
    model.progress(REGION, 'export-image', 'export-ami-0b00000000000b301', 50),
    model.start(REGION, 'import-image', 'import-ami-0a00000000000a303', 10),
    model.start(REGION, 'export-image', 'export-ami-0b00000000000b302', 10),
  ];

  // Act
  await killPollWhen(
    { operation: 'TransactWriteItems', after: 1, action: { kind: 'hang' } },
    (requests) =>
      countOf(requests, 'TransactWriteItems', 200) === 1 && requests.some((request) => request.hanging),
  );
  const written = proxies.dynamodb.requests.filter(
    (request) => request.operation === 'TransactWriteItems' && request.status === 200,
  );
  // The changes the killed process recorded: the snapshots its one landed transaction wrote.
  const recordedBeforeKill = written
    .flatMap(
      (request) =>
        (JSON.parse(request.body) as { TransactItems: { Put: { Item: { sk: { S: string } } } }[] })
          .TransactItems,
    )
    .filter((item) => item.Put.Item.sk.S.startsWith('TASK#')).length;
  const beforeRecovery = await received(harness);
  const recovery = await cycleOfNewProcess();
  const afterRecovery = await received(harness);
  const figures = countDelivery(transitions, [...beforeRecovery, ...afterRecovery]);
  recordFigures({
    case: 'process killed after some snapshot writes',
    injected: "SIGKILL while the 2nd TransactWriteItems hangs (one listing's 2 or 3 changes written)",
    ...figures,
  });

  // Assess: one listing's changes (3 or 2) were recorded, the other's are recorded by the recovery.
  expect(written).toHaveLength(1);
  expect([2, 3]).toContain(recordedBeforeKill);
  expect(beforeRecovery).toEqual([]);
  expect(recovery.failures).toEqual([]);
  expect(recovery.report.changes).toBe(5 - recordedBeforeKill);
  expect(recovery.report.listings.reduce((sum, listing) => sum + listing.conflicts, 0)).toBe(0);
  expect(deliveredByTask(afterRecovery)).toEqual(expectedByTask(transitions));
  expect(figures).toEqual({
    transitions: 5,
    delivered: 5,
    lost: 0,
    duplicatesInWindow: 0,
    duplicatesOutsideWindow: 0,
  });
});

it('killed between publishing and marking (the first mark hangs after PublishBatch succeeded): nothing of 12 transitions is lost; only the one change published but unmarked is sent again, with the same eventId', async () => {
  // Prepare: 12 transitions of 12 tasks, so the delivery needs two PublishBatch calls (10 + 2),
  // sent side by side (one wave: their tasks differ).
  const ids = (prefix: string, from: number, count: number) =>
    Array.from({ length: count }, (_, index) => `${prefix}${String(from + index).padStart(3, '0')}`);
  const existingImports = ids('import-ami-0a00000000000a', 401, 3);
  const existingExports = ids('export-ami-0b00000000000b', 401, 3);
  await running([
    ...existingImports.map((id) => ['import-image', id] as [FaultTaskType, string]),
    ...existingExports.map((id) => ['export-image', id] as [FaultTaskType, string]),
  ]);
  const transitions: Transition[] = [
    ...existingImports.map((id) => model.complete(REGION, 'import-image', id)),
    ...existingExports.map((id) => model.progress(REGION, 'export-image', id, 40)),
    ...ids('import-ami-0a00000000000a', 411, 3).map((id) => model.start(REGION, 'import-image', id, 10)),
    ...ids('export-ami-0b00000000000b', 411, 3).map((id) => model.start(REGION, 'export-image', id, 10)),
  ];

  // Act: the first publication mark hangs; the kill comes once the 11 other marks of the wave landed.
  const isMark = (request: { operation: string; body: string }) =>
    request.operation.endsWith('UpdateItem') && request.body.includes('SET publishedAt');
  await killPollWhen(
    { operation: 'UpdateItem', match: isMark, times: 1, action: { kind: 'hang' } },
    (requests) =>
      requests.filter((request) => isMark(request) && request.status === 200).length === 11 &&
      requests.some((request) => request.hanging),
  );
  // The dead process's claims hold for its --timeout (see spawnPollOnce); then they are free.
  await new Promise((resolve) => setTimeout(resolve, KILLED_PROCESS_TIMEOUT_MS));
  const hung = proxies.dynamodb.requests.find((request) => request.hanging);
  const key = (JSON.parse(hung?.body ?? '{}') as { Key: { pk: { S: string }; sk: { S: string } } }).Key;
  const [, region = '', taskType = ''] = key.pk.S.split('#');
  const [, taskId = '', version = ''] = key.sk.S.split('#');
  const unmarked = eventIdFor(
    { account: LOCAL_ACCOUNT, region, taskType: taskType as TaskTypeName, taskId },
    Number(version),
  );
  const sentByKilledProcess = publishedBatches(proxies);
  const beforeRecovery = await received(harness);
  const recovery = await cycleOfNewProcess();
  const afterRecovery = await received(harness);
  const figures = countDelivery(transitions, [...beforeRecovery, ...afterRecovery], [unmarked]);
  recordFigures({
    case: 'process killed between publishing and marking',
    injected: 'SIGKILL while the first UpdateItem (publication mark) hangs, after PublishBatch succeeded',
    ...figures,
  });

  // Assess
  const republished = transitions.find((transition) => transition.eventId === unmarked) as Transition;
  expect(republished).toBeDefined();
  expect(sentByKilledProcess.map((batch) => batch.length).sort((a, b) => a - b)).toEqual([2, 10]);
  const sentByKilled = new Set(sentByKilledProcess.flat().map((event) => event.eventId));
  expect(sentByKilled.has(unmarked)).toBe(true);
  expect(deliveredByTask(beforeRecovery)).toEqual(
    expectedByTask(transitions.filter((transition) => sentByKilled.has(transition.eventId))),
  );
  expect(recovery.failures).toEqual([]);
  expect(recovery.report.changes).toBe(0);
  expect(deliveredByTask(afterRecovery)).toEqual(
    expectedByTask([
      republished,
      ...transitions.filter((transition) => !sentByKilled.has(transition.eventId)),
    ]),
  );
  expect(figures).toEqual({
    transitions: 12,
    delivered: 13,
    lost: 0,
    duplicatesInWindow: 1,
    duplicatesOutsideWindow: 0,
  });
});
