// The full lifecycle of every one of the nine task types, success and failure or cancellation,
// through the real engines: the simulator plays each task's states one poll at a time, and every
// change must reach the subscriber once, in order, with attributes and subject matching it.
import type { InboxMessage } from '../../devkit/engines/inbox';
import type { QuotaEvent, TaskChangeEvent } from '#events';
import type { TaskTypeName } from '../../lambdas/domain/task';
import type { SdkTask } from '../../devkit/ec2-simulator';
import { createHarness, type Harness } from './support/harness';
import { expectConsistent, TableReader, type Transition, transitionOf } from './support/events';

const REGION = 'us-east-1';

/** One scripted task: its first step is the whole task, each later step a patch applied one poll later. */
interface Script {
  taskType: TaskTypeName;
  /** The id the product gives the task (store-image: `<AMI id>@<start time>`). */
  id: string;
  /** Poll (0-based, after the baseline) at which the task appears. */
  startAt?: number;
  steps: SdkTask[];
  /** What the subscriber must receive for the task, in order. */
  expected: Transition[];
  /** The status message of the last delivered change, when the script checks it. */
  finalMessage?: string | null;
}

const importDisk = (key: string) => ({
  DiskImageSize: 705638400,
  Format: 'VMDK',
  UserBucket: { S3Bucket: 'my-import-bucket', S3Key: key },
});
const snapshotDetail = (key: string) => ({
  Description: 'web server disk',
  DiskImageSize: 705638400,
  Format: 'VMDK',
  UserBucket: { S3Bucket: 'my-import-bucket', S3Key: key },
});
const volume = (bytes: number, status: string) => ({
  AvailabilityZone: 'us-east-1d',
  BytesConverted: bytes,
  Image: { Format: 'VMDK', Size: 1300687360 },
  Status: status,
  Volume: { Id: 'vol-049df61146c4d7901', Size: 16 },
});
const exportToS3 = (key: string) => ({
  ContainerFormat: 'ova',
  DiskImageFormat: 'VMDK',
  S3Bucket: 'my-export-bucket',
  S3Key: key,
});

