import { DescribeMacModificationTasksCommand, type MacModificationTask } from '@aws-sdk/client-ec2';
import { macModification } from '../../../lambdas/task-types/mac-modification';
import { InvalidTaskError } from '../../../lambdas/task-types/task-type';
import * as fixtures from '../../fixtures/ec2/mac-modification';
import { describePaginatedListing, SCOPE } from './listing-tests';

const withState = (TaskState: string | undefined): MacModificationTask => ({
  ...fixtures.pending,
  TaskState: TaskState as MacModificationTask['TaskState'],
});

describe('mac-modification descriptor', () => {
  it('names DescribeMacModificationTasks and pages with the largest MaxResults, 500', () => {
    expect(macModification.name).toBe('mac-modification');
    expect(macModification.apiName).toBe('DescribeMacModificationTasks');
    expect(macModification.pageSize).toBe(500);
  });

  describe('normalise', () => {
    it('normalises a pending task, keeping TaskType in raw', () => {
      // Act
      const task = macModification.normalise(fixtures.pending, SCOPE);
      // Assess
      expect(task).toEqual({
        taskType: 'mac-modification',
        taskId: 'macmodification-0123456789abcdef0',
        region: 'us-east-1',
        account: '111122223333',
        state: 'pending',
        phase: 'pending',
        progress: null,
        statusMessage: null,
        resources: { instanceId: 'i-0abcdef1234567890' },
        startTime: '2024-11-20T10:15:00.000Z',
        updateTime: null,
        raw: {
          InstanceId: 'i-0abcdef1234567890',
          MacModificationTaskId: 'macmodification-0123456789abcdef0',
          MacSystemIntegrityProtectionConfig: { Status: 'disabled' },
          StartTime: '2024-11-20T10:15:00.000Z',
          Tags: [],
          TaskState: 'pending',
          TaskType: 'sip-modification',
        },
      });
    });

    it('normalises a task in progress', () => {
      const task = macModification.normalise(fixtures.inProgress, SCOPE);
      expect(task).toMatchObject({ state: 'in-progress', phase: 'running' });
    });

    it('normalises a successful task', () => {
      const task = macModification.normalise(fixtures.successful, SCOPE);
      expect(task).toMatchObject({ state: 'successful', phase: 'succeeded', statusMessage: null });
    });

    it('normalises a failed volume-ownership task', () => {
      const task = macModification.normalise(fixtures.failed, SCOPE);
      expect(task).toMatchObject({
        taskId: 'macmodification-0fedcba9876543210',
        state: 'failed',
        phase: 'failed',
        statusMessage: null,
      });
      expect(task.raw.TaskType).toBe('volume-ownership-delegation');
    });

    it.each([
      ['pending', 'pending'],
      ['in-progress', 'running'],
      ['successful', 'succeeded'],
      ['failed', 'failed'],
    ])('maps the documented state %s to %s', (state, phase) => {
      expect(macModification.normalise(withState(state), SCOPE).phase).toBe(phase);
    });

    it('documents the four states of the API, in lifecycle order', () => {
      expect(macModification.documentedStates).toEqual(['pending', 'in-progress', 'successful', 'failed']);
    });

    it.each(['succeeded', 'Pending', '', undefined])(
      'maps the undocumented or empty state %p to unknown',
      (state) => {
        expect(macModification.normalise(withState(state), SCOPE)).toMatchObject({
          state: state ?? '',
          phase: 'unknown',
        });
      },
    );

    it('reads a missing or invalid start time as null', () => {
      expect(
        macModification.normalise({ ...fixtures.pending, StartTime: undefined }, SCOPE).startTime,
      ).toBeNull();
      expect(
        macModification.normalise({ ...fixtures.pending, StartTime: new Date('nope') }, SCOPE).startTime,
      ).toBeNull();
    });

    it('reports no progress, whatever the object holds', () => {
      const raw = { ...fixtures.inProgress, Progress: '120%' } as MacModificationTask;
      expect(macModification.normalise(raw, SCOPE).progress).toBeNull();
    });

    it.each([undefined, ''])('rejects a task whose MacModificationTaskId is %p', (MacModificationTaskId) => {
      const normalise = () =>
        macModification.normalise({ ...fixtures.pending, MacModificationTaskId }, SCOPE);
      expect(normalise).toThrow(InvalidTaskError);
      expect(normalise).toThrow('mac-modification: MacModificationTaskId is missing');
    });
  });

  describePaginatedListing({
    descriptor: macModification,
    command: DescribeMacModificationTasksCommand,
    listKey: 'MacModificationTasks',
    items: [fixtures.pending, fixtures.successful, fixtures.failed],
  });
});
