import { buildEvent, type TaskChangeEvent } from '../../../lambdas/domain/event';
import type { Phase } from '../../../lambdas/domain/phase';
import {
  escapeMrkdwn,
  MAX_BLOCKS,
  MAX_BUTTON_TEXT,
  MAX_BUTTON_URL,
  MAX_FIELD_TEXT,
  MAX_FIELDS,
  MAX_HEADER_TEXT,
  MAX_SECTION_TEXT,
  type SlackMessage,
  toSlackMessage,
  truncate,
} from '../../../channels/slack-webhook/message';
import type { Task } from '../../../lambdas/domain/task';
import { aTask, aTimedChange, DETECTED_AT, RUNNING_SINCE_0655 } from '../../support/tasks';

function failedImport(overrides: Partial<Task> = {}): TaskChangeEvent {
  return aTimedChange(
    aTask({
      taskId: 'import-ami-0abc',
      state: 'deleted',
      phase: 'failed',
      progress: null,
      statusMessage: 'ClientError: Unknown OS / missing OS files.',
      ...overrides,
    }),
  );
}

/** Every text object of a message with the limit that applies to it. */
it('names the account next to its id in organization mode', () => {
  const section = toSlackMessage({ ...failedImport(), accountName: 'Prod' }).attachments![0]!.blocks[0]! as {
    fields: Array<{ text: string }>;
  };

  expect(section.fields.map((field) => field.text)).toContain('*Account*\nProd (123456789012)');
});

function textsWithLimits(message: SlackMessage): Array<[string, number]> {
  const blocks = [
    ...message.blocks,
    ...(message.attachments ?? []).flatMap((attachment) => attachment.blocks),
  ];
  return blocks.flatMap((block): Array<[string, number]> => {
    switch (block.type) {
      case 'header':
        return [[block.text.text, MAX_HEADER_TEXT]];
      case 'section':
        return block.fields.map((fieldText) => [fieldText.text, MAX_FIELD_TEXT]);
      case 'context':
        return block.elements.map((element) => [element.text, MAX_SECTION_TEXT]);
      case 'actions':
        return block.elements.flatMap((button): Array<[string, number]> => [
          [button.text.text, MAX_BUTTON_TEXT],
          [button.url, MAX_BUTTON_URL],
        ]);
    }
  });
}

describe('escapeMrkdwn', () => {
  it('escapes a channel mention so that it cannot ping', () => {
    // Act
    const escaped = escapeMrkdwn('failed <!channel> and <!here>');

    // Assess
    expect(escaped).toBe('failed &lt;!channel&gt; and &lt;!here&gt;');
  });

  it('escapes a user mention', () => {
    expect(escapeMrkdwn('ask <@U123>')).toBe('ask &lt;@U123&gt;');
  });

  it('escapes a forged link', () => {
    expect(escapeMrkdwn('see <https://evil|x>')).toBe('see &lt;https://evil|x&gt;');
  });

  it('escapes an ampersand, including one that already looks like an entity', () => {
    expect(escapeMrkdwn('A & B &lt; C')).toBe('A &amp; B &amp;lt; C');
  });

  it('replaces formatting markers by look-alikes except inside a word', () => {
    // Prepare
    const hostile = '*bold* _italic_ ~strike~ `code` my_disk_image 2*3';

    // Act
    const escaped = escapeMrkdwn(hostile);

    // Assess
    expect(escaped).toBe(
      '\u2217bold\u2217 \u02CDitalic\u02CD \u223Cstrike\u223C \u02CBcode\u02CB my_disk_image 2*3',
    );
  });

  it('judges a marker by whole characters, so letters outside the BMP count as letters', () => {
    expect(escapeMrkdwn('\u{1D400}_\u{1D401} \u{1D400}_ x')).toBe('\u{1D400}_\u{1D401} \u{1D400}\u02CD x');
  });

  it('flattens the Unicode line separators and C1 controls too', () => {
    expect(escapeMrkdwn('a\u2028> b\u2029c\u0085d')).toBe('a &gt; b c d');
  });

  it('keeps a leading > from opening a block quote and flattens line breaks', () => {
    expect(escapeMrkdwn('> quoted\r\n\tnext  line\u0000')).toBe('\u00AD&gt; quoted next line');
  });

  it('caps the length with an ellipsis, never cutting an entity', () => {
    // Act
    const escaped = escapeMrkdwn('abcd<efgh', 8);

    // Assess
    expect(escaped).toBe('abcd…');
  });

  it('caps at the default field limit', () => {
    // Act
    const escaped = escapeMrkdwn('<'.repeat(5000));

    // Assess
    expect(escaped).toBe(`${'&lt;'.repeat(499)}…`);
    expect(escaped.length).toBe(MAX_FIELD_TEXT - 3);
  });

  it('never splits a surrogate pair', () => {
    expect(escapeMrkdwn('ab😀cd', 4)).toBe('ab…');
    expect(truncate('ab😀cd', 4)).toBe('ab…');
  });
});

