import {
  CHATBOT_LIMITS,
  codeSpan,
  escapeFreeText,
  escapeMarkdown,
  toChatbotNotification,
} from '../../../lambdas/domain/chatbot-notification';
import type { ChangeType } from '../../../lambdas/domain/changes';
import type { TaskChangeEvent } from '../../../lambdas/domain/event';
import type { ObservedStatus, Task } from '../../../lambdas/domain/task';
import { aTask, aTimedChange, RUNNING_SINCE_0655 } from '../../support/tasks';

function eventFor(
  overrides: Partial<Task>,
  changeType?: ChangeType,
  previous?: ObservedStatus | null,
): TaskChangeEvent {
  return aTimedChange(aTask(overrides), changeType, previous);
}

function failedImport(overrides: Partial<Task> = {}): TaskChangeEvent {
  return eventFor({
    taskId: 'import-ami-0abc',
    state: 'deleted',
    phase: 'failed',
    progress: null,
    statusMessage: 'ClientError: Unknown OS / missing OS files.',
    startTime: '2026-11-23T07:00:00.000Z',
    updateTime: '2026-11-23T07:55:30.000Z',
    ...overrides,
  });
}

function succeededImport(): TaskChangeEvent {
  return eventFor({
    taskId: 'import-ami-0abc',
    state: 'completed',
    phase: 'succeeded',
    progress: null,
    statusMessage: null,
    resources: { imageId: 'ami-0123456789abcdef0' },
  });
}

describe('escapeMarkdown', () => {
  it('leaves ordinary status text as it is', () => {
    expect(escapeMarkdown('ClientError: Unknown OS / missing OS files.')).toBe(
      'ClientError: Unknown OS / missing OS files.',
    );
  });

  it('turns angle brackets and ampersands into entities so no mention or link can be forged', () => {
    expect(escapeMarkdown('<!channel> <@U123> <http://evil|click> a&b')).toBe(
      '&lt;\\!channel&gt; &lt;@U123&gt; &lt;http://evil\\|click&gt; a&amp;b',
    );
  });

  it('backslash-escapes markdown punctuation', () => {
    expect(escapeMarkdown('[x](http://evil) *b* _i_ ~s~ `c` # \\')).toBe(
      '\\[x\\]\\(http://evil\\) \\*b\\* \\_i\\_ \\~s\\~ \\`c\\` \\# \\\\',
    );
  });

  it('adds no character of its own, so an escaped id is still the id', () => {
    expect(escapeMarkdown('ami-0abc@2026-11-23T08:00:00.000Z')).toBe('ami-0abc@2026-11-23T08:00:00.000Z');
  });

  it('keeps the text on one line', () => {
    expect(escapeMarkdown('one\n# two\r\n\tthree')).toBe('one \\# two three');
  });
});

describe('escapeFreeText', () => {
  // Changed by review finding B5: a visible FULLWIDTH COMMERCIAL AT instead of a zero-width space
  // after `@`, which issue 9 requires stripped from every channel's text.
  it('breaks @-mentions with a look-alike @, not an invisible character', () => {
    expect(escapeFreeText('@here @channel')).toBe('\uff20here \uff20channel');
  });

  it('keeps addresses from becoming links', () => {
    expect(escapeFreeText('see https://evil.example')).toBe('see https:\u2215\u2215evil\u2024example');
  });
});

describe('codeSpan', () => {
  it('shows an id as typed, in a code span', () => {
    expect(codeSpan('ami-0abc@2026-11-23T08:00:00.000Z')).toBe('`ami-0abc@2026-11-23T08:00:00.000Z`');
  });

  it('keeps hostile text on one line, without control characters, and the span closed', () => {
    expect(codeSpan('a`b\n<!here> &')).toBe('`a\u02cbb &lt;!here&gt; &amp;`');
    expect(codeSpan(`id-${'x'.repeat(500)}`, 20)).toMatch(/^`id-x{16}…`$/);
    expect(codeSpan(' \n ')).toBe('');
  });
});

