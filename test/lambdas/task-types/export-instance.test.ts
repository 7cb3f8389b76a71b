import { DescribeExportTasksCommand, type ExportTask } from '@aws-sdk/client-ec2';
import { exportInstance } from '../../../lambdas/task-types/export-instance';
import { InvalidTaskError } from '../../../lambdas/task-types/task-type';
import * as fixtures from '../../fixtures/ec2/export-instance';
import { describeSingleCallListing, SCOPE } from './listing-tests';

const withState = (State: string | undefined, StatusMessage?: string): ExportTask => ({
  ...fixtures.active,
  State: State as ExportTask['State'],
  StatusMessage,
});

describe('export-instance descriptor', () => {
  it('names DescribeExportTasks and has no pagination', () => {
    expect(exportInstance.name).toBe('export-instance');
    expect(exportInstance.apiName).toBe('DescribeExportTasks');
    expect(exportInstance.pageSize).toBeUndefined();
  });

  describe('normalise', () => {
    it('normalises an active task', () => {
      // Act
      const task = exportInstance.normalise(fixtures.active, SCOPE);
      // Assess
      expect(task).toEqual({
        taskType: 'export-instance',
        taskId: 'export-i-1234567890abcdef0',
        region: 'us-east-1',
        account: '111122223333',
        state: 'active',
        phase: 'running',
        progress: null,
        statusMessage: null,
        resources: {
          instanceId: 'i-1234567890abcdef0',
          bucket: 'my-export-bucket',
          key: 'RHEL5export-i-1234567890abcdef0.ova',
        },
        startTime: null,
        updateTime: null,
        raw: {
          ExportTaskId: 'export-i-1234567890abcdef0',
          ExportToS3Task: {
            ContainerFormat: 'ova',
            DiskImageFormat: 'VMDK',
            S3Bucket: 'my-export-bucket',
            S3Key: 'RHEL5export-i-1234567890abcdef0.ova',
          },
          InstanceExportDetails: { InstanceId: 'i-1234567890abcdef0', TargetEnvironment: 'vmware' },
          State: 'active',
        },
      });
    });

    it('normalises a completed task', () => {
      const task = exportInstance.normalise(fixtures.completed, SCOPE);
      expect(task).toMatchObject({ state: 'completed', phase: 'succeeded', statusMessage: null });
    });

    it('normalises a task the user cancelled as cancelled', () => {
      const task = exportInstance.normalise(fixtures.cancelledByUser, SCOPE);
      expect(task).toMatchObject({
        state: 'cancelled',
        phase: 'cancelled',
        statusMessage: 'Canceled by user',
      });
    });

    it('normalises a task cancelled on an error as failed', () => {
      const task = exportInstance.normalise(fixtures.cancelledWithError, SCOPE);
      expect(task).toMatchObject({
        state: 'cancelled',
        phase: 'failed',
        statusMessage: 'ServerError: The export could not complete. Try again later.',
      });
    });

    it.each([
      ['cancelling', 'ClientError: The instance has no attached EBS root volume.', 'failed'],
      // Its end is not known yet: the error may only come with `cancelled`.
      ['cancelling', undefined, 'running'],
      ['cancelled', 'ClientError: The instance has no attached EBS root volume.', 'failed'],
      ['cancelled', 'Canceled by user', 'cancelled'],
      ['active', 'ServerError: retrying', 'running'],
    ])('maps %s with the message %p to %s', (state, message, phase) => {
      expect(exportInstance.normalise(withState(state, message), SCOPE).phase).toBe(phase);
    });

    it.each([
      ['active', 'running'],
      ['cancelling', 'running'],
      ['cancelled', 'cancelled'],
      ['completed', 'succeeded'],
    ])('maps the documented state %s to %s', (state, phase) => {
      expect(exportInstance.normalise(withState(state), SCOPE).phase).toBe(phase);
    });

    it('documents the four states of the API', () => {
      expect(exportInstance.documentedStates).toEqual(['active', 'cancelling', 'cancelled', 'completed']);
    });

    it.each(['deleted', 'ACTIVE', '', undefined])(
      'maps the undocumented or empty state %p to unknown',
      (state) => {
        expect(exportInstance.normalise(withState(state), SCOPE)).toMatchObject({
          state: state ?? '',
          phase: 'unknown',
        });
      },
    );

    it('reports no progress, whatever the object holds', () => {
      const raw = { ...fixtures.active, Progress: '120%' } as ExportTask;
      expect(exportInstance.normalise(raw, SCOPE).progress).toBeNull();
    });

    it('tolerates a task without export details', () => {
      const task = exportInstance.normalise(
        { ExportTaskId: 'export-i-0abcdef1234567890', State: 'active' },
        SCOPE,
      );
      expect(task).toMatchObject({ phase: 'running', resources: {} });
    });

    it.each([undefined, ''])('rejects a task whose ExportTaskId is %p', (ExportTaskId) => {
      const normalise = () => exportInstance.normalise({ ...fixtures.active, ExportTaskId }, SCOPE);
      expect(normalise).toThrow(InvalidTaskError);
      expect(normalise).toThrow('export-instance: ExportTaskId is missing');
    });
  });

  describeSingleCallListing({
    descriptor: exportInstance,
    command: DescribeExportTasksCommand,
    listKey: 'ExportTasks',
    items: [fixtures.active, fixtures.completed, fixtures.cancelledByUser],
  });
});
