import {
  buildEvent,
  eventAttributes,
  eventIdFor,
  isTaskChangeEvent,
  timeInPreviousState,
} from '../../../lambdas/domain/event';
import { notificationSubject, notificationText } from '../../../lambdas/domain/notification-text';
import { SNS_MAX_BYTES, toSnsMessage } from '../../../lambdas/domain/sns-message';
import { aTask } from '../../support/tasks';

const detectedAt = new Date('2026-11-23T08:00:00.000Z');

/** What buildEvent was given for an event (version 5, as failedImport builds it). */
function inputOf(event: ReturnType<typeof buildEvent>) {
  return { ...event, version: 5, detectedAt: new Date(event.detectedAt) };
}

function failedImport() {
  const task = aTask({
    taskId: 'import-ami-0abc',
    state: 'deleted',
    phase: 'failed',
    progress: null,
    statusMessage: 'ClientError: Unknown OS / missing OS files.',
  });
  return buildEvent({
    changeType: 'TaskStateChanged',
    previous: { state: 'active', phase: 'running', progress: 42, statusMessage: 'converting' },
    current: {
      state: task.state,
      phase: task.phase,
      progress: task.progress,
      statusMessage: task.statusMessage,
    },
    task,
    version: 5,
    detectedAt,
  });
}