const SCRIPTS: Script[] = [
  {
    taskType: 'import-image',
    id: 'import-ami-0a1b2c3d4e5f60001',
    steps: [
      {
        ImportTaskId: 'import-ami-0a1b2c3d4e5f60001',
        Status: 'active',
        StatusMessage: 'pending',
        Progress: '2',
        SnapshotDetails: [{ ...importDisk('vms/web-01.ova'), Status: 'active' }],
      },
      { StatusMessage: 'validating', Progress: '10' },
      { StatusMessage: 'converting', Progress: '28' },
      {},
      { StatusMessage: 'updating', Progress: '61' },
      { StatusMessage: 'booting', Progress: '88' },
      { Status: 'completed', StatusMessage: null, Progress: null, ImageId: 'ami-0fedcba9876500001' },
    ],
    expected: [
      ['TaskDiscovered', null, 'pending', 'active'],
      ['TaskStateChanged', 'pending', 'running', 'active'],
      ['TaskProgressed', 'running', 'running', 'active'],
      ['TaskProgressed', 'running', 'running', 'active'],
      ['TaskProgressed', 'running', 'running', 'active'],
      ['TaskStateChanged', 'running', 'succeeded', 'completed'],
    ],
    finalMessage: null,
  },
  {
    taskType: 'import-image',
    id: 'import-ami-0a1b2c3d4e5f60002',
    steps: [
      {
        ImportTaskId: 'import-ami-0a1b2c3d4e5f60002',
        Status: 'active',
        StatusMessage: 'pending',
        Progress: '2',
        SnapshotDetails: [{ ...importDisk('vms/web-02.ova'), Status: 'active' }],
      },
      { StatusMessage: 'converting', Progress: '30' },
      { Status: 'deleting', StatusMessage: 'ClientError: Unknown OS / missing OS files.', Progress: null },
      { Status: 'deleted' },
    ],
    expected: [
      ['TaskDiscovered', null, 'pending', 'active'],
      ['TaskStateChanged', 'pending', 'running', 'active'],
      ['TaskStateChanged', 'running', 'failed', 'deleting'],
      ['TaskProgressed', 'failed', 'failed', 'deleted'],
    ],
    finalMessage: 'ClientError: Unknown OS / missing OS files.',
  },
  {
    taskType: 'import-image',
    id: 'import-ami-0a1b2c3d4e5f60003',
    steps: [
      {
        ImportTaskId: 'import-ami-0a1b2c3d4e5f60003',
        Status: 'active',
        StatusMessage: 'validating',
        Progress: '5',
        SnapshotDetails: [{ ...importDisk('vms/web-03.ova'), Status: 'active' }],
      },
      { Status: 'deleted', StatusMessage: null, Progress: null },
    ],
    expected: [
      ['TaskDiscovered', null, 'running', 'active'],
      ['TaskStateChanged', 'running', 'cancelled', 'deleted'],
    ],
    finalMessage: null,
  },
  {
    taskType: 'import-snapshot',
    id: 'import-snap-0a1b2c3d4e5f60001',
    steps: [
      {
        ImportTaskId: 'import-snap-0a1b2c3d4e5f60001',
        SnapshotTaskDetail: {
          ...snapshotDetail('vms/db-01.vmdk'),
          Status: 'active',
          StatusMessage: 'pending',
          Progress: '3',
        },
      },
      {
        SnapshotTaskDetail: {
          ...snapshotDetail('vms/db-01.vmdk'),
          Status: 'active',
          StatusMessage: 'downloading/converting',
          Progress: '42',
        },
      },
      {
        SnapshotTaskDetail: {
          ...snapshotDetail('vms/db-01.vmdk'),
          Status: 'completed',
          SnapshotId: 'snap-0a1b2c3d4e5f60001',
        },
      },
    ],
    expected: [
      ['TaskDiscovered', null, 'pending', 'active'],
      ['TaskStateChanged', 'pending', 'running', 'active'],
      ['TaskStateChanged', 'running', 'succeeded', 'completed'],
    ],
    finalMessage: null,
  },
  {
    taskType: 'import-snapshot',
    id: 'import-snap-0a1b2c3d4e5f60002',
    steps: [
      {
        ImportTaskId: 'import-snap-0a1b2c3d4e5f60002',
        SnapshotTaskDetail: {
          ...snapshotDetail('vms/db-02.vmdk'),
          Status: 'active',
          StatusMessage: 'downloading/converting',
          Progress: '20',
        },
      },
      {
        SnapshotTaskDetail: {
          ...snapshotDetail('vms/db-02.vmdk'),
          Status: 'deleted',
          StatusMessage: 'ServerError: An internal error occurred while importing the snapshot.',
        },
      },
    ],
    expected: [
      ['TaskDiscovered', null, 'running', 'active'],
      ['TaskStateChanged', 'running', 'failed', 'deleted'],
    ],
    finalMessage: 'ServerError: An internal error occurred while importing the snapshot.',
  },
  {
    taskType: 'export-image',
    id: 'export-ami-0a1b2c3d4e5f60001',
    steps: [
      {
        ExportImageTaskId: 'export-ami-0a1b2c3d4e5f60001',
        ImageId: 'ami-0abcdef1234560001',
        S3ExportLocation: { S3Bucket: 'my-export-bucket', S3Prefix: 'exports/' },
        Status: 'active',
        StatusMessage: 'validating',
        Progress: '0',
      },
      { StatusMessage: 'converting', Progress: '21' },
      { Status: 'completed', StatusMessage: null, Progress: null },
    ],
    expected: [
      ['TaskDiscovered', null, 'running', 'active'],
      ['TaskProgressed', 'running', 'running', 'active'],
      ['TaskStateChanged', 'running', 'succeeded', 'completed'],
    ],
    finalMessage: null,
  },
  {
    taskType: 'export-image',
    id: 'export-ami-0a1b2c3d4e5f60002',
    steps: [
      {
        ExportImageTaskId: 'export-ami-0a1b2c3d4e5f60002',
        ImageId: 'ami-0abcdef1234560002',
        S3ExportLocation: { S3Bucket: 'my-export-bucket', S3Prefix: 'exports/' },
        Status: 'active',
        StatusMessage: 'converting',
        Progress: '40',
      },
      { Status: 'deleted', StatusMessage: null, Progress: null },
    ],
    expected: [
      ['TaskDiscovered', null, 'running', 'active'],
      ['TaskStateChanged', 'running', 'cancelled', 'deleted'],
    ],
    finalMessage: null,
  },
  {
    taskType: 'store-image',
    id: 'ami-0a1b2c3d4e5f60001@2024-03-01T10:00:00.000Z',
    steps: [
      {
        AmiId: 'ami-0a1b2c3d4e5f60001',
        Bucket: 'my-ami-bucket',
        S3objectKey: 'ami-0a1b2c3d4e5f60001.bin',
        StoreTaskState: 'InProgress',
        ProgressPercentage: 0,
        TaskStartTime: '2024-03-01T10:00:00.000Z',
      },
      { ProgressPercentage: 10 },
      { ProgressPercentage: 30 },
      { ProgressPercentage: 60 },
      { ProgressPercentage: 100, StoreTaskState: 'Completed' },
    ],
    expected: [
      ['TaskDiscovered', null, 'running', 'InProgress'],
      ['TaskProgressed', 'running', 'running', 'InProgress'],
      ['TaskProgressed', 'running', 'running', 'InProgress'],
      ['TaskStateChanged', 'running', 'succeeded', 'Completed'],
    ],
    finalMessage: null,
  },
  {
    // The same AMI stored again later: a new task, whatever became of the first.
    taskType: 'store-image',
    id: 'ami-0a1b2c3d4e5f60001@2024-03-02T09:30:00.000Z',
    startAt: 5,
    steps: [
      {
        AmiId: 'ami-0a1b2c3d4e5f60001',
        Bucket: 'my-other-ami-bucket',
        S3objectKey: 'ami-0a1b2c3d4e5f60001.bin',
        StoreTaskState: 'InProgress',
        ProgressPercentage: 5,
        TaskStartTime: '2024-03-02T09:30:00.000Z',
      },
      { ProgressPercentage: 100, StoreTaskState: 'Completed' },
    ],
    expected: [
      ['TaskDiscovered', null, 'running', 'InProgress'],
      ['TaskStateChanged', 'running', 'succeeded', 'Completed'],
    ],
    finalMessage: null,
  },
  {
    taskType: 'store-image',
    id: 'ami-0a1b2c3d4e5f60002@2024-03-01T11:00:00.000Z',
    steps: [
      {
        AmiId: 'ami-0a1b2c3d4e5f60002',
        Bucket: 'my-ami-bucket',
        S3objectKey: 'ami-0a1b2c3d4e5f60002.bin',
        StoreTaskState: 'InProgress',
        ProgressPercentage: 15,
        TaskStartTime: '2024-03-01T11:00:00.000Z',
      },
      {
        StoreTaskState: 'Failed',
        StoreTaskFailureReason: 'Access Denied: the bucket policy does not allow s3:PutObject',
      },
    ],
    expected: [
      ['TaskDiscovered', null, 'running', 'InProgress'],
      ['TaskStateChanged', 'running', 'failed', 'Failed'],
    ],
    finalMessage: 'Access Denied: the bucket policy does not allow s3:PutObject',
  },
  {
    taskType: 'bundle',
    id: 'bun-0a1b0001',
    steps: [
      {
        BundleId: 'bun-0a1b0001',
        InstanceId: 'i-0a1b2c3d4e5f60001',
        State: 'pending',
        StartTime: '2015-09-15T13:24:35.000Z',
        UpdateTime: '2015-09-15T13:24:35.000Z',
        Storage: { S3: { Bucket: 'bundletasks', Prefix: 'winami' } },
      },
      { State: 'waiting-for-shutdown', UpdateTime: '2015-09-15T13:25:00.000Z' },
      { State: 'bundling', Progress: '3%', UpdateTime: '2015-09-15T13:26:54.000Z' },
      { State: 'storing', Progress: '70%', UpdateTime: '2015-09-15T13:40:00.000Z' },
      { State: 'complete', Progress: '100%', UpdateTime: '2015-09-15T13:52:10.000Z' },
    ],
    expected: [
      ['TaskDiscovered', null, 'pending', 'pending'],
      ['TaskStateChanged', 'pending', 'running', 'waiting-for-shutdown'],
      ['TaskProgressed', 'running', 'running', 'bundling'],
      ['TaskProgressed', 'running', 'running', 'storing'],
      ['TaskStateChanged', 'running', 'succeeded', 'complete'],
    ],
    finalMessage: null,
  },
  {
    taskType: 'bundle',
    id: 'bun-0a1b0002',
    steps: [
      {
        BundleId: 'bun-0a1b0002',
        InstanceId: 'i-0a1b2c3d4e5f60002',
        State: 'bundling',
        Progress: '14%',
        StartTime: '2015-09-15T13:24:35.000Z',
        Storage: { S3: { Bucket: 'bundletasks', Prefix: 'winami2' } },
      },
      {
        State: 'failed',
        BundleTaskError: { Code: 'Server.InternalError', Message: 'An internal error has occurred.' },
      },
    ],
    expected: [
      ['TaskDiscovered', null, 'running', 'bundling'],
      ['TaskStateChanged', 'running', 'failed', 'failed'],
    ],
    finalMessage: 'Server.InternalError: An internal error has occurred.',
  },
  {
    taskType: 'conversion',
    id: 'import-i-0a1b0001',
    steps: [
      {
        ConversionTaskId: 'import-i-0a1b0001',
        ExpirationTime: '2014-05-14T22:06:23Z',
        State: 'active',
        ImportInstance: {
          InstanceId: 'i-0a1b2c3d4e5f60003',
          Platform: 'Windows',
          Volumes: [volume(0, 'active')],
        },
      },
      {
        ImportInstance: {
          InstanceId: 'i-0a1b2c3d4e5f60003',
          Platform: 'Windows',
          Volumes: [volume(650343680, 'active')],
        },
      },
      {
        State: 'completed',
        ImportInstance: {
          InstanceId: 'i-0a1b2c3d4e5f60003',
          Platform: 'Windows',
          Volumes: [volume(1300687360, 'completed')],
        },
      },
    ],
    expected: [
      ['TaskDiscovered', null, 'running', 'active'],
      ['TaskProgressed', 'running', 'running', 'active'],
      ['TaskStateChanged', 'running', 'succeeded', 'completed'],
    ],
    finalMessage: null,
  },
  {
    taskType: 'conversion',
    id: 'import-i-0a1b0002',
    steps: [
      {
        ConversionTaskId: 'import-i-0a1b0002',
        ExpirationTime: '2014-05-14T22:06:23Z',
        State: 'active',
        ImportInstance: {
          InstanceId: 'i-0a1b2c3d4e5f60004',
          Platform: 'Linux',
          Volumes: [volume(0, 'active')],
        },
      },
      { State: 'cancelled', StatusMessage: 'Cancelled by the user: superseded by ImportImage' },
    ],
    expected: [
      ['TaskDiscovered', null, 'running', 'active'],
      ['TaskStateChanged', 'running', 'cancelled', 'cancelled'],
    ],
    finalMessage: 'Cancelled by the user: superseded by ImportImage',
  },
  {
    taskType: 'export-instance',
    id: 'export-i-0a1b2c3d4e5f60001',
    steps: [
      {
        ExportTaskId: 'export-i-0a1b2c3d4e5f60001',
        ExportToS3Task: exportToS3('web-01.ova'),
        InstanceExportDetails: { InstanceId: 'i-0a1b2c3d4e5f60005', TargetEnvironment: 'vmware' },
        State: 'active',
      },
      { State: 'completed' },
    ],
    expected: [
      ['TaskDiscovered', null, 'running', 'active'],
      ['TaskStateChanged', 'running', 'succeeded', 'completed'],
    ],
    finalMessage: null,
  },
  {
    taskType: 'export-instance',
    id: 'export-i-0a1b2c3d4e5f60002',
    steps: [
      {
        ExportTaskId: 'export-i-0a1b2c3d4e5f60002',
        ExportToS3Task: exportToS3('web-02.ova'),
        InstanceExportDetails: { InstanceId: 'i-0a1b2c3d4e5f60006', TargetEnvironment: 'vmware' },
        State: 'active',
      },
      { State: 'cancelling' },
      { State: 'cancelled', StatusMessage: 'Canceled by user' },
    ],
    expected: [
      ['TaskDiscovered', null, 'running', 'active'],
      // cancelling may still end failed: the one end alert waits for cancelled.
      ['TaskProgressed', 'running', 'running', 'cancelling'],
      ['TaskStateChanged', 'running', 'cancelled', 'cancelled'],
    ],
    finalMessage: 'Canceled by user',
  },
  {
    taskType: 'replace-root-volume',
    id: 'replacevol-0a1b2c3d4e5f60001',
    steps: [
      {
        ReplaceRootVolumeTaskId: 'replacevol-0a1b2c3d4e5f60001',
        InstanceId: 'i-0a1b2c3d4e5f60007',
        TaskState: 'pending',
        StartTime: '2020-11-06 13:09:54.0',
      },
      { TaskState: 'in-progress' },
      { TaskState: 'succeeded', CompleteTime: '2020-11-06 13:14:02.0' },
    ],
    expected: [
      ['TaskDiscovered', null, 'pending', 'pending'],
      ['TaskStateChanged', 'pending', 'running', 'in-progress'],
      ['TaskStateChanged', 'running', 'succeeded', 'succeeded'],
    ],
    finalMessage: null,
  },
  {
    taskType: 'replace-root-volume',
    id: 'replacevol-0a1b2c3d4e5f60002',
    steps: [
      {
        ReplaceRootVolumeTaskId: 'replacevol-0a1b2c3d4e5f60002',
        InstanceId: 'i-0a1b2c3d4e5f60008',
        SnapshotId: 'snap-0abcdef1234567890',
        TaskState: 'in-progress',
        StartTime: '2023-05-02 08:00:01.0',
      },
      { TaskState: 'failing' },
      { TaskState: 'failed', CompleteTime: '2023-05-02 08:03:17.0' },
    ],
    expected: [
      ['TaskDiscovered', null, 'running', 'in-progress'],
      // failing can only end failed: the one end alert comes at once.
      ['TaskStateChanged', 'running', 'failed', 'failing'],
      ['TaskProgressed', 'failed', 'failed', 'failed'],
    ],
    finalMessage: null,
  },
  {
    taskType: 'mac-modification',
    id: 'macmodification-0a1b2c3d4e5f60001',
    steps: [
      {
        MacModificationTaskId: 'macmodification-0a1b2c3d4e5f60001',
        InstanceId: 'i-0a1b2c3d4e5f60009',
        MacSystemIntegrityProtectionConfig: { Status: 'disabled' },
        StartTime: '2024-11-20T10:15:00.000Z',
        TaskState: 'pending',
        TaskType: 'sip-modification',
      },
      { TaskState: 'in-progress' },
      { TaskState: 'successful' },
    ],
    expected: [
      ['TaskDiscovered', null, 'pending', 'pending'],
      ['TaskStateChanged', 'pending', 'running', 'in-progress'],
      ['TaskStateChanged', 'running', 'succeeded', 'successful'],
    ],
    finalMessage: null,
  },
  {
    taskType: 'mac-modification',
    id: 'macmodification-0a1b2c3d4e5f60002',
    steps: [
      {
        MacModificationTaskId: 'macmodification-0a1b2c3d4e5f60002',
        InstanceId: 'i-0a1b2c3d4e5f6000a',
        StartTime: '2024-11-20T11:00:00.000Z',
        TaskState: 'pending',
        TaskType: 'volume-ownership-delegation',
      },
      { TaskState: 'in-progress' },
      { TaskState: 'failed' },
    ],
    expected: [
      ['TaskDiscovered', null, 'pending', 'pending'],
      ['TaskStateChanged', 'pending', 'running', 'in-progress'],
      ['TaskStateChanged', 'running', 'failed', 'failed'],
    ],
    finalMessage: null,
  },
];

