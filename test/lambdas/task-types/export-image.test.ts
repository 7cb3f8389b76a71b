import { DescribeExportImageTasksCommand, type ExportImageTask } from '@aws-sdk/client-ec2';
import { exportImage } from '../../../lambdas/task-types/export-image';
import { InvalidTaskError } from '../../../lambdas/task-types/task-type';
import * as fixtures from '../../fixtures/ec2/export-image';
import { describePaginatedListing, SCOPE } from './listing-tests';

const withStatus = (Status: string | undefined, StatusMessage?: string): ExportImageTask => ({
  ...fixtures.active,
  Status,
  StatusMessage,
});

describe('export-image descriptor', () => {
  it('names DescribeExportImageTasks and pages with the largest MaxResults, 500', () => {
    expect(exportImage.name).toBe('export-image');
    expect(exportImage.apiName).toBe('DescribeExportImageTasks');
    expect(exportImage.pageSize).toBe(500);
  });

  describe('normalise', () => {
    it('normalises an active task', () => {
      // Act
      const task = exportImage.normalise(fixtures.active, SCOPE);
      // Assess
      expect(task).toEqual({
        taskType: 'export-image',
        taskId: 'export-ami-1234567890abcdef0',
        region: 'us-east-1',
        account: '111122223333',
        state: 'active',
        phase: 'running',
        progress: 21,
        statusMessage: 'updating',
        resources: { imageId: 'ami-0abcdef1234567890', bucket: 'my-export-bucket', key: 'exports/' },
        startTime: null,
        updateTime: null,
        raw: {
          ExportImageTaskId: 'export-ami-1234567890abcdef0',
          ImageId: 'ami-0abcdef1234567890',
          Progress: '21',
          S3ExportLocation: { S3Bucket: 'my-export-bucket', S3Prefix: 'exports/' },
          Status: 'active',
          StatusMessage: 'updating',
        },
      });
    });

    it('normalises a completed task', () => {
      const task = exportImage.normalise(fixtures.completed, SCOPE);
      expect(task).toMatchObject({
        state: 'completed',
        phase: 'succeeded',
        progress: null,
        statusMessage: null,
      });
    });

    it('normalises a task deleted with a ClientError as failed', () => {
      const task = exportImage.normalise(fixtures.deletedWithClientError, SCOPE);
      expect(task).toMatchObject({
        state: 'deleted',
        phase: 'failed',
        statusMessage: 'ClientError: Unknown OS / missing OS files.',
      });
    });

    it('normalises a task deleted without an error as cancelled', () => {
      const task = exportImage.normalise(fixtures.deletedByUser, SCOPE);
      expect(task).toMatchObject({ state: 'deleted', phase: 'cancelled', statusMessage: null });
    });

    it.each([
      ['deleted', 'ClientError: Unknown OS / missing OS files.', 'failed'],
      ['deleted', 'ServerError: An internal error occurred while exporting the image.', 'failed'],
      ['deleted', undefined, 'cancelled'],
      ['deleting', 'ClientError: Unknown OS / missing OS files.', 'failed'],
      ['deleting', 'ServerError: An internal error occurred while exporting the image.', 'failed'],
      ['deleting', undefined, 'running'],
      ['active', 'validating', 'running'],
      ['active', 'converting', 'running'],
    ])('maps %s with the message %p to %s', (state, message, phase) => {
      expect(exportImage.normalise(withStatus(state, message), SCOPE).phase).toBe(phase);
    });

    it.each([
      ['active', 'running'],
      ['completed', 'succeeded'],
      ['deleting', 'running'],
      ['deleted', 'cancelled'],
    ])('maps the documented state %s (no message) to %s', (state, phase) => {
      expect(exportImage.normalise(withStatus(state), SCOPE).phase).toBe(phase);
    });

    it('documents the four states of the API', () => {
      expect(exportImage.documentedStates).toEqual(['active', 'completed', 'deleting', 'deleted']);
    });

    it.each(['exporting', 'Completed', '', undefined])(
      'maps the undocumented or empty state %p to unknown',
      (state) => {
        expect(exportImage.normalise(withStatus(state), SCOPE)).toMatchObject({
          state: state ?? '',
          phase: 'unknown',
        });
      },
    );

    it.each([
      ['', null],
      ['abc', null],
      ['120%', 100],
      ['21', 21],
    ])('reads the progress %p as %p', (Progress, expected) => {
      expect(exportImage.normalise({ ...fixtures.active, Progress }, SCOPE).progress).toBe(expected);
    });

    it.each([undefined, ''])('rejects a task whose ExportImageTaskId is %p', (ExportImageTaskId) => {
      const normalise = () => exportImage.normalise({ ...fixtures.active, ExportImageTaskId }, SCOPE);
      expect(normalise).toThrow(InvalidTaskError);
      expect(normalise).toThrow('export-image: ExportImageTaskId is missing');
    });
  });

  describePaginatedListing({
    descriptor: exportImage,
    command: DescribeExportImageTasksCommand,
    listKey: 'ExportImageTasks',
    items: [fixtures.active, fixtures.completed, fixtures.deletedByUser],
  });
});
