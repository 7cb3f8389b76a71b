import { DescribeStoreImageTasksCommand, EC2Client, type StoreImageTaskResult } from '@aws-sdk/client-ec2';
import { storeImage } from '../../../lambdas/task-types/store-image';
import { InvalidTaskError } from '../../../lambdas/task-types/task-type';
import * as fixtures from '../../fixtures/ec2/store-image';
import { collectPages, describePaginatedListing, SCOPE, useEc2Mock } from './listing-tests';

const withState = (StoreTaskState: string | undefined): StoreImageTaskResult => ({
  ...fixtures.inProgress,
  StoreTaskState,
});

describe('store-image descriptor', () => {
  it('names DescribeStoreImageTasks and pages with the largest MaxResults, 200', () => {
    expect(storeImage.name).toBe('store-image');
    expect(storeImage.apiName).toBe('DescribeStoreImageTasks');
    expect(storeImage.pageSize).toBe(200);
  });

  describe('normalise', () => {
    it('normalises a task in progress, with AMI id and start time as its task id', () => {
      // Act
      const task = storeImage.normalise(fixtures.inProgress, SCOPE);
      // Assess
      expect(task).toEqual({
        taskType: 'store-image',
        taskId: 'ami-1234567890abcdef0@2022-01-01T01:01:01.001Z',
        region: 'us-east-1',
        account: '111122223333',
        state: 'InProgress',
        phase: 'running',
        progress: 17,
        statusMessage: null,
        resources: {
          imageId: 'ami-1234567890abcdef0',
          bucket: 'my-ami-bucket',
          key: 'ami-1234567890abcdef0.bin',
        },
        startTime: '2022-01-01T01:01:01.001Z',
        updateTime: null,
        raw: {
          AmiId: 'ami-1234567890abcdef0',
          Bucket: 'my-ami-bucket',
          ProgressPercentage: 17,
          S3objectKey: 'ami-1234567890abcdef0.bin',
          StoreTaskState: 'InProgress',
          TaskStartTime: '2022-01-01T01:01:01.001Z',
        },
      });
    });

    it('normalises a completed task under the same task id', () => {
      const task = storeImage.normalise(fixtures.completed, SCOPE);
      expect(task).toMatchObject({
        taskId: 'ami-1234567890abcdef0@2022-01-01T01:01:01.001Z',
        state: 'Completed',
        phase: 'succeeded',
        progress: 100,
        statusMessage: null,
      });
    });

    it('normalises a failed task with its failure reason', () => {
      const task = storeImage.normalise(fixtures.failed, SCOPE);
      expect(task).toMatchObject({
        state: 'Failed',
        phase: 'failed',
        progress: 0,
        statusMessage: 'Access Denied: the bucket policy does not allow s3:PutObject',
      });
    });

    it('gives two stores of the same AMI at different start times different task ids', () => {
      // Prepare
      const retry: StoreImageTaskResult = {
        ...fixtures.inProgress,
        TaskStartTime: new Date('2022-01-02T08:30:00.000Z'),
      };
      // Act
      const first = storeImage.normalise(fixtures.failed, SCOPE);
      const second = storeImage.normalise(retry, SCOPE);
      // Assess
      expect(first.taskId).toBe('ami-1234567890abcdef0@2022-01-01T01:01:01.001Z');
      expect(second.taskId).toBe('ami-1234567890abcdef0@2022-01-02T08:30:00.000Z');
    });

    it.each([
      ['InProgress', 'running'],
      ['Completed', 'succeeded'],
      ['Failed', 'failed'],
    ])('maps the documented state %s to %s', (state, phase) => {
      expect(storeImage.normalise(withState(state), SCOPE).phase).toBe(phase);
    });

    it('documents the three states of the API', () => {
      expect(storeImage.documentedStates).toEqual(['InProgress', 'Completed', 'Failed']);
    });

    it.each(['in-progress', 'completed', 'Cancelled', '', undefined])(
      'maps the undocumented or empty state %p to unknown',
      (state) => {
        expect(storeImage.normalise(withState(state), SCOPE)).toMatchObject({
          state: state ?? '',
          phase: 'unknown',
        });
      },
    );

    it.each([
      ['', null],
      ['abc', null],
      ['120%', 100],
      [120, 100],
      [-3, 0],
      [undefined, null],
    ])('reads the progress %p as %p', (ProgressPercentage, expected) => {
      const raw = { ...fixtures.inProgress, ProgressPercentage: ProgressPercentage as number | undefined };
      expect(storeImage.normalise(raw, SCOPE).progress).toBe(expected);
    });

    it.each([undefined, ''])('rejects a task whose AmiId is %p', (AmiId) => {
      const normalise = () => storeImage.normalise({ ...fixtures.inProgress, AmiId }, SCOPE);
      expect(normalise).toThrow(InvalidTaskError);
      expect(normalise).toThrow('store-image: AmiId is missing');
    });

    it.each([undefined, new Date('not a date')])(
      'rejects a task whose TaskStartTime is %p',
      (TaskStartTime) => {
        const normalise = () => storeImage.normalise({ ...fixtures.inProgress, TaskStartTime }, SCOPE);
        expect(normalise).toThrow(InvalidTaskError);
        expect(normalise).toThrow(
          'store-image: TaskStartTime of ami-1234567890abcdef0 is missing or invalid',
        );
      },
    );
  });

  describePaginatedListing({
    descriptor: storeImage,
    command: DescribeStoreImageTasksCommand,
    listKey: 'StoreImageTaskResults',
    items: [fixtures.inProgress, fixtures.completed, fixtures.failed],
  });

  describe('listPages against the API’s small throttling bucket', () => {
    const ec2 = useEc2Mock();
    const client = new EC2Client({ region: SCOPE.region });

    it('makes exactly one call per page, one pass, without ImageIds', async () => {
      // Prepare
      ec2()
        .on(DescribeStoreImageTasksCommand)
        .resolvesOnce({ StoreImageTaskResults: [fixtures.inProgress], NextToken: 'token-2' })
        .resolvesOnce({ StoreImageTaskResults: [fixtures.completed] })
        .resolves({ StoreImageTaskResults: [fixtures.failed] });
      // Act
      const pages = await collectPages(storeImage, client);
      // Assess
      expect(pages).toEqual([[fixtures.inProgress], [fixtures.completed]]);
      const calls = ec2().commandCalls(DescribeStoreImageTasksCommand);
      expect(calls).toHaveLength(2);
      for (const call of calls) {
        expect(call.args[0].input.ImageIds).toBeUndefined();
        expect(call.args[0].input.MaxResults).toBe(200);
      }
    });
  });
});