const TASK_TYPES: TaskTypeName[] = [
  'import-image',
  'import-snapshot',
  'export-image',
  'store-image',
  'bundle',
  'conversion',
  'export-instance',
  'replace-root-volume',
  'mac-modification',
];

let harness: Harness;
let reader: TableReader;
/** Every task change the subscriber received after the baseline, in delivery order. */
const received: InboxMessage<TaskChangeEvent>[] = [];
/** Every quota crossing it received, in delivery order. */
const quotaReceived: InboxMessage<QuotaEvent>[] = [];
/** One failure list per poll. */
const failures: string[][] = [];
/** The simulator's id of each scripted task (store-image ids are derived from two members). */
const simulatorIds = new Map<string, string>();
/** What the last, unchanged poll delivered. */
let quietPoll: InboxMessage[];

beforeAll(async () => {
  harness = await createHarness({ context: { regions: REGION } });
  reader = new TableReader(harness);
  // Baseline on an empty account: every task below appears after it.
  await harness.cycleAndReceive();

  // Act: one poll per step, every task advancing together.
  const polls = Math.max(...SCRIPTS.map((script) => (script.startAt ?? 0) + script.steps.length));
  for (let poll = 0; poll < polls; poll++) {
    for (const script of SCRIPTS) {
      const step = poll - (script.startAt ?? 0);
      const patch = script.steps[step];
      if (!patch) continue;
      if (step === 0) simulatorIds.set(script.id, harness.sim.putTask(REGION, script.taskType, patch));
      else harness.sim.updateTask(REGION, script.taskType, simulatorIds.get(script.id) as string, patch);
    }
    const { outcome, messages, quotaMessages } = await harness.cycleAndReceive();
    failures.push(outcome.failures);
    received.push(...messages);
    quotaReceived.push(...quotaMessages);
  }
  const quiet = await harness.cycleAndReceive();
  quietPoll = [...quiet.messages, ...quiet.quotaMessages];
});
afterAll(async () => {
  reader?.close();
  await harness?.close();
});

