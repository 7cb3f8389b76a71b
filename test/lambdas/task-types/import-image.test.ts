import { DescribeImportImageTasksCommand, type ImportImageTask } from '@aws-sdk/client-ec2';
import { importImage } from '../../../lambdas/task-types/import-image';
import { InvalidTaskError } from '../../../lambdas/task-types/task-type';
import * as fixtures from '../../fixtures/ec2/import-image';
import { describePaginatedListing, SCOPE } from './listing-tests';

const withStatus = (Status: string | undefined, StatusMessage?: string): ImportImageTask => ({
  ...fixtures.converting,
  Status,
  StatusMessage,
});

describe('import-image descriptor', () => {
  it('names DescribeImportImageTasks and asks for pages of 1,000 (its limit is undocumented)', () => {
    expect(importImage.name).toBe('import-image');
    expect(importImage.apiName).toBe('DescribeImportImageTasks');
    expect(importImage.pageSize).toBe(1000);
    expect(importImage.pageSizeDocumented).toBe(false);
  });

  describe('normalise', () => {
    it('normalises an active task that is converting', () => {
      // Act
      const task = importImage.normalise(fixtures.converting, SCOPE);
      // Assess
      expect(task).toEqual({
        taskType: 'import-image',
        taskId: 'import-ami-1234567890abcdef0',
        region: 'us-east-1',
        account: '111122223333',
        state: 'active',
        phase: 'running',
        progress: 28,
        statusMessage: 'converting',
        resources: { bucket: 'my-import-bucket', key: 'vms/my-server-vm.ova' },
        startTime: null,
        updateTime: null,
        raw: {
          ImportTaskId: 'import-ami-1234567890abcdef0',
          Progress: '28',
          SnapshotDetails: [
            {
              DiskImageSize: 705638400,
              Format: 'ova',
              Status: 'completed',
              UserBucket: { S3Bucket: 'my-import-bucket', S3Key: 'vms/my-server-vm.ova' },
            },
          ],
          Status: 'active',
          StatusMessage: 'converting',
        },
      });
    });

    it('keeps the disk image Url (possibly presigned) out of raw', () => {
      const task = importImage.normalise(fixtures.converting, SCOPE);
      expect(JSON.stringify(task.raw)).not.toContain('X-Amz-Signature');
    });

    it('normalises an active task whose message is "pending" as pending', () => {
      const task = importImage.normalise(fixtures.pending, SCOPE);
      expect(task).toMatchObject({
        state: 'active',
        phase: 'pending',
        progress: 2,
        statusMessage: 'pending',
      });
    });

    it('normalises a completed task with its AMI and snapshot', () => {
      const task = importImage.normalise(fixtures.completed, SCOPE);
      expect(task).toMatchObject({
        state: 'completed',
        phase: 'succeeded',
        progress: null,
        statusMessage: null,
      });
      expect(task.resources).toEqual({
        imageId: 'ami-1234567890EXAMPLE',
        snapshotId: 'snap-1234567890abcdef0',
        bucket: 'my-import-bucket',
        key: 'vms/my-server-vm.ova',
      });
    });

    it('normalises a task deleted with a ClientError as failed', () => {
      const task = importImage.normalise(fixtures.deletedWithClientError, SCOPE);
      expect(task).toMatchObject({
        state: 'deleted',
        phase: 'failed',
        statusMessage: 'ClientError: Unknown OS / missing OS files.',
      });
    });

    it('normalises a task deleted without an error as cancelled', () => {
      const task = importImage.normalise(fixtures.deletedByUser, SCOPE);
      expect(task).toMatchObject({ state: 'deleted', phase: 'cancelled', statusMessage: null });
    });

    it.each([
      ['deleted', 'ClientError: Unknown OS / missing OS files.', 'failed'],
      ['deleted', 'ServerError: An internal error occurred while converting the image.', 'failed'],
      ['deleted', undefined, 'cancelled'],
      ['deleting', 'ClientError: Unknown OS / missing OS files.', 'failed'],
      ['deleting', 'ServerError: An internal error occurred while converting the image.', 'failed'],
      ['deleting', undefined, 'running'],
    ])('maps %s with the message %p to %s', (state, message, phase) => {
      expect(importImage.normalise(withStatus(state, message), SCOPE).phase).toBe(phase);
    });

    it.each([
      ['active', 'running'],
      ['completed', 'succeeded'],
      ['deleting', 'running'],
      ['deleted', 'cancelled'],
    ])('maps the documented state %s (no message) to %s', (state, phase) => {
      expect(importImage.normalise(withStatus(state), SCOPE).phase).toBe(phase);
    });

    it('documents the four states of the API', () => {
      expect(importImage.documentedStates).toEqual(['active', 'completed', 'deleting', 'deleted']);
    });

    it.each(['validating', 'Active', '', undefined])(
      'maps the undocumented or empty state %p to unknown',
      (state) => {
        expect(importImage.normalise(withStatus(state), SCOPE)).toMatchObject({
          state: state ?? '',
          phase: 'unknown',
        });
      },
    );

    it.each([
      ['', null],
      ['abc', null],
      ['120%', 100],
      ['84', 84],
    ])('reads the progress %p as %p', (Progress, expected) => {
      expect(importImage.normalise({ ...fixtures.converting, Progress }, SCOPE).progress).toBe(expected);
    });

    it.each([undefined, ''])('rejects a task whose ImportTaskId is %p', (ImportTaskId) => {
      const normalise = () => importImage.normalise({ ...fixtures.converting, ImportTaskId }, SCOPE);
      expect(normalise).toThrow(InvalidTaskError);
      expect(normalise).toThrow('import-image: ImportTaskId is missing');
    });
  });

  describePaginatedListing({
    descriptor: importImage,
    command: DescribeImportImageTasksCommand,
    listKey: 'ImportImageTasks',
    items: [fixtures.converting, fixtures.completed, fixtures.deletedByUser],
  });
});