describe('toChatbotNotification', () => {
  it('names the account next to its id in organization mode, escaped like any text from outside', () => {
    const description = toChatbotNotification({ ...failedImport(), accountName: 'Prod *core*' }).content
      .description;

    expect(description.split('\n')).toContain(`Account: ${escapeMarkdown('Prod *core* (123456789012)')}`);
  });

  it('renders a realistic failed import as the complete custom notification', () => {
    // Prepare
    const event = failedImport();

    // Act
    const notification = toChatbotNotification(event);

    // Assess
    expect(notification).toEqual({
      version: '1.0',
      source: 'custom',
      id: event.eventId,
      content: {
        textType: 'client-markdown',
        title: ':x: import-image `import-ami-0abc` failed (us-east-1)',
        description: [
          'Change: running (active) → failed (deleted)',
          'Message: ClientError: Unknown OS / missing OS files.',
          'Time in running (active): 1h 5m',
          'Account: 123456789012',
          'Console: [S3 s3://vm-images/disks/web.vmdk](https://s3.console.aws.amazon.com/s3/buckets/vm-images?region=us-east-1&prefix=disks%2Fweb.vmdk)' +
            ' · [EC2 console](https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Home:)',
        ].join('\n'),
        nextSteps: [
          'VM Import/Export troubleshooting: https://docs.aws.amazon.com/vm-import/latest/userguide/troubleshooting.html',
          'Hint: VM Import found no supported operating system; import the boot disk of a supported OS.',
        ],
        keywords: ['import-image', 'failed', 'us-east-1'],
      },
      metadata: {
        threadId: 'import-ami-0abc',
        summary: 'import-image `import-ami-0abc` failed (us-east-1)',
        eventType: 'TaskStateChanged',
        // Ids and the S3 URI as they are, so they can be copied (review finding B5).
        relatedResources: ['s3://vm-images/disks/web.vmdk'],
        additionalContext: {
          taskType: 'import-image',
          taskId: 'import-ami-0abc',
          region: 'us-east-1',
          account: '123456789012',
          phase: 'failed',
          state: 'deleted',
        },
      },
    });
  });

  it.each<[ChangeType, Partial<Task>]>([
    ['TaskDiscovered', { phase: 'pending', state: 'pending', progress: null }],
    ['TaskProgressed', {}],
    ['TaskStateChanged', { phase: 'succeeded', state: 'completed' }],
    ['TaskDisappeared', { phase: 'unknown', state: '' }],
  ])('sets the required fields and the only allowed text type for %s', (changeType, overrides) => {
    // Prepare
    const event = eventFor(overrides, changeType);

    // Act
    const notification = toChatbotNotification(event);

    // Assess
    expect(notification.version).toBe('1.0');
    expect(notification.source).toBe('custom');
    expect(notification.content.textType).toBe('client-markdown');
    expect(notification.content.title.length).toBeGreaterThan(0);
    expect(notification.content.description.length).toBeGreaterThan(0);
    expect(notification.metadata?.eventType).toBe(changeType);
  });

  it('uses one emoji per phase and the progress in a progress title', () => {
    const titles = [
      eventFor({}, 'TaskProgressed'),
      eventFor({ phase: 'pending', state: 'pending', progress: null }, 'TaskDiscovered', null),
      eventFor({ phase: 'cancelled', state: 'deleted', progress: null }),
      eventFor({ phase: 'unknown', state: '' }, 'TaskDisappeared'),
    ].map((event) => toChatbotNotification(event).content.title);

    expect(titles).toEqual([
      ':arrows_counterclockwise: import-image `import-ami-0123456789abcdef0` running 28% (us-east-1)',
      ':hourglass: import-image `import-ami-0123456789abcdef0` pending (us-east-1)',
      ':no_entry_sign: import-image `import-ami-0123456789abcdef0` cancelled (us-east-1)',
      ':grey_question: import-image `import-ami-0123456789abcdef0` disappeared (us-east-1)',
    ]);
  });

  it('cuts a 1 MB status message and keeps the description within the limit, links included', () => {
    // Prepare
    const event = failedImport({ statusMessage: `ClientError: ${'x'.repeat(1024 * 1024)}` });

    // Act
    const { content } = toChatbotNotification(event);

    // Assess
    const messageLine = content.description.split('\n')[1];
    expect(messageLine).toBe(`Message: ClientError: ${'x'.repeat(1000 - 'ClientError: '.length - 1)}…`);
    expect(content.description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
    expect(content.description.endsWith('#Home:)')).toBe(true);
  });

  // Changed by review finding B5: the id is cut inside its code span (120 units), which stays
  // closed, and the rest of the title follows it.
  it('cuts an over-long id inside its code span, never inside an escape, and keeps the title to the limit', () => {
    // Prepare
    const event = failedImport({ taskId: `import-ami-${'&'.repeat(1000)}` });
    const plain = failedImport({ taskId: `import-ami-${'a'.repeat(1000)}` });

    // Act
    const notification = toChatbotNotification(event);
    const plainTitle = toChatbotNotification(plain).content.title;

    // Assess
    expect(plainTitle).toBe(
      `:x: import-image \`import-ami-${'a'.repeat(120 - 'import-ami-'.length - 1)}…\` failed (us-east-1)`,
    );
    expect(notification.content.title.length).toBeLessThanOrEqual(CHATBOT_LIMITS.title);
    expect(notification.content.title).toMatch(
      /^:x: import-image `import-ami-(&amp;)+…` failed \(us-east-1\)$/,
    );
    expect(notification.metadata?.summary).toBe(notification.content.title.slice(':x: '.length));
    expect(notification.content.description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
  });

  it('threads every update of a task under the task id', () => {
    const ids = [failedImport(), eventFor({ taskId: 'import-ami-0abc' }, 'TaskProgressed')].map(
      (event) => toChatbotNotification(event).metadata?.threadId,
    );

    expect(ids).toEqual(['import-ami-0abc', 'import-ami-0abc']);
  });

  it('gives no next steps for a success, and lists the AMI as a related resource', () => {
    const notification = toChatbotNotification(succeededImport());

    expect(notification.content.nextSteps).toBeUndefined();
    expect(notification.content.title).toBe(
      ':white_check_mark: import-image `import-ami-0abc` succeeded (us-east-1)',
    );
    expect(notification.metadata?.relatedResources).toEqual(['ami-0123456789abcdef0']);
  });

  it('gives the troubleshooting link without a hint for an unknown ClientError of an import-snapshot', () => {
    const event = failedImport({
      taskType: 'import-snapshot',
      taskId: 'import-snap-0abc',
      statusMessage: 'ClientError: something new',
    });

    expect(toChatbotNotification(event).content.nextSteps).toEqual([
      'VM Import/Export troubleshooting: https://docs.aws.amazon.com/vm-import/latest/userguide/troubleshooting.html',
    ]);
  });

  it('gives no next steps for an import failing with a server error', () => {
    const event = failedImport({ statusMessage: 'ServerError: internal failure' });

    expect(toChatbotNotification(event).content.nextSteps).toBeUndefined();
  });

  it('links the store and restore guide for a failed store-image task', () => {
    const event = failedImport({
      taskType: 'store-image',
      taskId: 'ami-0abc@2026-11-23T07:00:00.000Z',
      statusMessage: 'AccessDenied',
      resources: { imageId: 'ami-0abc', bucket: 'ami-store' },
    });

    const notification = toChatbotNotification(event);

    expect(notification.content.nextSteps).toEqual([
      'Store and restore an AMI using S3: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-store-restore.html',
    ]);
    expect(notification.metadata?.threadId).toBe('ami-0abc@2026-11-23T07:00:00.000Z');
    expect(notification.metadata?.relatedResources).toEqual(['ami-0abc', 's3://ami-store/']);
  });

  it('suggests checking the console when a task disappears', () => {
    const event = eventFor({ phase: 'unknown', state: '' }, 'TaskDisappeared');

    expect(toChatbotNotification(event).content.nextSteps).toEqual([
      'Check the task in the console; it may have been cancelled.',
    ]);
  });

  it('escapes hostile text from the task so it cannot forge a link or a mention', () => {
    // Prepare
    const event = failedImport({ statusMessage: 'ClientError: <!channel> @here [x](http://evil)\n# big' });

    // Act
    const { content } = toChatbotNotification(event);

    // Assess
    expect(content.description.split('\n')[1]).toBe(
      'Message: ClientError: &lt;\\!channel&gt; \uff20here \\[x\\]\\(http:\u2215\u2215evil\\) \\# big',
    );
    expect(content.description).not.toContain('<!channel>');
    expect(content.description).not.toContain('](http://evil)');
  });

  it('keys the notification by task type, phase and Region', () => {
    const event = eventFor({ region: 'eu-west-1' }, 'TaskProgressed');

    expect(toChatbotNotification(event).content.keywords).toEqual(['import-image', 'running', 'eu-west-1']);
  });

  it('describes a progressed task: previous and current status, message and progress', () => {
    // Prepare
    const event = eventFor({ state: 'active', progress: 75, statusMessage: 'updating' }, 'TaskProgressed');

    // Act
    const { title, description } = toChatbotNotification(event).content;

    // Assess
    expect(title).toBe(
      ':arrows_counterclockwise: import-image `import-ami-0123456789abcdef0` running 75% (us-east-1)',
    );
    expect(description.split('\n').slice(0, 3)).toEqual([
      'Change: running (active) → running (active)',
      'Message: updating',
      'Progress: 75%',
    ]);
  });

  it('escapes a raw state from the API in the change line', () => {
    const event = failedImport({ state: '*[x](http://evil)*' });

    expect(toChatbotNotification(event).content.description.split('\n')[0]).toBe(
      'Change: running (active) → failed (\\*\\[x\\]\\(http:\u2215\u2215evil\\)\\*)',
    );
  });

  it('keeps a status message on one line whatever line break or control character it carries', () => {
    // Prepare
    const event = failedImport({ statusMessage: 'ClientError: a\u2028# b\u2029c\u0085d\u0000e\u009bf' });

    // Act
    const lines = toChatbotNotification(event).content.description.split(/[\n\u2028\u2029\u0085]/);

    // Assess
    expect(lines[1]).toBe('Message: ClientError: a \\# b c d e f');
  });

  it('shows the time in the previous state, from when it was first observed to this detection', () => {
    // The task's own start (07:00) and last update (07:55:30) would make 55m 30s or 1h: the
    // previous state began at 06:55, and the change was detected at 08:00.
    const { description } = toChatbotNotification(failedImport()).content;

    expect(description.split('\n')[2]).toBe('Time in running (active): 1h 5m');
    expect(description).not.toContain('Time from start');
  });

  it('counts the time in a state across progress within it, up to this detection', () => {
    const event = eventFor({ progress: 75, statusMessage: 'updating' }, 'TaskProgressed', {
      ...RUNNING_SINCE_0655,
      since: '2026-11-23T07:59:15.000Z',
    });

    expect(toChatbotNotification(event).content.description.split('\n').slice(0, 4)).toEqual([
      'Change: running (active) → running (active)',
      'Message: updating',
      'Progress: 75%',
      'Time in running (active): 45s',
    ]);
  });

  it('claims no time in the previous state when it is not known', () => {
    const { since: _since, ...unobserved } = RUNNING_SINCE_0655;
    const legacy = eventFor(
      { state: 'completed', phase: 'succeeded', progress: null },
      'TaskStateChanged',
      unobserved,
    );
    const firstSeen = eventFor({}, 'TaskDiscovered', null);

    for (const event of [legacy, firstSeen]) {
      expect(toChatbotNotification(event).content.description).not.toMatch(/^Time in/m);
    }
  });

  it('escapes a raw previous state from the API in the time line', () => {
    const event = eventFor({ state: 'completed', phase: 'succeeded' }, 'TaskStateChanged', {
      ...RUNNING_SINCE_0655,
      state: '<!channel> *x*',
    });

    expect(toChatbotNotification(event).content.description).toContain(
      'Time in running (&lt;\\!channel&gt; \\*x\\*): 1h 5m',
    );
  });
});