it('polls every listing without a failure', () => {
  expect(failures.flat()).toEqual([]);
  expect(failures.length).toBeGreaterThanOrEqual(7);
});

it.each(TASK_TYPES)('%s: delivers each scripted task its exact sequence of changes', async (taskType) => {
  const scripts = SCRIPTS.filter((script) => script.taskType === taskType);
  for (const script of scripts) {
    const messages = received.filter(
      (message) => message.event.taskType === taskType && message.event.taskId === script.id,
    );
    expect({ id: script.id, transitions: messages.map(transitionOf) }).toEqual({
      id: script.id,
      transitions: script.expected,
    });
    if (script.finalMessage !== undefined)
      expect(messages.at(-1)?.event.current.statusMessage).toBe(script.finalMessage);
    // The table's history holds exactly these changes, oldest first, each marked published.
    const history = await reader.history(REGION, taskType, script.id);
    expect(history.map((entry) => [entry.version, entry.event.eventId, entry.publishedAt !== null])).toEqual(
      messages.map((message, index) => [index + 1, message.event.eventId, true]),
    );
  }
  // Nothing else of this type was delivered.
  const others = received.filter(
    (message) =>
      message.event.taskType === taskType && !scripts.some((script) => script.id === message.event.taskId),
  );
  expect(others.map((message) => message.event.taskId)).toEqual([]);
});

