// Why: the local mode is read by a person. Counts must read right (1 task, 2 tasks), a finished
// task must not show the progress it stopped at, and a change of progress must read as progress,
// not as "running -> running".
import type { StoredTask } from '../../lambdas/domain/changes';
import type { TaskChangeEvent } from '../../lambdas/domain/event';
import {
  changeOf,
  etaOf,
  plural,
  progressBar,
  renderEventLine,
  renderQuotas,
  renderStatus,
  scenarioFinishedLine,
  statusTableWhenChanged,
} from '../../cli/render';
import { quotaUses } from '../../lambdas/domain/quota';
import { aTask, stored as storedSnapshot } from '../support/tasks';

const plain = { color: false };

function stored(overrides: Parameters<typeof aTask>[0]): StoredTask {
  return storedSnapshot(aTask(overrides));
}

function anEvent(overrides: Partial<TaskChangeEvent>): TaskChangeEvent {
  return {
    schemaVersion: '1',
    eventId: 'e-1',
    changeType: 'TaskProgressed',
    detectedAt: '2026-12-02T10:44:42.000Z',
    account: '000000000000',
    region: 'us-east-1',
    taskType: 'import-image',
    taskId: 'import-ami-1',
    previous: { state: 'active', phase: 'running', progress: 19, statusMessage: 'validated' },
    current: { state: 'active', phase: 'running', progress: 28, statusMessage: 'converting' },
    task: aTask({ taskId: 'import-ami-1' }),
    ...overrides,
  } as TaskChangeEvent;
}

describe('plural', () => {
  it('puts the noun in the number the count asks for', () => {
    expect([plural(0, 'task'), plural(1, 'task'), plural(2, 'change')]).toEqual([
      '0 tasks',
      '1 task',
      '2 changes',
    ]);
  });

  it('says how the scenario ended, in the words of the issue', () => {
    expect(scenarioFinishedLine({ tasks: 10, changes: 1, alerts: 0 })).toBe(
      'scenario finished: 10 tasks, 1 change, 0 alerts',
    );
  });
});

describe('renderStatus', () => {
  it('shows a progress bar for an unfinished task and none for a finished one', () => {
    const table = renderStatus(
      [
        stored({ taskId: 'import-ami-run', phase: 'running', state: 'active', progress: 28 }),
        stored({ taskId: 'import-ami-end', phase: 'failed', state: 'deleted', progress: 28 }),
      ],
      plain,
    );

    const [, first, second] = table.split('\n');
    expect(first).toContain('import-ami-end');
    expect(first).not.toContain('28%');
    expect(first?.endsWith('failed')).toBe(true);
    expect(second).toContain('import-ami-run');
    expect(second).toContain(progressBar(28));
  });
  it('adds an ACCOUNT column, sorted by it, once the tasks come from more than one account, and colours the phase', () => {
    const tasks = [
      stored({ taskId: 'import-ami-b', account: '222222222222', phase: 'failed', state: 'deleted' }),
      stored({ taskId: 'import-ami-a', account: '111111111111' }),
    ];

    const [header, first, second] = renderStatus(tasks, plain).split('\n');
    const coloured = renderStatus(tasks, { color: true }).split('\n');

    expect(header?.split(/\s+/)).toEqual([
      'ACCOUNT',
      'TYPE',
      'TASK',
      'ID',
      'REGION',
      'STATE',
      'PHASE',
      'PROGRESS',
      'ETA',
    ]);
    expect(first?.startsWith('111111111111')).toBe(true);
    expect(second?.startsWith('222222222222')).toBe(true);
    expect(coloured[2]).toContain('\u001b[');
    expect(renderStatus([tasks[1] as StoredTask], plain)).not.toContain('ACCOUNT');
  });
});

describe('etaOf', () => {
  const anchor = { at: '2026-12-02T13:00:00.000Z', progress: 20 };
  const at = (overrides: Partial<StoredTask>) => ({
    ...stored({ progress: 60 }),
    writtenAt: '2026-12-02T13:20:00.000Z',
    progressAnchor: anchor,
    ...overrides,
  });

  it('shows the completion estimated when the snapshot was written, blank when withheld or stalled', () => {
    // 20 % -> 60 % in 20 minutes: 40 % left takes 20 more.
    expect(etaOf(at({}))).toBe('around 13:40 UTC');
    expect(etaOf(at({ progressAnchor: undefined }))).toBe('');
    expect(etaOf(at({ stalledAt: '2026-12-02T13:20:00.000Z' }))).toBe('');
    expect(renderStatus([at({})], plain)).toMatch(/ETA\n.*around 13:40 UTC$/);
  });
});

