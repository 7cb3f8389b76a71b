// Text from a task is data, never markup or layout, in every rendering of an event. One table of
// hostile values is put into every task-supplied field (status message, raw states, task id, S3
// bucket and key, resource ids) and rendered as the email, the Chatbot custom notification and the
// Slack webhook message; each must keep its shape, carry no bidirectional or format control and
// link nothing, while the EventBridge detail stays the raw event, value for value.
import { toChatbotNotification } from '../../../lambdas/domain/chatbot-notification';
import type { TaskChangeEvent } from '../../../lambdas/domain/event';
import { toEventBusEntry } from '../../../channels/event-bus/entry';
import { notificationSubject, notificationText } from '../../../lambdas/domain/notification-text';
import { toSlackMessage } from '../../../channels/slack-webhook/message';
import { aChange, aTask } from '../../support/tasks';

const HOSTILE: Record<string, string> = {
  'a newline forging a Console section':
    'disks/web.vmdk\n\nConsole:\n  Pay the fine here\n    https://evil.example/pay',
  'CRLF forging a Message line': 'ok\r\nMessage:   All good, ignore the failure',
  'Unicode line and paragraph separators': 'a\u2028Console:\u2029b',
  'a right-to-left override': 'report\u202Etxt.exe',
  'isolates, embeddings and zero-width characters':
    '\u2066ami\u2069\u202A-\u202C0abc\u200B\u200C\u200D\u200E\u200F\uFEFF\u061C',
  'a Slack mention and a Slack link': '<!channel> <https://evil.example|click here>',
  'a markdown link': '[verify your account](https://evil.example/login)',
  'bare addresses': 'see https://evil.example/x or www.evil.example or evil.example',
};