describe('buildEvent', () => {
  it('builds a schema-1 event with a deterministic id', () => {
    const event = failedImport();

    expect(event).toMatchObject({
      schemaVersion: '1',
      changeType: 'TaskStateChanged',
      detectedAt: '2026-11-23T08:00:00.000Z',
      account: '123456789012',
      region: 'us-east-1',
      taskType: 'import-image',
      taskId: 'import-ami-0abc',
      previous: { phase: 'running' },
      current: { phase: 'failed', state: 'deleted' },
    });
    expect(event.eventId).toBe(failedImport().eventId);
    expect(event.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("names the account when the poll knows its name (organization mode), with the same event id, and checks the name's type", () => {
    const plain = failedImport();
    const named = buildEvent({ ...inputOf(plain), accountName: 'Migration factory' });

    expect(plain).not.toHaveProperty('accountName');
    expect(named.accountName).toBe('Migration factory');
    expect(named.eventId).toBe(plain.eventId);
    expect(isTaskChangeEvent(named)).toBe(true);
    expect(isTaskChangeEvent({ ...named, accountName: 42 })).toBe(false);
    expect(notificationText(named)).toMatch(/^Account: +Migration factory \(123456789012\)$/m);
    expect(notificationText(plain)).toMatch(/^Account: +123456789012$/m);
  });

  it('gives each version of a task its own id', () => {
    const task = aTask();

    expect(eventIdFor(task, 1)).not.toBe(eventIdFor(task, 2));
    expect(eventIdFor(task, 1)).not.toBe(eventIdFor({ ...task, region: 'eu-west-1' }, 1));
  });
});

describe('timeInPreviousState', () => {
  const at = '2026-11-23T08:00:00.000Z';
  const previous = { state: 'active', phase: 'running' as const, progress: 42, statusMessage: null };

  it('is the time from when the previous state was first observed to this detection', () => {
    const event = { detectedAt: at, previous: { ...previous, since: '2026-11-23T06:55:00.000Z' } };

    expect(timeInPreviousState(event)).toBe(65 * 60_000);
  });

  it.each([
    ['a first sighting', null],
    ['a previous status recorded before since was kept', previous],
    ['a since after the detection', { ...previous, since: '2026-11-23T08:00:01.000Z' }],
    ['a since that is no time', { ...previous, since: 'yesterday' }],
  ])('is unknown for %s', (_case, status) => {
    expect(timeInPreviousState({ detectedAt: at, previous: status })).toBeUndefined();
  });
});

describe('eventAttributes', () => {
  it('carries every filterable attribute', () => {
    expect(eventAttributes(failedImport())).toEqual({
      changeType: 'TaskStateChanged',
      taskType: 'import-image',
      phase: 'failed',
      previousPhase: 'running',
      state: 'deleted',
      region: 'us-east-1',
      account: '123456789012',
    });
  });

  it('leaves out previousPhase and an empty state rather than sending empty values', () => {
    const task = aTask({ state: '', phase: 'unknown' });
    const event = buildEvent({
      changeType: 'TaskDiscovered',
      previous: null,
      current: task,
      task,
      version: 1,
      detectedAt,
    });

    expect(eventAttributes(event)).not.toHaveProperty('previousPhase');
    expect(eventAttributes(event)).not.toHaveProperty('state');
  });
});

describe('notification text', () => {
  it('has the subject a person scans for', () => {
    expect(notificationSubject(failedImport())).toBe(
      '[EC2 tasks] import-image import-ami-0abc failed (us-east-1)',
    );
  });

  it('keeps subjects within 100 printable ASCII characters', () => {
    const task = aTask({
      taskType: 'store-image',
      taskId: `ami-0abc@2026-11-23T08:00:00.000Z${'é'.repeat(80)}`,
    });
    const subject = notificationSubject(
      buildEvent({
        changeType: 'TaskDiscovered',
        previous: null,
        current: task,
        task,
        version: 1,
        detectedAt,
      }),
    );

    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('says how long the task was in its previous state when that is known', () => {
    const event = failedImport();
    const text = notificationText({
      ...event,
      previous: { ...event.previous!, since: '2026-11-23T06:55:00.000Z' },
    });

    expect(text).toContain('Change:    running (active) for 1h 5m -> failed (deleted)');
  });

  it('says what happened, from which state to which, the message and where to look', () => {
    const text = notificationText(failedImport());

    expect(text).toContain(
      'The EC2 import-image task import-ami-0abc in us-east-1 went from running to failed.',
    );
    expect(text).toContain('Change:    running (active) -> failed (deleted)');
    expect(text).toContain('Message:   ClientError: Unknown OS / missing OS files.');
    expect(text).toContain(
      'https://s3.console.aws.amazon.com/s3/buckets/vm-images?region=us-east-1&prefix=disks%2Fweb.vmdk',
    );
    expect(text).toContain(failedImport().eventId);
  });
});

describe('toSnsMessage', () => {
  it('publishes the JSON event by default and the text to email', () => {
    const event = failedImport();

    const message = toSnsMessage(event);
    const structure = JSON.parse(message.message);

    expect(JSON.parse(structure.default)).toEqual(event);
    expect(structure.email).toBe(notificationText(event));
    expect(message.subject).toBe(notificationSubject(event));
  });

  it('drops the raw object when a message would exceed SNS limits', () => {
    const event = failedImport();
    const huge = { ...event, task: { ...event.task, raw: { blob: 'x'.repeat(300_000) } } };

    const message = toSnsMessage(huge);

    expect(message.bytes).toBeLessThan(SNS_MAX_BYTES);
    expect(JSON.parse(JSON.parse(message.message).default).task.raw).toEqual({
      _truncated: true,
      reason: 'too large for SNS',
    });
  });
});

describe('isTaskChangeEvent', () => {
  it('accepts a built event and its JSON round trip', () => {
    const event = failedImport();

    expect(isTaskChangeEvent(event)).toBe(true);
    expect(isTaskChangeEvent(JSON.parse(JSON.stringify(event)))).toBe(true);
  });

  it.each([
    ['null', null],
    ['a string', 'event'],
    ['another schema version', { ...failedImport(), schemaVersion: '2' }],
    ['no event id', { ...failedImport(), eventId: undefined }],
    ['an unknown task type', { ...failedImport(), taskType: 'import-everything' }],
    ['no current status', { ...failedImport(), current: null }],
    ['no task', { ...failedImport(), task: undefined }],
  ])('rejects %s', (_name, value) => {
    expect(isTaskChangeEvent(value)).toBe(false);
  });
});
