import { type BundleTask, DescribeBundleTasksCommand } from '@aws-sdk/client-ec2';
import { bundle } from '../../../lambdas/task-types/bundle';
import { InvalidTaskError } from '../../../lambdas/task-types/task-type';
import * as fixtures from '../../fixtures/ec2/bundle';
import { describeSingleCallListing, SCOPE } from './listing-tests';

const withState = (State: string): BundleTask => ({
  ...fixtures.bundling,
  State: State as BundleTask['State'],
});

describe('bundle descriptor', () => {
  it('names DescribeBundleTasks and has no pagination', () => {
    expect(bundle.name).toBe('bundle');
    expect(bundle.apiName).toBe('DescribeBundleTasks');
    expect(bundle.pageSize).toBeUndefined();
  });

  describe('normalise', () => {
    it('normalises a task that is bundling', () => {
      // Act
      const task = bundle.normalise(fixtures.bundling, SCOPE);
      // Assess
      expect(task).toEqual({
        taskType: 'bundle',
        taskId: 'bun-2a4e041c',
        region: 'us-east-1',
        account: '111122223333',
        state: 'bundling',
        phase: 'running',
        progress: 3,
        statusMessage: null,
        resources: { instanceId: 'i-1234567890abcdef0', bucket: 'bundletasks', key: 'winami' },
        startTime: '2015-09-15T13:24:35.000Z',
        updateTime: '2015-09-15T13:26:54.000Z',
        raw: {
          BundleId: 'bun-2a4e041c',
          InstanceId: 'i-1234567890abcdef0',
          State: 'bundling',
          Progress: '3%',
          StartTime: '2015-09-15T13:24:35.000Z',
          UpdateTime: '2015-09-15T13:26:54.000Z',
          Storage: { S3: { Bucket: 'bundletasks', Prefix: 'winami' } },
        },
      });
    });

    it('normalises a complete task', () => {
      const task = bundle.normalise(fixtures.complete, SCOPE);
      expect(task).toMatchObject({
        state: 'complete',
        phase: 'succeeded',
        progress: 100,
        statusMessage: null,
        updateTime: '2015-09-15T13:52:10.000Z',
      });
    });

    it('normalises a failed task, with the error as "code: message"', () => {
      const task = bundle.normalise(fixtures.failed, SCOPE);
      expect(task).toMatchObject({
        state: 'failed',
        phase: 'failed',
        progress: 14,
        statusMessage: 'Server.InternalError: An internal error has occurred.',
      });
    });

    it('normalises a cancelling task as still running: it may yet fail', () => {
      const task = bundle.normalise(fixtures.cancelling, SCOPE);
      expect(task).toMatchObject({ state: 'cancelling', phase: 'running' });
    });

    it('normalises a cancelling task with an error as failed', () => {
      const task = bundle.normalise(
        {
          ...fixtures.cancelling,
          BundleTaskError: { Code: 'Client.Unsupported', Message: 'failed to shut down' },
        },
        SCOPE,
      );
      expect(task).toMatchObject({ state: 'cancelling', phase: 'failed' });
    });

    it('keeps the S3 upload policy and its signature out of raw', () => {
      // Act
      const task = bundle.normalise(fixtures.withUploadPolicy, SCOPE);
      // Assess
      expect(task.raw.Storage).toEqual({
        S3: { AWSAccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Bucket: 'bundletasks', Prefix: 'winami' },
      });
      expect(JSON.stringify(task.raw)).not.toContain('fh5tyyyQD8W4COEthj3nlGNSJ0U=');
      expect(fixtures.withUploadPolicy.Storage?.S3?.UploadPolicySignature).toBe(
        'fh5tyyyQD8W4COEthj3nlGNSJ0U=',
      );
    });

    it.each([
      ['pending', 'pending'],
      ['waiting-for-shutdown', 'running'],
      ['bundling', 'running'],
      ['storing', 'running'],
      ['cancelling', 'running'],
      ['complete', 'succeeded'],
      ['failed', 'failed'],
    ])('maps the documented state %s to %s', (state, phase) => {
      expect(bundle.normalise(withState(state), SCOPE).phase).toBe(phase);
    });

    it('documents exactly the seven states of the API, in lifecycle order', () => {
      expect(bundle.documentedStates).toEqual([
        'pending',
        'waiting-for-shutdown',
        'bundling',
        'storing',
        'cancelling',
        'complete',
        'failed',
      ]);
    });

    it.each(['completed', 'COMPLETE', '', '   '])(
      'maps the undocumented or empty state "%s" to unknown',
      (state) => {
        const task = bundle.normalise(withState(state), SCOPE);
        expect(task.phase).toBe('unknown');
        expect(task.state).toBe(state.trim());
      },
    );

    it('maps a missing state to unknown', () => {
      const task = bundle.normalise({ ...fixtures.bundling, State: undefined }, SCOPE);
      expect(task).toMatchObject({ state: '', phase: 'unknown' });
    });

    it.each([
      ['', null],
      ['abc', null],
      ['120%', 100],
      [' 45% ', 45],
      [undefined, null],
    ])('reads the progress %p as %p', (Progress, expected) => {
      expect(bundle.normalise({ ...fixtures.bundling, Progress }, SCOPE).progress).toBe(expected);
    });

    it.each([undefined, '', '  '])('rejects a task whose BundleId is %p', (BundleId) => {
      expect(() => bundle.normalise({ ...fixtures.bundling, BundleId }, SCOPE)).toThrow(InvalidTaskError);
      expect(() => bundle.normalise({ ...fixtures.bundling, BundleId }, SCOPE)).toThrow(
        'bundle: BundleId is missing',
      );
    });
  });

  describeSingleCallListing({
    descriptor: bundle,
    command: DescribeBundleTasksCommand,
    listKey: 'BundleTasks',
    items: [fixtures.bundling, fixtures.complete, fixtures.failed],
  });
});