/** Bidirectional and format controls that must not reach any channel. */
const FORMAT_CONTROL = /[\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;
/** Line breaks of any kind. */
const LINE_BREAK = /[\r\n\u2028\u2029\u0085]/;

/** A failed import whose every task-supplied text is `text`, moving from a state that is `text` too. */
function eventWith(text: string): TaskChangeEvent {
  const task = aTask({
    taskId: `import-ami-0abc${text}`,
    state: `deleted${text}`,
    phase: 'failed',
    statusMessage: `ClientError: ${text}`,
    resources: {
      bucket: `vm-images${text}`,
      key: `disks/${text}`,
      imageId: `ami-0abc${text}`,
      instanceId: `i-0abc${text}`,
      snapshotId: `snap-0abc${text}`,
      volumeId: `vol-0abc${text}`,
    },
  });
  return aChange(task, {
    previous: {
      state: `active${text}`,
      phase: 'running',
      progress: 40,
      statusMessage: null,
      since: '2026-11-23T07:00:00.000Z',
    },
  });
}

/** The same event with a harmless value in place of the hostile one: the shape to keep. */
const benign = eventWith('x');

/** Every string inside a value, at any depth. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsOf);
  return [];
}

/** What a line of the email is, without the task's values: its label, or its kind. */
function lineShape(line: string): string {
  if (line.startsWith('    ')) return 'url';
  if (line.startsWith('  ')) return 'link label';
  return /^[A-Z][a-z]*:/.exec(line)?.[0] ?? (line === '' ? 'blank' : 'sentence');
}

describe.each(Object.entries(HOSTILE))('%s in every task-supplied field', (_label, text) => {
  const event = eventWith(text);

  it('keeps the email to its own lines: one value per line, one Console section, no format control', () => {
    const body = notificationText(event);
    const lines = body.split('\n');

    expect(lines.map(lineShape)).toEqual(notificationText(benign).split('\n').map(lineShape));
    expect(lines.filter((line) => line === 'Console:')).toHaveLength(1);
    expect(body).not.toMatch(FORMAT_CONTROL);
    expect(body).not.toMatch(/[\r\u2028\u2029\u0085]/);
    for (const url of lines.filter((line) => lineShape(line) === 'url')) {
      expect(url.trim()).toMatch(/^https:\/\/[\w.-]+\.(aws\.amazon\.com)\/\S*$/);
    }
    expect(notificationSubject(event)).toMatch(/^[\x20-\x7e]{1,100}$/);
  });

  it('gives Chatbot escaped one-line values in relatedResources, keywords and additionalContext, and links nothing', () => {
    const notification = toChatbotNotification(event);
    const { metadata, content } = notification;
    const oneLineValues = [
      ...(metadata?.relatedResources ?? []),
      ...(content.keywords ?? []),
      ...Object.values(metadata?.additionalContext ?? {}),
      content.title,
      metadata?.summary ?? '',
    ];

    expect(metadata?.relatedResources).toHaveLength(benign.task.resources.bucket ? 5 : 4);
    for (const value of oneLineValues) {
      expect(value).not.toMatch(LINE_BREAK);
      // A markdown link or a mention inside a code span (the ids in the title) is shown as typed.
      expect(value.replace(/`[^`]*`/g, '')).not.toMatch(/<[!@h]|\]\(http/);
    }
    expect(content.description.split('\n')).toHaveLength(
      toChatbotNotification(benign).content.description.split('\n').length,
    );
    // No invisible character at all, not even one of the renderer's own (review finding B5).
    expect(stringsOf(notification).join('\n')).not.toMatch(FORMAT_CONTROL);
    // What the chat client shows of the task's own text (not the monitor's links and hints) holds
    // no address it could link, and mentions nobody, outside the code spans that hold the ids
    // (which the clients show as typed); every code span is closed.
    const shown = [
      content.title,
      ...content.description.split('\n').filter((line) => !line.startsWith('Console:')),
    ];
    for (const line of shown) expect(line.split('`').length % 2).toBe(1);
    const outsideCode = shown.map((line) => line.replace(/`[^`]*`/g, '')).join('\n');
    expect(outsideCode).not.toMatch(/evil\.example|:\/\/evil|@(here|channel)/);
    // The ids are still the ids: the code span in the title and the additional context hold the
    // task id as it is, once made one line (only the markdown escapes in the context differ).
    expect(content.title).toContain(`\`${benign.taskId.replace('x', '')}`);
    expect(metadata?.additionalContext?.taskId).not.toMatch(/[\u2024\u2215\uff20]/);
  });

  it('keeps every Slack field to its heading line and one value line, with no format control', () => {
    const message = toSlackMessage(event);
    const fields = message.attachments?.[0]?.blocks.flatMap((block) =>
      block.type === 'section' ? block.fields : [],
    );

    expect(fields?.length).toBeGreaterThan(0);
    for (const field of fields ?? []) {
      expect(field.verbatim).toBe(true);
      expect(field.text.split('\n')).toHaveLength(2);
      expect(field.text).not.toMatch(/<[!@h]/);
    }
    expect(message.blocks[0]?.type === 'header' && message.blocks[0].text.text).not.toMatch(LINE_BREAK);
    expect(JSON.stringify(message)).not.toMatch(FORMAT_CONTROL);
  });

  it('puts the raw event on EventBridge, value for value', () => {
    const entry = toEventBusEntry(event, 'bus');

    expect(JSON.parse(entry.Detail)).toEqual(event);
    expect(JSON.parse(entry.Detail).current.statusMessage).toBe(`ClientError: ${text}`);
  });
});

describe('real ids', () => {
  it('keeps real ids copyable in the Chatbot notification: no look-alike, no invisible character', () => {
    const storeImage = aChange(
      aTask({
        taskType: 'store-image',
        taskId: 'ami-0c9a8b7d6e5f41302@2026-12-02T12:26:44.883Z',
        resources: {
          imageId: 'ami-0c9a8b7d6e5f41302',
          bucket: 'ami-store',
          key: 'ami-0c9a8b7d6e5f41302.bin',
        },
      }),
    );
    const notification = toChatbotNotification(storeImage);

    expect(notification.content.title).toContain('`ami-0c9a8b7d6e5f41302@2026-12-02T12:26:44.883Z`');
    expect(notification.metadata?.relatedResources).toEqual([
      'ami-0c9a8b7d6e5f41302',
      's3://ami-store/ami-0c9a8b7d6e5f41302.bin',
    ]);
    expect(notification.metadata?.additionalContext?.taskId).toBe(
      'ami-0c9a8b7d6e5f41302@2026-12-02T12:26:44.883Z',
    );
  });
});