describe('toSlackMessage', () => {
  it('renders a failed import', () => {
    // Prepare
    const event = failedImport();

    // Act
    const message = toSlackMessage(event);

    // Assess
    expect(message).toEqual({
      text: '[EC2 tasks] import-image import-ami-0abc failed (us-east-1)',
      blocks: [{ type: 'header', text: { type: 'plain_text', text: 'import-image import-ami-0abc failed' } }],
      attachments: [
        {
          color: '#E01E5A',
          blocks: [
            {
              type: 'section',
              fields: [
                { type: 'mrkdwn', text: '*Type*\nimport-image', verbatim: true },
                { type: 'mrkdwn', text: '*Region*\nus-east-1', verbatim: true },
                { type: 'mrkdwn', text: '*Account*\n123456789012', verbatim: true },
                { type: 'mrkdwn', text: '*Change*\nrunning (active) → failed (deleted)', verbatim: true },
                { type: 'mrkdwn', text: '*Time in previous state*\n1h 5m', verbatim: true },
                {
                  type: 'mrkdwn',
                  text: '*Status message*\nClientError: Unknown OS / missing OS files.',
                  verbatim: true,
                },
              ],
            },
            {
              type: 'context',
              elements: [
                {
                  type: 'mrkdwn',
                  text: `Detected 2026-11-23T08:00:00.000Z · event ${event.eventId}`,
                  verbatim: true,
                },
              ],
            },
            {
              type: 'actions',
              elements: [
                {
                  type: 'button',
                  action_id: 'console-link',
                  text: { type: 'plain_text', text: 'S3 s3://vm-images/disks/web.vmdk' },
                  url: 'https://s3.console.aws.amazon.com/s3/buckets/vm-images?region=us-east-1&prefix=disks%2Fweb.vmdk',
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('leaves the time in the previous state out when it is not known', () => {
    // Prepare: a previous status recorded before the monitor kept since when it was observed.
    const { since: _since, ...unobserved } = RUNNING_SINCE_0655;
    const event = aTimedChange(
      aTask({ state: 'completed', phase: 'succeeded', progress: null }),
      'TaskStateChanged',
      unobserved,
    );

    // Act
    const section = toSlackMessage(event).attachments![0]!.blocks[0]!;

    // Assess
    expect(section.type === 'section' && section.fields.map((f) => f.text.split('\n')[0])).toEqual([
      '*Type*',
      '*Region*',
      '*Account*',
      '*Change*',
      '*Status message*',
    ]);
  });

  it('shows progress and a first sighting', () => {
    // Prepare
    const task = aTask();
    const event = buildEvent({
      changeType: 'TaskDiscovered',
      previous: null,
      current: task,
      task,
      version: 1,
      detectedAt: DETECTED_AT,
    });

    // Act
    const section = toSlackMessage(event).attachments![0]!.blocks[0]!;

    // Assess
    expect(section).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Type*\nimport-image', verbatim: true },
        { type: 'mrkdwn', text: '*Region*\nus-east-1', verbatim: true },
        { type: 'mrkdwn', text: '*Account*\n123456789012', verbatim: true },
        { type: 'mrkdwn', text: '*Change*\n(first seen) → running (active)', verbatim: true },
        { type: 'mrkdwn', text: '*Progress*\n28%', verbatim: true },
        { type: 'mrkdwn', text: '*Status message*\nconverting', verbatim: true },
      ],
    });
  });

  it('escapes a hostile status message', () => {
    // Prepare
    const event = failedImport({ statusMessage: '<!channel> *urgent* see <https://evil|x> & retry' });

    // Act
    const fields = (toSlackMessage(event).attachments![0]!.blocks[0] as { fields: Array<{ text: string }> })
      .fields;

    // Assess
    expect(fields.at(-1)!.text).toBe(
      '*Status message*\n&lt;!channel&gt; \u2217urgent\u2217 see &lt;https://evil|x&gt; &amp; retry',
    );
  });

  it.each<[Phase, string]>([
    ['pending', '#36C5F0'],
    ['running', '#36C5F0'],
    ['succeeded', '#2EB67D'],
    ['failed', '#E01E5A'],
    ['cancelled', '#ECB22E'],
    ['unknown', '#999999'],
  ])('colors a %s task %s', (phase, color) => {
    // Prepare
    const event = failedImport({ phase });

    // Act
    const message = toSlackMessage(event);

    // Assess
    expect(message.attachments!.map((attachment) => attachment.color)).toEqual([color]);
  });

  it('keeps every text within its limit with a 1 MB status message', () => {
    // Prepare
    const statusMessage = '<!channel> '.repeat(100_000).slice(0, 1024 * 1024);
    const event = failedImport({ statusMessage });

    // Act
    const message = toSlackMessage(event);

    // Assess
    const texts = textsWithLimits(message);
    expect(texts.filter(([text, limit]) => text.length > limit)).toEqual([]);
    const fields = (message.attachments![0]!.blocks[0] as { fields: Array<{ text: string }> }).fields;
    expect(fields.length).toBeLessThanOrEqual(MAX_FIELDS);
    expect(fields.at(-1)!.text.length).toBe(MAX_FIELD_TEXT);
    expect(fields.at(-1)!.text.endsWith('…')).toBe(true);
    expect(message.blocks.length + message.attachments![0]!.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    expect(JSON.stringify(message).length).toBeLessThan(10_000);
  });

  it('cuts a long header to 150 characters', () => {
    // Prepare
    const event = failedImport({ taskId: `import-ami-${'0'.repeat(300)}` });

    // Act
    const header = toSlackMessage(event).blocks[0] as { text: { text: string } };

    // Assess
    expect(header.text.text).toBe(`import-image import-ami-${'0'.repeat(MAX_HEADER_TEXT - 25)}…`);
    expect(header.text.text.length).toBe(MAX_HEADER_TEXT);
  });

  it('falls back to a console link that fits a button', () => {
    // Prepare
    const event = failedImport({ resources: { bucket: 'vm-images', key: 'k'.repeat(MAX_BUTTON_URL) } });

    // Act
    const actions = toSlackMessage(event).attachments![0]!.blocks[2];

    // Assess
    expect(actions).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: 'console-link',
          text: { type: 'plain_text', text: 'EC2 console' },
          url: 'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Home:',
        },
      ],
    });
  });
});
