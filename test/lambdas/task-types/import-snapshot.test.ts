import { DescribeImportSnapshotTasksCommand, type ImportSnapshotTask } from '@aws-sdk/client-ec2';
import { importSnapshot } from '../../../lambdas/task-types/import-snapshot';
import { InvalidTaskError } from '../../../lambdas/task-types/task-type';
import * as fixtures from '../../fixtures/ec2/import-snapshot';
import { describePaginatedListing, SCOPE } from './listing-tests';

const withStatus = (Status: string | undefined, StatusMessage?: string): ImportSnapshotTask => ({
  ...fixtures.active,
  SnapshotTaskDetail: { ...fixtures.active.SnapshotTaskDetail, Status, StatusMessage },
});

describe('import-snapshot descriptor', () => {
  it('names DescribeImportSnapshotTasks and asks for pages of 1,000 (its limit is undocumented)', () => {
    expect(importSnapshot.name).toBe('import-snapshot');
    expect(importSnapshot.apiName).toBe('DescribeImportSnapshotTasks');
    expect(importSnapshot.pageSize).toBe(1000);
    expect(importSnapshot.pageSizeDocumented).toBe(false);
  });

  describe('normalise', () => {
    it('normalises an active task', () => {
      // Act
      const task = importSnapshot.normalise(fixtures.active, SCOPE);
      // Assess
      expect(task).toEqual({
        taskType: 'import-snapshot',
        taskId: 'import-snap-1234567890abcdef0',
        region: 'us-east-1',
        account: '111122223333',
        state: 'active',
        phase: 'running',
        progress: 42,
        statusMessage: 'downloading/converting',
        resources: { bucket: 'my-import-bucket', key: 'vms/my-server-vm.vmdk' },
        startTime: null,
        updateTime: null,
        raw: {
          Description: 'My server VMDK',
          ImportTaskId: 'import-snap-1234567890abcdef0',
          SnapshotTaskDetail: {
            Description: 'My server VMDK',
            DiskImageSize: 705638400,
            Format: 'VMDK',
            Progress: '42',
            Status: 'active',
            StatusMessage: 'downloading/converting',
            UserBucket: { S3Bucket: 'my-import-bucket', S3Key: 'vms/my-server-vm.vmdk' },
          },
        },
      });
    });

    it('normalises a completed task with its snapshot', () => {
      const task = importSnapshot.normalise(fixtures.completed, SCOPE);
      expect(task).toMatchObject({
        state: 'completed',
        phase: 'succeeded',
        progress: null,
        statusMessage: null,
      });
      expect(task.resources).toEqual({
        snapshotId: 'snap-1234567890abcdef0',
        bucket: 'my-import-bucket',
        key: 'vms/my-server-vm.vmdk',
      });
    });

    it('normalises a task deleted with a ClientError as failed', () => {
      const task = importSnapshot.normalise(fixtures.deletedWithClientError, SCOPE);
      expect(task).toMatchObject({
        state: 'deleted',
        phase: 'failed',
        statusMessage: 'ClientError: Disk validation failed [Unsupported VMDK File Format]',
      });
    });

    it('normalises a task deleted without an error as cancelled', () => {
      const task = importSnapshot.normalise(fixtures.deletedByUser, SCOPE);
      expect(task).toMatchObject({ state: 'deleted', phase: 'cancelled', statusMessage: null });
    });

    it.each([
      ['deleted', 'ClientError: Unknown OS / missing OS files.', 'failed'],
      ['deleted', 'ServerError: An internal error occurred while converting the disk.', 'failed'],
      ['deleted', undefined, 'cancelled'],
      ['deleting', 'ClientError: Unknown OS / missing OS files.', 'failed'],
      ['deleting', 'ServerError: An internal error occurred while converting the disk.', 'failed'],
      ['deleting', undefined, 'running'],
    ])('maps %s with the message %p to %s', (state, message, phase) => {
      expect(importSnapshot.normalise(withStatus(state, message), SCOPE).phase).toBe(phase);
    });

    it.each([
      ['active', 'running'],
      ['completed', 'succeeded'],
      ['deleting', 'running'],
      ['deleted', 'cancelled'],
      ['error', 'failed'],
    ])('maps the documented state %s (no message) to %s', (state, phase) => {
      expect(importSnapshot.normalise(withStatus(state), SCOPE).phase).toBe(phase);
    });

    it('documents the four states of the API plus the waiter\'s "error"', () => {
      expect(importSnapshot.documentedStates).toEqual([
        'active',
        'completed',
        'deleting',
        'deleted',
        'error',
      ]);
    });

    it.each(['converting', 'COMPLETED', '', undefined])(
      'maps the undocumented or empty state %p to unknown',
      (state) => {
        expect(importSnapshot.normalise(withStatus(state), SCOPE)).toMatchObject({
          state: state ?? '',
          phase: 'unknown',
        });
      },
    );

    it('maps a task without SnapshotTaskDetail to unknown, without throwing', () => {
      const task = importSnapshot.normalise({ ImportTaskId: 'import-snap-0123456789abcdef0' }, SCOPE);
      expect(task).toMatchObject({
        state: '',
        phase: 'unknown',
        progress: null,
        statusMessage: null,
        resources: {},
      });
    });

    it.each([
      ['', null],
      ['abc', null],
      ['120%', 100],
      ['7', 7],
    ])('reads the progress %p as %p', (Progress, expected) => {
      const raw = {
        ...fixtures.active,
        SnapshotTaskDetail: { ...fixtures.active.SnapshotTaskDetail, Progress },
      };
      expect(importSnapshot.normalise(raw, SCOPE).progress).toBe(expected);
    });

    it.each([undefined, ' '])('rejects a task whose ImportTaskId is %p', (ImportTaskId) => {
      const normalise = () => importSnapshot.normalise({ ...fixtures.active, ImportTaskId }, SCOPE);
      expect(normalise).toThrow(InvalidTaskError);
      expect(normalise).toThrow('import-snapshot: ImportTaskId is missing');
    });
  });

  describePaginatedListing({
    descriptor: importSnapshot,
    command: DescribeImportSnapshotTasksCommand,
    listKey: 'ImportSnapshotTasks',
    items: [fixtures.active, fixtures.completed, fixtures.deletedByUser],
  });
});
