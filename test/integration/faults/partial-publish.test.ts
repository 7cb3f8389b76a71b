// Why: SNS can accept some entries of a PublishBatch and fail others. The failed changes must
// be published at the next attempt, in order with what their task did since, and the entries
// that went out must not go out again: the publication marks are what makes the retry skip them.
import { countDelivery, recordFigures } from '../support/fault-figures';
import {
  eventOfEntry,
  type FaultProxies,
  type ProxiedRunner,
  proxiedRunner,
  publishedBatches,
  received,
  startFaultProxies,
} from '../support/fault-harness';
import { deliveredByTask, expectedByTask, TaskModel, type Transition } from '../support/fault-tasks';
import { createHarness, type Harness } from '../support/harness';

const REGION = 'us-east-1';
const A = 'import-ami-0a00000000000a101';
const B = 'import-ami-0a00000000000a102';
const C = 'export-ami-0b00000000000b101';
const D = 'export-ami-0b00000000000b102';
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

it('PublishBatch fails the entries of 2 of 4 tasks once: the next cycle publishes exactly those 2 (then what their tasks did since), and the 2 that went out are not published again', async () => {
  // Prepare: four running tasks, delivered; then each of them changes.
  for (const [taskType, taskId] of [
    ['import-image', A],
    ['import-image', B],
    ['export-image', C],
    ['export-image', D],
  ] as const)
    model.start(REGION, taskType, taskId, 10);
  expect((await runner.cycle()).failures).toEqual([]);
  expect(await received(harness)).toHaveLength(4);
  proxies.sns.clearRequests();
  const failing = new Set([A, D]);
  proxies.sns.addRule({
    operation: 'PublishBatch',
    times: 1,
    action: { kind: 'failEntries', failEntries: (entry) => failing.has(eventOfEntry(entry).taskId) },
  });
  const transitions: Transition[] = [
    model.progress(REGION, 'import-image', A, 60),
    model.complete(REGION, 'import-image', B),
    model.progress(REGION, 'export-image', C, 30),
    model.complete(REGION, 'export-image', D),
  ];

  // Act: the cycle whose batch partly fails; A completes meanwhile; the next cycle.
  const partial = await runner.cycle();
  const first = await received(harness);
  transitions.push(model.complete(REGION, 'import-image', A));
  const retry = await runner.cycle();
  const second = await received(harness);
  const figures = countDelivery(transitions, [...first, ...second]);
  recordFigures({
    case: 'PublishBatch partial failure',
    injected: 'the entries of 2 of 4 tasks reported Failed (InternalError) in one PublishBatch',
    ...figures,
  });

  // Assess
  const [v2A, v2B, v2C, v2D, v3A] = transitions as [
    Transition,
    Transition,
    Transition,
    Transition,
    Transition,
  ];
  expect(partial.failures).toEqual([expect.stringMatching(/^delivery: /)]);
  expect(deliveredByTask(first)).toEqual(expectedByTask([v2B, v2C]));
  expect(retry.failures).toEqual([]);
  expect(deliveredByTask(second)).toEqual(expectedByTask([v2A, v3A, v2D]));
  // What SNS was asked to publish: the 4 changes, then only the 2 that failed, then A's next change.
  const batches = publishedBatches(proxies).map((batch) => batch.map((event) => event.eventId).sort());
  expect(batches).toEqual([
    [v2A, v2B, v2C, v2D].map((t) => t.eventId).sort(),
    [v2A, v2D].map((t) => t.eventId).sort(),
    [v3A.eventId],
  ]);
  expect(proxies.sns.requests[0]?.failedEntryIds).toHaveLength(2);
  expect(figures).toEqual({
    transitions: 5,
    delivered: 5,
    lost: 0,
    duplicatesInWindow: 0,
    duplicatesOutsideWindow: 0,
  });
});
