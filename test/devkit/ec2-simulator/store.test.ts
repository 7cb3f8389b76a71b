// Why: putTask/updateTask are how every test sets EC2's state; they must refuse tasks the SDK could
// not read back, key store-image by AMI and start time, and never let callers alias stored data.
import {
  startEc2Simulator,
  TaskNotFoundError,
  TaskShapeError,
  type Ec2Simulator,
} from '../../../devkit/ec2-simulator';
import { bundleTask, numberedTask, storeImageTask } from './fixtures';

describe('EC2 simulator: stored tasks', () => {
  let sim: Ec2Simulator;

  beforeAll(async () => {
    sim = await startEc2Simulator();
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  it('keys a store-image task by AMI id and ISO start time, so one AMI can have several tasks', () => {
    // Act
    const first = sim.putTask('us-east-1', 'store-image', storeImageTask);
    const second = sim.putTask('us-east-1', 'store-image', {
      ...storeImageTask,
      TaskStartTime: '2024-05-15T00:00:00Z',
    });
    // Assess
    expect([first, second]).toEqual([
      'ami-1234567890abcdef0@2024-05-14T09:12:31.123Z',
      'ami-1234567890abcdef0@2024-05-15T00:00:00.000Z',
    ]);
    expect(sim.listTasks('us-east-1', 'store-image')).toHaveLength(2);
  });

  it('putTask replaces a task with the same id', () => {
    // Act
    sim.putTask('us-east-1', 'bundle', numberedTask('bundle', 1));
    sim.putTask('us-east-1', 'bundle', { BundleId: 'bun-00000001', State: 'complete' });
    // Assess
    expect(sim.listTasks()).toEqual([
      {
        region: 'us-east-1',
        taskType: 'bundle',
        id: 'bun-00000001',
        task: { BundleId: 'bun-00000001', State: 'complete' },
      },
    ]);
  });

  it('updateTask merges shallowly, replaces nested objects and removes members set to null', () => {
    // Prepare
    sim.putTask('us-east-1', 'bundle', bundleTask);
    // Act
    const updated = sim.updateTask('us-east-1', 'bundle', 'bun-c9b3a0f5', {
      State: 'complete',
      Storage: { S3: { Bucket: 'amzn-s3-demo-other' } },
      BundleTaskError: null,
    });
    // Assess
    expect(updated.State).toBe('complete');
    expect(updated.Storage).toEqual({ S3: { Bucket: 'amzn-s3-demo-other' } });
    expect('BundleTaskError' in updated).toBe(false);
    expect(updated.StartTime).toEqual(bundleTask.StartTime);
  });

  it('updateTask of an absent task throws TaskNotFoundError; a patch cannot change the id', () => {
    // Prepare
    sim.putTask('us-east-1', 'bundle', numberedTask('bundle', 1));
    // Act
    const absent = () => sim.updateTask('eu-west-1', 'bundle', 'bun-00000001', { State: 'complete' });
    const rename = () => sim.updateTask('us-east-1', 'bundle', 'bun-00000001', { BundleId: 'bun-00000002' });
    // Assess
    expect(absent).toThrow(TaskNotFoundError);
    expect(absent).toThrow("No bundle task 'bun-00000001' in eu-west-1");
    expect(rename).toThrow(TaskShapeError);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a misspelt member',
      { ...storeImageTask, S3ObjectKey: 'x' },
      "task.S3ObjectKey: unknown member 'S3ObjectKey' (did you mean 'S3objectKey'?)",
    ],
    [
      'a wrongly typed integer',
      { ...storeImageTask, ProgressPercentage: '50' },
      'task.ProgressPercentage: expected an integer, got the string "50"',
    ],
    [
      'an unparseable time',
      { ...storeImageTask, TaskStartTime: 'soon' },
      'task.TaskStartTime: expected a Date or an ISO-8601 string, got the string "soon"',
    ],
    [
      'a missing id member',
      { TaskStartTime: storeImageTask.TaskStartTime },
      'task.AmiId/TaskStartTime: a store-image task needs AmiId and TaskStartTime',
    ],
    [
      'a control character',
      { ...storeImageTask, StoreTaskFailureReason: 'bad\u0000' },
      'task.StoreTaskFailureReason: contains a control character that XML 1.0 cannot carry',
    ],
  ])('putTask refuses %s, naming the member', (_case, task, message) => {
    // Act
    const put = () => sim.putTask('us-east-1', 'store-image', task);
    // Assess
    expect(put).toThrow(TaskShapeError);
    expect(put).toThrow(message);
  });

  it('putTask refuses a nested member of the wrong kind with its full path', () => {
    // Act
    const put = () =>
      sim.putTask('us-east-1', 'bundle', { ...bundleTask, Storage: { S3: { Bucket: ['b'] } } });
    // Assess
    expect(put).toThrow('task.Storage.S3.Bucket: expected a string, got an array');
  });

  it('putTask refuses a Region that is not a Region name', () => {
    // Act / Assess
    expect(() => sim.putTask('us-east1', 'bundle', numberedTask('bundle', 1))).toThrow(
      'region: expected a Region name like \'us-east-1\', got "us-east1"',
    );
  });

  it('stored tasks are copies: changing the input or a listed task does not change the store', () => {
    // Prepare
    const task: Record<string, unknown> = {
      ...numberedTask('bundle', 1),
      StartTime: new Date('2024-05-14T09:12:31.000Z'),
    };
    sim.putTask('us-east-1', 'bundle', task);
    // Act
    task.State = 'failed';
    (task.StartTime as Date).setUTCFullYear(2000);
    const listed = sim.listTasks()[0]!.task;
    listed.State = 'storing';
    // Assess
    expect(sim.listTasks()[0]?.task).toEqual({
      BundleId: 'bun-00000001',
      State: 'bundling',
      InstanceId: 'i-0598c7d356eba48d7',
      StartTime: new Date('2024-05-14T09:12:31.000Z'),
    });
  });

  it('removeTask answers whether the task was there', () => {
    // Prepare
    sim.putTask('us-east-1', 'bundle', numberedTask('bundle', 1));
    // Act
    const results = [
      sim.removeTask('us-east-1', 'bundle', 'bun-00000001'),
      sim.removeTask('us-east-1', 'bundle', 'bun-00000001'),
    ];
    // Assess
    expect(results).toEqual([true, false]);
    expect(sim.listTasks()).toEqual([]);
  });
});
