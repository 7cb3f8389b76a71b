import { type ConversionTask, DescribeConversionTasksCommand } from '@aws-sdk/client-ec2';
import { conversion } from '../../../lambdas/task-types/conversion';
import { InvalidTaskError } from '../../../lambdas/task-types/task-type';
import * as fixtures from '../../fixtures/ec2/conversion';
import { describeSingleCallListing, SCOPE } from './listing-tests';

const withState = (State: string | undefined, StatusMessage?: string): ConversionTask => ({
  ...fixtures.importInstanceActive,
  State: State as ConversionTask['State'],
  StatusMessage,
});

/** An ImportInstance task whose volumes report these byte counts. */
const withVolumes = (...volumes: Array<{ converted?: number; size?: number }>): ConversionTask => ({
  ConversionTaskId: 'import-i-fh95npoc',
  State: 'active',
  ImportInstance: {
    InstanceId: 'i-0abcdef1234567890',
    Volumes: volumes.map(({ converted, size }, index) => ({
      BytesConverted: converted,
      Image: { Format: 'VMDK', Size: size },
      Volume: { Id: `vol-0000000000000000${index}` },
    })),
  },
});

describe('conversion descriptor', () => {
  it('names DescribeConversionTasks and has no pagination', () => {
    expect(conversion.name).toBe('conversion');
    expect(conversion.apiName).toBe('DescribeConversionTasks');
    expect(conversion.pageSize).toBeUndefined();
  });

  describe('normalise', () => {
    it('normalises an active ImportInstance task, without the presigned manifest URL in raw', () => {
      // Act
      const task = conversion.normalise(fixtures.importInstanceActive, SCOPE);
      // Assess
      expect(task).toEqual({
        taskType: 'conversion',
        taskId: 'import-i-ffvko9js',
        region: 'us-east-1',
        account: '111122223333',
        state: 'active',
        phase: 'running',
        progress: 50,
        statusMessage: null,
        resources: { instanceId: 'i-1234567890abcdef0', volumeId: 'vol-049df61146c4d7901' },
        startTime: null,
        updateTime: null,
        raw: {
          ConversionTaskId: 'import-i-ffvko9js',
          ExpirationTime: '2014-05-14T22:06:23Z',
          State: 'active',
          ImportInstance: {
            InstanceId: 'i-1234567890abcdef0',
            Platform: 'Windows',
            Volumes: [
              {
                AvailabilityZone: 'us-east-1d',
                BytesConverted: 650343680,
                Image: { Format: 'VMDK', Size: 1300687360 },
                Status: 'active',
                Volume: { Id: 'vol-049df61146c4d7901', Size: 16 },
              },
            ],
          },
        },
      });
      expect(JSON.stringify(task.raw)).not.toContain('Signature=');
    });

    it('normalises a completed ImportInstance task', () => {
      const task = conversion.normalise(fixtures.importInstanceCompleted, SCOPE);
      expect(task).toMatchObject({
        state: 'completed',
        phase: 'succeeded',
        progress: 100,
        statusMessage: null,
      });
    });

    it('normalises an ImportVolume task: its volume, no instance', () => {
      const task = conversion.normalise(fixtures.importVolumeActive, SCOPE);
      expect(task).toMatchObject({ taskId: 'import-vol-ffut5xv4', phase: 'running', progress: 25 });
      expect(task.resources).toEqual({ volumeId: 'vol-0a1b2c3d4e5f67890' });
      expect(JSON.stringify(task.raw)).not.toContain('Signature=');
      expect(task.raw.ImportVolume).toMatchObject({ Image: { Format: 'RAW', Size: 1288490188 } });
    });

    it('normalises a task the user cancelled as cancelled', () => {
      const task = conversion.normalise(fixtures.cancelledByUser, SCOPE);
      expect(task).toMatchObject({
        state: 'cancelled',
        phase: 'cancelled',
        statusMessage: 'Cancelled by the user: superseded by ImportImage',
      });
    });

    it('normalises a task EC2 cancelled on an error as failed', () => {
      const task = conversion.normalise(fixtures.cancelledWithError, SCOPE);
      expect(task).toMatchObject({
        state: 'cancelled',
        phase: 'failed',
        statusMessage: 'ClientError: The disk image upload was incomplete before the expiration time.',
      });
    });

    it.each([
      ['cancelling', 'ServerError: An internal error occurred.', 'failed'],
      ['cancelling', 'Upload of the disk image failed', 'failed'],
      // Its end is not known yet: the error may only come with `cancelled`.
      ['cancelling', undefined, 'running'],
      ['cancelled', 'ServerError: An internal error occurred.', 'failed'],
      ['cancelled', undefined, 'cancelled'],
      ['active', 'ClientError: retrying the upload', 'running'],
      ['completed', 'ClientError: a warning on a finished task', 'succeeded'],
    ])('maps %s with the message %p to %s', (state, message, phase) => {
      expect(conversion.normalise(withState(state, message), SCOPE).phase).toBe(phase);
    });

    it.each([
      ['active', 'running'],
      ['cancelling', 'running'],
      ['cancelled', 'cancelled'],
      ['completed', 'succeeded'],
    ])('maps the documented state %s to %s', (state, phase) => {
      expect(conversion.normalise(withState(state), SCOPE).phase).toBe(phase);
    });

    it('documents the four states of the API', () => {
      expect(conversion.documentedStates).toEqual(['active', 'cancelling', 'cancelled', 'completed']);
    });

    it.each(['pending', 'Completed', '', undefined])(
      'maps the undocumented or empty state %p to unknown',
      (state) => {
        expect(conversion.normalise(withState(state), SCOPE)).toMatchObject({
          state: state ?? '',
          phase: 'unknown',
        });
      },
    );

    describe('progress, derived from bytes converted over image bytes', () => {
      it('sums every volume of an ImportInstance task', () => {
        const task = withVolumes({ converted: 300, size: 1000 }, { converted: 500, size: 1000 });
        expect(conversion.normalise(task, SCOPE).progress).toBe(40);
      });

      it.each([
        ['a volume lacks BytesConverted', [{ size: 1000 }, { converted: 500, size: 1000 }]],
        ['a volume lacks the image size', [{ converted: 300, size: 1000 }, { converted: 500 }]],
        ['the image size is 0', [{ converted: 0, size: 0 }]],
        [
          'more bytes are converted than the image has (units disagree)',
          [{ converted: 5_000_000_000, size: 8 }],
        ],
        ['the ratio is even slightly above 1', [{ converted: 1001, size: 1000 }]],
      ])('is null when %s', (_case, volumes) => {
        expect(conversion.normalise(withVolumes(...volumes), SCOPE).progress).toBeNull();
      });

      it('is null for a task with neither ImportInstance nor ImportVolume', () => {
        const task = conversion.normalise({ ConversionTaskId: 'import-i-fh95npoc', State: 'active' }, SCOPE);
        expect(task).toMatchObject({ progress: null, resources: {} });
      });
    });

    it('takes the first volume that has an id', () => {
      const raw: ConversionTask = {
        ...fixtures.importInstanceActive,
        ImportInstance: {
          InstanceId: 'i-1234567890abcdef0',
          Volumes: [{ Status: 'active' }, { Volume: { Id: 'vol-0b' } }],
        },
      };
      expect(conversion.normalise(raw, SCOPE).resources).toEqual({
        instanceId: 'i-1234567890abcdef0',
        volumeId: 'vol-0b',
      });
    });

    it.each([undefined, ''])('rejects a task whose ConversionTaskId is %p', (ConversionTaskId) => {
      const normalise = () =>
        conversion.normalise({ ...fixtures.importInstanceActive, ConversionTaskId }, SCOPE);
      expect(normalise).toThrow(InvalidTaskError);
      expect(normalise).toThrow('conversion: ConversionTaskId is missing');
    });
  });

  describeSingleCallListing({
    descriptor: conversion,
    command: DescribeConversionTasksCommand,
    listKey: 'ConversionTasks',
    items: [fixtures.importInstanceActive, fixtures.importVolumeActive, fixtures.cancelledByUser],
  });
});
