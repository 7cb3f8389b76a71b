import { DescribeReplaceRootVolumeTasksCommand, type ReplaceRootVolumeTask } from '@aws-sdk/client-ec2';
import { replaceRootVolume } from '../../../lambdas/task-types/replace-root-volume';
import { InvalidTaskError } from '../../../lambdas/task-types/task-type';
import * as fixtures from '../../fixtures/ec2/replace-root-volume';
import { describePaginatedListing, SCOPE } from './listing-tests';

const withState = (TaskState: string | undefined): ReplaceRootVolumeTask => ({
  ...fixtures.inProgress,
  TaskState: TaskState as ReplaceRootVolumeTask['TaskState'],
});

describe('replace-root-volume descriptor', () => {
  it('names DescribeReplaceRootVolumeTasks and pages with the largest MaxResults, 50', () => {
    expect(replaceRootVolume.name).toBe('replace-root-volume');
    expect(replaceRootVolume.apiName).toBe('DescribeReplaceRootVolumeTasks');
    expect(replaceRootVolume.pageSize).toBe(50);
  });

  describe('normalise', () => {
    it('normalises a task in progress, reading "2020-11-06 13:09:54.0" as UTC', () => {
      // Act
      const task = replaceRootVolume.normalise(fixtures.inProgress, SCOPE);
      // Assess
      expect(task).toEqual({
        taskType: 'replace-root-volume',
        taskId: 'replacevol-1234567890abcdef0',
        region: 'us-east-1',
        account: '111122223333',
        state: 'in-progress',
        phase: 'running',
        progress: null,
        statusMessage: null,
        resources: { instanceId: 'i-1234567890abcdef0' },
        startTime: '2020-11-06T13:09:54.000Z',
        updateTime: null,
        raw: {
          ReplaceRootVolumeTaskId: 'replacevol-1234567890abcdef0',
          InstanceId: 'i-1234567890abcdef0',
          TaskState: 'in-progress',
          StartTime: '2020-11-06 13:09:54.0',
          Tags: [],
        },
      });
    });

    it('normalises a succeeded task, its completion time as the update time', () => {
      const task = replaceRootVolume.normalise(fixtures.succeeded, SCOPE);
      expect(task).toMatchObject({
        state: 'succeeded',
        phase: 'succeeded',
        startTime: '2022-03-14T15:16:28.000Z',
        updateTime: '2022-03-14T15:16:52.000Z',
      });
    });

    it('normalises a failed replacement from a snapshot', () => {
      const task = replaceRootVolume.normalise(fixtures.fromSnapshotFailed, SCOPE);
      expect(task).toMatchObject({
        state: 'failed',
        phase: 'failed',
        updateTime: '2023-05-02T08:03:17.000Z',
      });
      expect(task.resources).toEqual({
        instanceId: 'i-1234567890abcdef0',
        snapshotId: 'snap-0abcdef1234567890',
      });
    });

    it('normalises a pending replacement from an AMI', () => {
      const task = replaceRootVolume.normalise(fixtures.fromImagePending, SCOPE);
      expect(task).toMatchObject({ state: 'pending', phase: 'pending', updateTime: null });
      expect(task.resources).toEqual({ instanceId: 'i-1234567890abcdef0', imageId: 'ami-0abcdef1234567890' });
    });

    it.each([
      ['pending', 'pending'],
      ['in-progress', 'running'],
      ['succeeded', 'succeeded'],
      // Its only end is failed, so the failure is announced once, here.
      ['failing', 'failed'],
      ['failed', 'failed'],
      ['failing-detached', 'failed'],
      ['failed-detached', 'failed'],
    ])('maps the documented state %s to %s', (state, phase) => {
      expect(replaceRootVolume.normalise(withState(state), SCOPE).phase).toBe(phase);
    });

    it('documents the six enum states plus the user guide’s failing-detached', () => {
      expect([...replaceRootVolume.documentedStates].sort()).toEqual(
        [
          'failed',
          'failed-detached',
          'failing',
          'failing-detached',
          'in-progress',
          'pending',
          'succeeded',
        ].sort(),
      );
    });

    it.each(['in_progress', 'Succeeded', '', undefined])(
      'maps the undocumented or empty state %p to unknown',
      (state) => {
        expect(replaceRootVolume.normalise(withState(state), SCOPE)).toMatchObject({
          state: state ?? '',
          phase: 'unknown',
        });
      },
    );

    it.each([
      ['2020-11-06 13:09:54.0', '2020-11-06T13:09:54.000Z'],
      ['2020-11-06T13:09:54.123Z', '2020-11-06T13:09:54.123Z'],
      ['', null],
      ['yesterday', null],
      [undefined, null],
    ])('reads the time %p as %p', (time, expected) => {
      const task = replaceRootVolume.normalise(
        { ...fixtures.succeeded, StartTime: time, CompleteTime: time },
        SCOPE,
      );
      expect(task.startTime).toBe(expected);
      expect(task.updateTime).toBe(expected);
    });

    it('reports no progress and no message, whatever the object holds', () => {
      const raw = { ...fixtures.inProgress, Progress: '120%', StatusMessage: 'x' } as ReplaceRootVolumeTask;
      expect(replaceRootVolume.normalise(raw, SCOPE)).toMatchObject({ progress: null, statusMessage: null });
    });

    it.each([undefined, ''])(
      'rejects a task whose ReplaceRootVolumeTaskId is %p',
      (ReplaceRootVolumeTaskId) => {
        const normalise = () =>
          replaceRootVolume.normalise({ ...fixtures.inProgress, ReplaceRootVolumeTaskId }, SCOPE);
        expect(normalise).toThrow(InvalidTaskError);
        expect(normalise).toThrow('replace-root-volume: ReplaceRootVolumeTaskId is missing');
      },
    );
  });

  describePaginatedListing({
    descriptor: replaceRootVolume,
    command: DescribeReplaceRootVolumeTasksCommand,
    listKey: 'ReplaceRootVolumeTasks',
    items: [fixtures.inProgress, fixtures.succeeded, fixtures.fromSnapshotFailed],
  });
});
