// Odd API responses through the real engines: DynamoDB Local enforces the 400 KB item limit and
// the SNS emulator the 256 KB message limit, so "never an item or a message too large" is
// checked by the engines themselves, not by our own arithmetic.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_ACCOUNT } from '../../devkit/local-deployment';
import { SnapshotStore } from '../../lambdas/adapters/snapshot-store';
import { createHarness, type Harness } from './support/harness';

let harness: Harness;

beforeAll(async () => {
  harness = await createHarness({
    context: { regions: 'us-east-1', taskTypes: 'import-image,replace-root-volume,bundle' },
  });
  // Baseline on an empty account, so that every task below is a change to publish.
  await harness.cycleAndReceive();
});
afterAll(() => harness.close());

const MEGABYTE = 1024 * 1024;

it('normalises odd progress strings, empty and undocumented states without crashing the poll', async () => {
  // Prepare
  harness.sim.putTask('us-east-1', 'import-image', {
    ImportTaskId: 'import-ami-empty0000000000',
    Status: '',
    Progress: '',
  });
  harness.sim.putTask('us-east-1', 'import-image', {
    ImportTaskId: 'import-ami-paused000000000',
    Status: 'paused',
    Progress: 'abc',
  });
  harness.sim.putTask('us-east-1', 'import-image', {
    ImportTaskId: 'import-ami-over00000000000',
    Status: 'active',
    Progress: '120%',
  });

  // Act
  const { outcome, messages } = await harness.cycleAndReceive();

  // Assess
  expect(outcome.failures).toEqual([]);
  const byId = new Map(messages.map((m) => [m.event.taskId, m.event]));
  expect(byId.get('import-ami-empty0000000000')?.current).toEqual({
    state: '',
    phase: 'unknown',
    progress: null,
    statusMessage: null,
    since: byId.get('import-ami-empty0000000000')?.detectedAt,
  });
  expect(byId.get('import-ami-paused000000000')?.current).toMatchObject({
    state: 'paused',
    phase: 'unknown',
    progress: null,
  });
  expect(byId.get('import-ami-over00000000000')?.current).toMatchObject({ phase: 'running', progress: 100 });
  expect(
    messages.find((m) => m.event.taskId === 'import-ami-empty0000000000')?.attributes,
  ).not.toHaveProperty('state');
});

it('reads replace-root-volume times written as "2020-11-06 13:09:54.0"', async () => {
  harness.sim.putTask('us-east-1', 'replace-root-volume', {
    ReplaceRootVolumeTaskId: 'replacevol-0123456789abcdef0',
    InstanceId: 'i-0123456789abcdef0',
    TaskState: 'succeeded',
    StartTime: '2020-11-06 13:09:54.0',
    CompleteTime: '2020-11-06 13:14:02.0',
  });

  const { messages } = await harness.cycleAndReceive();

  expect(messages).toHaveLength(1);
  expect(messages[0]?.event.task).toMatchObject({
    startTime: '2020-11-06T13:09:54.000Z',
    updateTime: '2020-11-06T13:14:02.000Z',
  });
});

// XML 1.0 cannot carry most C0 control characters, so EC2 cannot send them; what it can send
// (DEL, C1 controls such as CSI U+009B, carriage returns) is what the product must clean.
it('keeps a 1 MB status message and control characters within DynamoDB and SNS limits', async () => {
  const hostile = `ClientError: ${'x'.repeat(MEGABYTE)}`;
  harness.sim.putTask('us-east-1', 'import-image', {
    ImportTaskId: 'import-ami-huge0000000000',
    Status: 'deleted',
    StatusMessage: hostile,
    Description: `web\u007f server\u009b31m image ${'d'.repeat(MEGABYTE)}`,
  });
  harness.sim.putTask('us-east-1', 'bundle', {
    BundleId: 'bun-0123abcd',
    InstanceId: 'i-0123456789abcdef0',
    State: 'failed',
    BundleTaskError: {
      Code: 'Client.Error',
      Message: `bad\u007f bucket\u0085 policy ${'m'.repeat(MEGABYTE)}`,
    },
  });

  const { outcome, messages } = await harness.cycleAndReceive();

  expect(outcome.failures).toEqual([]);
  const events = new Map(messages.map((m) => [m.event.taskId, m.event]));
  const huge = events.get('import-ami-huge0000000000');
  expect(huge?.current.phase).toBe('failed');
  expect(huge?.current.statusMessage?.length).toBe(2000);
  expect(JSON.stringify(huge).length).toBeLessThan(64 * 1024);
  const bundle = events.get('bun-0123abcd');
  expect(bundle?.current.statusMessage?.startsWith('Client.Error: bad bucket policy mmm')).toBe(true);
  expect(bundle?.current.statusMessage).not.toMatch(/[\u007f-\u009f]/);
  // The change is recorded too: its history item fitted DynamoDB's item limit.
  const store = new SnapshotStore(new DynamoDBClient({}), harness.deployment.tableName, LOCAL_ACCOUNT);
  const history = await store.history('us-east-1', 'import-image', 'import-ami-huge0000000000');
  expect(
    history.map((entry) => [entry.version, entry.event.current.phase, entry.publishedAt !== null]),
  ).toEqual([[1, 'failed', true]]);
});