describe('statusTableWhenChanged', () => {
  it('gives the table the first time and when a row changed, nothing when it did not', () => {
    const table = statusTableWhenChanged();
    const running = [stored({ taskId: 'import-ami-1', progress: 28 })];
    const moved = [stored({ taskId: 'import-ami-1', progress: 55 })];

    const shown = [table(running, plain), table(running, plain), table(moved, plain), table(moved, plain)];

    expect(shown.map((text) => text !== undefined)).toEqual([true, false, true, false]);
    expect(shown[2]).toContain('55%');
  });

  it('compares without colours, and shows the coloured table', () => {
    const table = statusTableWhenChanged();
    const tasks = [stored({ taskId: 'import-ami-1' })];

    expect(table(tasks, { color: true })).toContain('\u001b[');
    expect(table(tasks, plain)).toBeUndefined();
  });
});

describe('renderEventLine', () => {
  it('reads a progress-only change as progress, with the state and message that moved', () => {
    const line = renderEventLine(anEvent({}), plain);

    expect(line).toBe(
      '10:44:42  import-image import-ami-1 (us-east-1): progress 19% -> 28%, "validated" -> "converting"',
    );
    expect(line).not.toContain('running -> running');
  });

  it("names the account in organization mode, whose events carry the account's name", () => {
    const line = renderEventLine(anEvent({ account: '111111111111', accountName: 'prod' }), plain);

    expect(line).toBe(
      '10:44:42  import-image import-ami-1 (us-east-1, prod): progress 19% -> 28%, "validated" -> "converting"',
    );
  });

  it('names a raw state that moved within the phase', () => {
    const event = anEvent({
      taskType: 'bundle',
      previous: { state: 'bundling', phase: 'running', progress: 45, statusMessage: null },
      current: { state: 'storing', phase: 'running', progress: 45, statusMessage: null },
    });

    expect(changeOf(event)).toBe('progress bundling -> storing');
  });

  it('names discoveries, phase changes and disappearances', () => {
    expect(
      changeOf(
        anEvent({
          changeType: 'TaskDiscovered',
          previous: null,
          current: { state: 'pending', phase: 'pending', progress: 0, statusMessage: null },
        }),
      ),
    ).toBe('discovered, pending (pending)');
    expect(
      changeOf(
        anEvent({
          changeType: 'TaskStateChanged',
          current: { state: 'completed', phase: 'succeeded', progress: null, statusMessage: null },
        }),
      ),
    ).toBe('running -> succeeded (completed)');
    expect(
      changeOf(
        anEvent({
          changeType: 'TaskDisappeared',
          current: { state: '', phase: 'unknown', progress: null, statusMessage: null },
        }),
      ),
    ).toBe('disappeared while running');
  });
});

describe('renderQuotas', () => {
  it('shows each quota of each Region: the tasks in use of the limit, and whether the warning is raised', () => {
    const tasks = [
      ...Array.from({ length: 17 }, (_, index) => stored({ taskId: `import-ami-${index}` })),
      stored({ taskId: 'import-ami-done', phase: 'succeeded', state: 'completed' }),
      stored({ taskType: 'export-instance', taskId: 'export-i-1', region: 'eu-west-1' }),
    ];
    const levels = new Map([
      [
        'vm-image-tasks',
        { level: 'nearly-exhausted', inUse: 16, limit: 20, since: '2026-12-02T10:00:00.000Z' },
      ],
    ] as const);
    const uses = quotaUses(
      tasks,
      [
        { account: '123456789012', region: 'us-east-1', quota: { levels: new Map(levels), version: 1 } },
        { account: '123456789012', region: 'eu-west-1' },
      ],
      ['import-image', 'import-snapshot', 'export-image', 'conversion', 'export-instance'],
    );

    expect(renderQuotas(uses, plain).split('\n')).toEqual([
      'QUOTA                REGION     IN USE                     LEVEL',
      'vm-image-tasks       us-east-1  17 / 20 (85 %)             nearly exhausted',
      'vm-conversion-tasks  us-east-1  0 / 5 (documented) (0 %)   available',
      'vm-image-tasks       eu-west-1  0 / 20 (documented) (0 %)  available',
      'vm-conversion-tasks  eu-west-1  1 / 5 (documented) (20 %)  available',
    ]);
  });

  it('shows nothing when no quota group is polled', () => {
    expect(
      renderQuotas(quotaUses([], [{ account: '123456789012', region: 'us-east-1' }], ['bundle']), plain),
    ).toBe('');
  });
});
