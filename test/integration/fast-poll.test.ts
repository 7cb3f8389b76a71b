// Detection within seconds through the real engines: the poller's adaptive invocation (the very
// code the handler runs, with a clock that only its waits move) against the EC2 simulator, the
// table on DynamoDB Local, and the publisher delivering to the topic's inbox. A running task's
// change is recorded by a fast re-poll of the same invocation and published once; at rest the
// invocation ends after its one poll.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { onlyTaskChanges } from '../../devkit/engines/inbox';
import { type AdaptivePollDependencies, runAdaptivePoll } from '../../lambdas/poller/adaptive-poll';
import { pollerContainer } from '../../lambdas/poller/container';
import { type PollerConfig, readPollerConfig } from '../../lambdas/shared/config';
import { sdkClientConfig } from '../../lambdas/shared/sdk-clients';
import { createHarness, type Harness } from './support/harness';

const REGION = 'us-east-1';
const TASK = 'import-ami-0123456789abcdef0';

let harness: Harness;
let config: PollerConfig;

beforeAll(async () => {
  harness = await createHarness({ context: { regions: REGION } });
  config = readPollerConfig(process.env);
});
afterAll(() => harness.close());

/**
 * An invocation of the poller's container at `scheduledAt`: its clock moves only when it waits,
 * and `during(at)` runs as the clock reaches `at` ms after the scheduled time (a task changes).
 */
function invocation(scheduledAt: number, during: (at: number) => void = () => undefined) {
  let clock = scheduledAt + 400;
  /** EC2 requests in flight, counted by a middleware on each client: a wait must find none. */
  let inFlight = 0;
  let overlapping = 0;
  const counted = new Set<EC2Client>();
  const container = pollerContainer(config, {
    dynamodb: new DynamoDBClient(sdkClientConfig()),
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'Test' }),
    now: () => new Date(clock),
    sleep: async (ms) => {
      if (inFlight > 0) overlapping += 1;
      clock += ms;
      during(clock - scheduledAt);
    },
  });
  const deps: AdaptivePollDependencies = {
    ...container,
    remainingMs: () => scheduledAt + 60_000 - clock,
    ec2For: (region) => {
      const client = container.ec2For(region);
      if (!counted.has(client)) {
        counted.add(client);
        client.middlewareStack.add(
          (next) => async (args) => {
            inFlight += 1;
            try {
              return await next(args);
            } finally {
              inFlight -= 1;
            }
          },
          { step: 'initialize' },
        );
      }
      return client;
    },
  };
  const event = { 'detail-type': 'Scheduled Event', time: new Date(scheduledAt).toISOString() };
  return {
    run: () => runAdaptivePoll(event, config, deps),
    overlapping: () => overlapping,
  };
}

const importRequests = () =>
  harness.sim.requests.filter((request) => request.api === 'DescribeImportImageTasks').length;

it('records a running task’s change by a fast re-poll of the same invocation, published once', async () => {
  // Prepare: the task runs through the first poll and the re-poll at +15 s, and fails before +30 s.
  harness.sim.putTask(REGION, 'import-image', {
    ImportTaskId: TASK,
    Status: 'active',
    StatusMessage: 'converting',
    Progress: '30',
  });
  harness.sim.clearRequests();
  const run = invocation(Date.now(), (at) => {
    // The failure happens between the re-polls at +15 s and +30 s.
    if (at === 30_000)
      harness.sim.updateTask(REGION, 'import-image', TASK, {
        Status: 'deleted',
        StatusMessage: 'ClientError: Disk validation failed',
        Progress: undefined,
      });
  });

  // Act
  const report = await run.run();
  await harness.delivery.deliver(harness.handlers.publish);
  const messages = onlyTaskChanges(await harness.inbox.drain());

  // Assess
  expect(report.fastPolls.map((poll) => poll.changes)).toEqual([0, 1]);
  expect(messages.map((m) => [m.event.changeType, m.event.current.phase])).toEqual([
    ['TaskDiscovered', 'running'],
    ['TaskStateChanged', 'failed'],
  ]);
  // The first poll listed every type; the re-polls listed import-image alone, one after the other.
  expect(importRequests()).toBe(3);
  expect(harness.sim.requests).toHaveLength(config.taskTypes.length + 2);
  expect(run.overlapping()).toBe(0);
});

it('at rest, ends after its one poll: one call per task type, no re-poll', async () => {
  harness.sim.clearRequests();

  const report = await invocation(Date.now() + 60_000).run();
  await harness.delivery.deliver(harness.handlers.publish);

  expect(report.fastPolls).toEqual([]);
  expect(harness.sim.requests).toHaveLength(config.taskTypes.length);
  expect(await harness.inbox.drain()).toEqual([]);
});
