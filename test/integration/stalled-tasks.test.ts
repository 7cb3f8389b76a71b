// Stalled tasks and estimated completion through the real poll against the local engines: the
// poll cycle with its settings from the synthesized stack's poller environment (STALL_AFTER
// included), a warm container cache, the real snapshot store on DynamoDB Local behind a proxy that
// counts every request at the wire, the EC2 simulator holding a task's progress, and the real
// publisher delivering from the table's stream to the topic. The poll's clock is injected (the
// poll cycle takes `now`), so an hour of stillness is simulated without waiting for it.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type InboxMessage, onlyTaskChanges } from '../../devkit/engines/inbox';
import type { TaskChangeEvent } from '#events';
import { LOCAL_ACCOUNT } from '../../devkit/local-deployment';
import { LOCAL_CREDENTIALS } from '../../devkit/engines/engines';
import { ec2ClientProvider } from '../../lambdas/adapters/ec2-clients';
import { SnapshotStore } from '../../lambdas/adapters/snapshot-store';
import { newPollCache, type PollCache, type PollReport, runPollCycle } from '../../lambdas/poller/poll-cycle';
import { readPollerConfig } from '../../lambdas/shared/config';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { createHarness, type Harness } from './support/harness';
import { expectConsistent } from './support/events';
import { ENGINE_ENV } from './support/global-setup';

const REGION = 'us-east-1';
const AMI = 'ami-0f1e2d3c4b5a69788';
const STARTED = '2026-12-02T09:58:00.000Z';
const T0 = Date.parse('2026-12-02T10:00:00.000Z');
const MINUTE = 60_000;

let harness: Harness;
let proxy: FaultProxy;
let client: DynamoDBClient;
let cache: PollCache;

beforeAll(async () => {
  // store-image only: its default stallAfter is 60 minutes.
  harness = await createHarness({ context: { regions: REGION, taskTypes: 'store-image' } });
  proxy = await startFaultProxy({ target: process.env[ENGINE_ENV.dynamodb] as string });
  client = new DynamoDBClient({ endpoint: proxy.url, region: REGION, credentials: LOCAL_CREDENTIALS });
  cache = newPollCache();
});

afterAll(async () => {
  client?.destroy();
  await proxy?.close();
  await harness?.close();
});

/** The store-image task at a progress, as the simulator lists it. */
function storeImageAt(progress: number): void {
  harness.sim.putTask(REGION, 'store-image', {
    AmiId: AMI,
    TaskStartTime: STARTED,
    Bucket: 'amzn-s3-demo-ami-archive',
    S3objectKey: `${AMI}.bin`,
    ProgressPercentage: progress,
    StoreTaskState: 'InProgress',
  });
}

/** One poll of the deployed settings at T0 + minutes, in the warm container (or a cold one). */
async function pollAt(minutes: number, options: { cold?: boolean } = {}): Promise<PollReport> {
  const config = readPollerConfig(harness.deployment.pollerEnv);
  const report = await runPollCycle(config, {
    ec2For: ec2ClientProvider(),
    store: new SnapshotStore(client, harness.deployment.tableName, LOCAL_ACCOUNT),
    cache: options.cold ? undefined : cache,
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'Test' }),
    now: () => new Date(T0 + minutes * MINUTE),
    remainingMs: () => 60_000,
    unknownStatesLogged: new Set(),
  });
  expect(report.failures).toBe(0);
  return report;
}

/** The DynamoDB operations made at the wire since the last call. */
function dynamodbCalls(): string[] {
  const operations = proxy.requests.map((request) => request.operation);
  proxy.clearRequests();
  return operations;
}

/** Publishes what the polls recorded (the table's stream, the real publisher) and reads the topic. */
async function published(): Promise<InboxMessage<TaskChangeEvent>[]> {
  const delivery = await harness.delivery.deliver(harness.handlers.publish);
  expect(delivery.failure).toBeUndefined();
  const messages = onlyTaskChanges(await harness.inbox.drain());
  messages.forEach(expectConsistent);
  return messages;
}

it('estimates completion, tells a stall once with nothing read or written at rest, and tells the move that ends it', async () => {
  // Prepare: the settings the stack gives the poller.
  expect(harness.deployment.pollerEnv.STALL_AFTER).toContain('store-image=60');
  storeImageAt(40);
  await pollAt(0);

  // Act and assess: 40 % -> 60 % in 10 minutes crosses a step; 2 %/min leaves 20 minutes.
  storeImageAt(60);
  await pollAt(10);
  const [discovered, progressed] = await published();
  expect(discovered?.event.changeType).toBe('TaskDiscovered');
  expect(progressed?.event).toMatchObject({
    changeType: 'TaskProgressed',
    current: { progress: 60, estimatedCompletion: new Date(T0 + 30 * MINUTE).toISOString() },
  });
  expect(progressed?.emailText).toContain('about 20 min left (around 10:30 UTC)');
  dynamodbCalls();

  // Still at 60 % for 59 minutes: nothing read, nothing written.
  await pollAt(30);
  await pollAt(69);
  expect(dynamodbCalls()).toEqual([]);

  // Still for more than an hour: one conditional write with its event, and the listing's state.
  await pollAt(71);
  expect(dynamodbCalls().sort()).toEqual(['TransactWriteItems', 'UpdateItem']);
  const [stalled, ...others] = await published();
  expect(others).toEqual([]);
  expect(stalled?.event).toMatchObject({
    changeType: 'TaskStalled',
    current: { progress: 60 },
    stall: { stillSince: new Date(T0 + 10 * MINUTE).toISOString(), stillForSeconds: 61 * 60 },
  });
  expect(stalled?.subject).toBe(`[EC2 tasks] store-image ${AMI}@${STARTED} stalled at 60% (${REGION})`);
  expect(stalled?.emailText).toContain('still for 1 h 1 min (since 10:10 UTC)');

  // Stalled: told once. A warm container reads and writes nothing; a cold one reads the unit state.
  await pollAt(100);
  await pollAt(130);
  expect(dynamodbCalls()).toEqual([]);
  await pollAt(131, { cold: true });
  expect(dynamodbCalls()).toEqual(['GetItem']);
  expect(await published()).toEqual([]);

  // Moving again within the step is told, with how long the task was still.
  storeImageAt(61);
  await pollAt(140);
  const [moved, ...more] = await published();
  expect(more).toEqual([]);
  expect(moved?.event).toMatchObject({
    changeType: 'TaskProgressed',
    previous: { progress: 60 },
    current: { progress: 61 },
    stall: { stillForSeconds: 130 * 60, stalledAt: new Date(T0 + 71 * MINUTE).toISOString() },
  });
  expect(moved?.emailText).toContain('moved again after 2 h 10 min still');
});