it('gives the store-image tasks the ids the simulator serves them under', () => {
  const storeIds = SCRIPTS.filter((script) => script.taskType === 'store-image').map((script) => [
    script.id,
    simulatorIds.get(script.id),
  ]);
  expect(storeIds).toEqual(storeIds.map(([id]) => [id, id]));
});

it('reads replace-root-volume times written as "2020-11-06 13:09:54.0"', () => {
  const done = received.find(
    (message) =>
      message.event.taskId === 'replacevol-0a1b2c3d4e5f60001' && message.event.current.phase === 'succeeded',
  );
  expect(done?.event.task).toMatchObject({
    startTime: '2020-11-06T13:09:54.000Z',
    updateTime: '2020-11-06T13:14:02.000Z',
  });
});

it('sends every message with attributes, subject and email text matching its event', () => {
  expect(received.length).toBe(SCRIPTS.reduce((sum, script) => sum + script.expected.length, 0));
  for (const message of received) {
    expect(message.event).toMatchObject({ account: '000000000000', region: REGION });
    expectConsistent(message);
  }
  expect(new Set(received.map((message) => message.event.eventId)).size).toBe(received.length);
});

it('warns once when the scripted conversions hold 4 of the 5 conversion slots, and once when they drop back', () => {
  // The two conversion and two instance-export scripts run side by side at their peak; image tasks (20
  // slots) never come near their warning share.
  expect(
    quotaReceived.map(({ event, attributes }) => [
      event.changeType,
      event.quota.name,
      event.quota.inUse,
      event.quota.limit,
      attributes.quota,
      attributes.changeType,
    ]),
  ).toEqual([
    ['QuotaNearlyExhausted', 'vm-conversion-tasks', 4, 5, 'vm-conversion-tasks', 'QuotaNearlyExhausted'],
    ['QuotaAvailable', 'vm-conversion-tasks', 2, 5, 'vm-conversion-tasks', 'QuotaAvailable'],
  ]);
  for (const { event, subject } of quotaReceived) {
    expect(event).toMatchObject({ account: '000000000000', region: REGION });
    expect(subject).toBe(
      `[EC2 tasks] ${REGION}: ${event.quota.inUse} of 5 concurrent VM import/export conversion tasks in use (${event.quota.usedShare * 100} %)`,
    );
  }
});

it('delivers nothing more once every task has finished', () => {
  expect(quietPoll).toEqual([]);
});
