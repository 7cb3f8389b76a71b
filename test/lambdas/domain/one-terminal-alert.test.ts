// Each task's end is announced by exactly one alert, and when the task failed, that alert says
// failed. Real API objects of every type with transitional states go through the type's
// normaliser and the diff, listing after listing, as the poller runs them.
import { diffListing, type StoredTask } from '../../../lambdas/domain/changes';
import { isTerminal } from '../../../lambdas/domain/phase';
import type { TaskTypeName } from '../../../lambdas/domain/task';
import { taskTypeDescriptor } from '../../../lambdas/task-types';

const SCOPE = { region: 'us-east-1', account: '123456789012' };

/** What the subscribers hear of a task listed as `steps`, one listing each: change type and phase. */
function alertsOf(
  taskType: TaskTypeName,
  steps: readonly Record<string, unknown>[],
  stored = new Map<string, StoredTask>(),
): string[] {
  const descriptor = taskTypeDescriptor(taskType);
  const alerts: string[] = [];
  steps.forEach((raw, index) => {
    const task = descriptor.normalise(raw, SCOPE);
    const decisions = diffListing({
      listed: [task],
      stored,
      baseline: false,
      progressStep: 25,
      detectedAt: new Date(Date.UTC(2026, 10, 23, 8, index)),
    });
    for (const decision of decisions) {
      if (decision.kind === 'change') alerts.push(`${decision.changeType}:${decision.current.phase}`);
      const version = (stored.get(task.taskId)?.version ?? 0) + 1;
      stored.set(task.taskId, { task: decision.task, version, gone: decision.gone });
    }
  });
  return alerts;
}

/** The alerts that announce an end: into a terminal phase, or a disappearance. */
function ends(alerts: readonly string[]): string[] {
  return alerts.filter((alert) => {
    const [changeType, phase] = alert.split(':');
    return (
      changeType === 'TaskDisappeared' || (changeType !== 'TaskProgressed' && isTerminal(phase as never))
    );
  });
}

const bundle = (State: string, error?: string) => ({
  BundleId: 'bun-c9b3a0f5',
  InstanceId: 'i-0abc',
  State,
  Progress: '40%',
  ...(error ? { BundleTaskError: { Code: 'Client.Unsupported', Message: error } } : {}),
});
const conversion = (State: string, StatusMessage?: string) => ({
  ConversionTaskId: 'import-i-fh95npoc',
  State,
  StatusMessage,
});
const exportTask = (State: string, StatusMessage?: string) => ({
  ExportTaskId: 'export-i-1234567890abcdef0',
  State,
  StatusMessage,
});
const importImage = (Status: string, StatusMessage?: string) => ({
  ImportTaskId: 'import-ami-0abc',
  Status,
  StatusMessage,
});
const rootVolume = (TaskState: string) => ({
  ReplaceRootVolumeTaskId: 'replacevol-0111122223333abcd',
  InstanceId: 'i-0abc',
  TaskState,
});

describe('one terminal alert per task, and the right one', () => {
  it.each<[string, TaskTypeName, Record<string, unknown>[], string]>([
    [
      'a bundle task cancelling, then failed',
      'bundle',
      [bundle('bundling'), bundle('cancelling'), bundle('failed', 'failed to upload')],
      'failed',
    ],
    [
      'a conversion cancelling, whose error only comes with cancelled',
      'conversion',
      [
        conversion('active'),
        conversion('cancelling'),
        conversion(
          'cancelled',
          'ClientError: The disk image upload was incomplete before the expiration time.',
        ),
      ],
      'failed',
    ],
    [
      'an instance export cancelling, whose error only comes with cancelled',
      'export-instance',
      [
        exportTask('active'),
        exportTask('cancelling'),
        exportTask('cancelled', 'ServerError: The export failed.'),
      ],
      'failed',
    ],
    [
      'an instance export the user cancelled',
      'export-instance',
      [exportTask('active'), exportTask('cancelling'), exportTask('cancelled', 'Cancelled by the user')],
      'cancelled',
    ],
    [
      'an import deleting without an error, then deleted with one',
      'import-image',
      [
        importImage('active', 'converting'),
        importImage('deleting'),
        importImage('deleted', 'ClientError: Unknown OS / missing OS files.'),
      ],
      'failed',
    ],
    [
      'an import deleting with its error, then deleted',
      'import-image',
      [
        importImage('active', 'converting'),
        importImage('deleting', 'ClientError: Disk validation failed'),
        importImage('deleted', 'ClientError: Disk validation failed'),
      ],
      'failed',
    ],
    [
      'a root volume replacement failing, then failed',
      'replace-root-volume',
      [rootVolume('in-progress'), rootVolume('failing'), rootVolume('failed')],
      'failed',
    ],
  ])('%s: one end alert, %s', (_name, taskType, steps, end) => {
    const alerts = alertsOf(taskType, steps);

    expect(ends(alerts)).toEqual([`TaskStateChanged:${end}`]);
  });

  it('records a finished task EC2 changes its mind about as progress, not a second end', () => {
    const alerts = alertsOf('conversion', [
      conversion('active'),
      conversion('cancelled'),
      conversion(
        'cancelled',
        'ClientError: The disk image upload was incomplete before the expiration time.',
      ),
    ]);

    expect(alerts).toEqual(['TaskDiscovered:running', 'TaskStateChanged:cancelled', 'TaskProgressed:failed']);
  });

  // A terminal stored phase stays terminal: a later non-terminal state is progress, and the next
  // terminal state is not a second end (review finding B4).
  it('a bundle stored as cancelling/cancelled by an older release, then failed: no second end', () => {
    const descriptor = taskTypeDescriptor('bundle');
    const old = { ...descriptor.normalise(bundle('cancelling'), SCOPE), phase: 'cancelled' as const };
    const stored = new Map<string, StoredTask>([[old.taskId, { task: old, version: 1, gone: false }]]);

    const alerts = alertsOf('bundle', [bundle('cancelling'), bundle('failed', 'failed to upload')], stored);

    expect(ends(alerts)).toEqual([]);
    expect(alerts).toEqual(['TaskProgressed:failed']);
  });

  it('a conversion cancelling with an error, then without it, then cancelled: one end, failed', () => {
    const alerts = alertsOf('conversion', [
      conversion('active'),
      conversion('cancelling', 'ClientError: The disk image upload was incomplete.'),
      conversion('cancelling'),
      conversion('cancelled'),
    ]);

    expect(ends(alerts)).toEqual(['TaskStateChanged:failed']);
    expect(alerts).toEqual([
      'TaskDiscovered:running',
      'TaskStateChanged:failed',
      'TaskProgressed:failed',
      'TaskProgressed:cancelled',
    ]);
  });
});
