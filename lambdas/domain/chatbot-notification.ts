// Why: a chat channel (Slack, Teams) reads Amazon Q Developer / AWS Chatbot custom notifications,
// not our raw event, so each change is rendered once here, safely escaped and within the limits.
import {
  describeStatus,
  escapeControlCharacters,
  estimateText,
  formatDuration,
  oneLine,
  stallText,
  truncate,
  withoutLinks,
} from './chat-text';
import { consoleLinks } from './console-links';
import { accountLabel, type TaskChangeEvent, timeInPreviousState } from './event';
import { isQuotaChange, type MonitorEvent } from './monitor-event';
import type { Phase } from './phase';
import { type QuotaEvent, quotaSentence } from './quota';

/**
 * Length limits this module keeps to, in UTF-16 code units (never fewer than the characters a
 * chat platform counts).
 *
 * Checked against "Custom notifications using Amazon Q Developer in chat applications",
 * https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html (formerly "Custom
 * notifications in AWS Chatbot"). What the stored copy of that page shows:
 * - the complete event format: `version`, `source`, `id`, `content` {`textType`, `title`,
 *   `description`, `nextSteps` (array of strings), `keywords` (array of strings)} and `metadata`
 *   {`threadId`, `summary`, `eventType`, `relatedResources` (array of strings),
 *   `additionalContext` (object of string values)}; every other value is a String;
 * - the start of its "Parameter details" table (Parameter | Required | Description): `version`
 *   Yes, "Must be 1.0"; `source` Yes, "Must be custom"; `id` No, "Unique event identifier";
 *   `textType` No, "Only client-markdown textType is currently supported"; `title` No, "Supports
 *   markdown content, including emojis and …". The copy ends there: the rows for `description`,
 *   `nextSteps`, `keywords` and `metadata`, and the page's "OpenAPI schema" section, could not
 *   be read.
 *
 * No maximum size appears in what could be read, so the 250 and 8,000 below are NOT verified:
 * they are the figures other custom-notification senders commonly cut to, kept because they are
 * well within what a Slack message or a Teams card shows. Recheck them, and whether `nextSteps`
 * and `keywords` items have limits, against the rest of that table. The one hard ceiling known is
 * SNS's: the whole notification is one SNS message (at most 256 KiB), far above what this module
 * produces.
 */
export const CHATBOT_LIMITS = { title: 250, description: 8000 } as const;

/** Longest status message, after escaping, kept in a description; the rest of it is cut. */
const MAX_MESSAGE = 1000;

/** VM Import/Export troubleshooting guide, for `ClientError` failures of imports. */
export const VM_IMPORT_TROUBLESHOOTING_URL =
  'https://docs.aws.amazon.com/vm-import/latest/userguide/troubleshooting.html';

/** Guide to storing and restoring an AMI in S3, for store-image failures. */
export const STORE_RESTORE_AMI_URL =
  'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-store-restore.html';

/** An Amazon Q Developer in chat applications (AWS Chatbot) custom notification, schema 1.0. */
export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  /** Unique event identifier: the event's `eventId`. */
  id?: string;
  content: {
    /** The only text type the service supports. */
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps?: string[];
    keywords?: string[];
  };
  metadata?: {
    /** Notifications with the same thread id are grouped in one chat thread. */
    threadId: string;
    summary: string;
    eventType: string;
    relatedResources?: string[];
    additionalContext?: Record<string, string>;
  };
}

const PHASE_EMOJI: Record<Phase, string> = {
  succeeded: ':white_check_mark:',
  failed: ':x:',
  cancelled: ':no_entry_sign:',
  running: ':arrows_counterclockwise:',
  pending: ':hourglass:',
  unknown: ':grey_question:',
};

/** One-line hints for known VM Import/Export `ClientError` messages. */
const IMPORT_HINTS: ReadonlyArray<[string, string]> = [
  [
    'Unknown OS / missing OS files',
    'Hint: VM Import found no supported operating system; import the boot disk of a supported OS.',
  ],
  [
    'Disk validation failed',
    'Hint: the disk file is corrupt or in an unsupported format; export it again as VMDK, VHD/VHDX or raw.',
  ],
  [
    'The service role vmimport',
    'Hint: create the vmimport service role with the trust and permission policies from the user guide.',
  ],
];

/**
 * Makes untrusted text inert in client-markdown, which the service renders as Slack mrkdwn or
 * Teams markdown: line breaks and other control characters become spaces, so the text stays on
 * its one line; `&`, `<` and `>` become entities (no `<!channel>`, `<@U1>` or `<url|text>`); and
 * markdown punctuation is backslash-escaped (no `[x](http://evil)`, emphasis or code). It adds no
 * character of its own: an id escaped by it is still the id.
 *
 * Not merged with the Slack escaper (`escapeMrkdwn`) on purpose: client-markdown is a markdown
 * dialect that honours backslash escapes, whereas Slack mrkdwn has no escape at all and needs
 * look-alike characters instead. Only the one-line and entity steps are shared (chat-text.ts).
 */
export function escapeMarkdown(text: string): string {
  return escapeControlCharacters(oneLine(text)).replace(/[\\`*_~[\]()#|!]/g, '\\$&');
}

/** `@` as FULLWIDTH COMMERCIAL AT (U+FF20): reads the same, mentions nobody (no `@here`). */
function withoutMentions(text: string): string {
  return text.replace(/@/g, '\uff20');
}

/**
 * Free text from a task (a status message, a raw state) escaped like {@link escapeMarkdown}, kept
 * from becoming a link (the chat client would link any address in it) and from mentioning anyone.
 * Never for ids: those go in a {@link codeSpan}, which the clients neither link nor format, so they
 * can be copied as they are.
 */
export function escapeFreeText(text: string): string {
  return withoutMentions(withoutLinks(escapeMarkdown(text)));
}

/** Longest id, after escaping, shown in a code span: real ids are far shorter (store-image's is ~45). */
const MAX_ID = 120;

/**
 * An id or an S3 location as an inline code span: shown as typed, never linked nor formatted by
 * Slack or Teams, so it can be copied into `ec2-task-monitor history`. One line, the three control
 * characters as entities (Slack decodes them in code too); a backtick, which would end the span,
 * becomes MODIFIER LETTER GRAVE ACCENT (U+02CB). Cut to `max` inside the span, so a cut never
 * leaves a span open (the rest of the line would then be markdown again). Empty text gives an
 * empty string.
 */
export function codeSpan(text: string, max: number = MAX_ID): string {
  const inner = truncate(escapeControlCharacters(oneLine(text)).replace(/`/g, '\u02cb'), max);
  return inner === '' ? '' : `\`${inner}\``;
}

/** Makes a URL safe inside `[label](url)`: no character that could end the link or start another. */
function safeUrl(url: string): string {
  return url.replace(
    /[\s()<>|[\]`]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

function headline(event: TaskChangeEvent): string {
  const { current } = event;
  if (event.changeType === 'TaskDisappeared') return 'disappeared';
  if (event.changeType === 'TaskStalled')
    return `stalled${current.progress === null ? '' : ` at ${current.progress}%`}`;
  if (event.changeType === 'TaskProgressed' && current.progress !== null)
    return `${current.phase} ${current.progress}%`;
  return current.phase;
}

/**
 * `Time in <previous state>: 1h 5m`, when the event knows since when the previous state was
 * observed (not for a first sighting, nor for the first change of a snapshot recorded before
 * that time was kept). It supersedes the time from EC2's start to last update shown before: that
 * figure existed for two task types only, and the email still gives both of EC2's times.
 */
function timeInPreviousStateLine(event: TaskChangeEvent): string | undefined {
  const ms = timeInPreviousState(event);
  if (ms === undefined || !event.previous) return undefined;
  return `Time in ${describeStatus(event.previous, escapeFreeText)}: ${formatDuration(ms)}`;
}

function description(event: TaskChangeEvent): string {
  const { current } = event;
  const lines: string[] = [
    `Change: ${describeStatus(event.previous, escapeFreeText)} → ${describeStatus(current, escapeFreeText)}`,
  ];
  if (current.statusMessage)
    lines.push(`Message: ${truncate(escapeFreeText(current.statusMessage), MAX_MESSAGE)}`);
  if (current.progress !== null) lines.push(`Progress: ${current.progress}%`);
  const estimate = estimateText(event);
  if (estimate !== undefined) lines.push(`Estimate: ${estimate}`);
  const stall = stallText(event);
  if (stall !== undefined) lines.push(`Stall: ${stall}`);
  const time = timeInPreviousStateLine(event);
  if (time !== undefined) lines.push(time);
  lines.push(`Account: ${escapeMarkdown(accountLabel(event))}`);
  const links = consoleLinks(event.task).map(
    (link) => `[${withoutMentions(escapeMarkdown(link.label))}](${safeUrl(link.url)})`,
  );
  if (links.length > 0) lines.push(`Console: ${links.join(' · ')}`);
  return truncate(lines.join('\n'), CHATBOT_LIMITS.description);
}

function nextSteps(event: TaskChangeEvent): string[] | undefined {
  const { current, taskType } = event;
  if (event.changeType === 'TaskDisappeared')
    return ['Check the task in the console; it may have been cancelled.'];
  if (current.phase !== 'failed') return undefined;
  const message = current.statusMessage ?? '';
  if ((taskType === 'import-image' || taskType === 'import-snapshot') && message.startsWith('ClientError')) {
    const hint = IMPORT_HINTS.find(([known]) => message.includes(known))?.[1];
    return [`VM Import/Export troubleshooting: ${VM_IMPORT_TROUBLESHOOTING_URL}`, ...(hint ? [hint] : [])];
  }
  if (taskType === 'store-image') return [`Store and restore an AMI using S3: ${STORE_RESTORE_AMI_URL}`];
  return undefined;
}

/**
 * The task's resources, each one escaped line: ids, and the S3 location as `s3://bucket/key`.
 * Escaped but not altered otherwise (no look-alikes), so each is still the id or S3 URI.
 */
function relatedResources(event: TaskChangeEvent): string[] {
  const { instanceId, imageId, snapshotId, volumeId, bucket, key } = event.task.resources;
  const ids = [imageId, instanceId, snapshotId, volumeId].filter((id): id is string => Boolean(id));
  if (bucket) ids.push(`s3://${bucket}/${key ?? ''}`);
  return ids.map(escapeMarkdown).filter((id) => id !== '');
}

/** Context for the chat client's own use, every value one escaped line, ids unaltered otherwise. */
function additionalContext(event: TaskChangeEvent): Record<string, string> {
  const context: Record<string, string> = {
    taskType: event.taskType,
    taskId: escapeMarkdown(event.taskId),
    region: escapeMarkdown(event.region),
    account: escapeMarkdown(event.account),
    phase: event.current.phase,
  };
  if (event.current.state) context.state = escapeMarkdown(event.current.state);
  return context;
}

/**
 * A quota event as a custom notification: the summary as title (a warning sign, or a check mark
 * when it cleared), one thread per account, Region and quota, so the warning and its all-clear
 * sit together.
 */
function quotaNotification(event: QuotaEvent): ChatbotNotification {
  const nearly = event.changeType === 'QuotaNearlyExhausted';
  // Only the Region is data here; the sentence is the monitor's own words (parentheses kept).
  const summary = `${escapeMarkdown(event.region)}: ${quotaSentence(event.quota)}`;
  const lines = [
    `Account: ${escapeMarkdown(accountLabel(event))}`,
    `Task types: ${event.quota.taskTypes.join(', ')}`,
    `Warning at: ${Math.round(event.quota.warningShare * 100)} % of the limit`,
    `Limit: ${event.quota.limitSource === 'service-quotas' ? 'from Service Quotas' : 'the documented default'}`,
  ];
  return customNotification(
    event.eventId,
    {
      title: `${nearly ? ':warning:' : ':white_check_mark:'} ${summary}`,
      description: lines.join('\n'),
      ...(nearly
        ? {
            nextSteps: [
              'New tasks of these types fail with ResourceCountLimitExceeded at the limit: wait for some to finish.',
            ],
          }
        : {}),
      keywords: [event.quota.name, escapeMarkdown(event.region)],
    },
    {
      threadId: `quota-${event.account}-${oneLine(event.region)}-${event.quota.name}`,
      summary,
      eventType: event.changeType,
      additionalContext: {
        quota: event.quota.name,
        region: escapeMarkdown(event.region),
        account: escapeMarkdown(event.account),
        inUse: String(event.quota.inUse),
        limit: String(event.quota.limit),
      },
    },
  );
}

/** A custom notification (schema 1.0, client markdown) carrying the event's id. */
function customNotification(
  id: string,
  content: Omit<ChatbotNotification['content'], 'textType'>,
  metadata: NonNullable<ChatbotNotification['metadata']>,
): ChatbotNotification {
  return {
    version: '1.0',
    source: 'custom',
    id,
    content: { textType: 'client-markdown', ...content },
    metadata,
  };
}

/**
 * Renders an event as an Amazon Q Developer in chat applications (AWS Chatbot) custom
 * notification, ready to publish as the message of an SNS topic mapped to a chat channel.
 * Every update of one task carries the task id as its thread id, so the updates thread together.
 */
export function toChatbotNotification(event: MonitorEvent): ChatbotNotification {
  if (isQuotaChange(event)) return quotaNotification(event);
  // A stall is a warning whatever the phase (always running).
  const emoji = event.changeType === 'TaskStalled' ? ':warning:' : PHASE_EMOJI[event.current.phase];
  const summary = truncate(
    `${escapeMarkdown(event.taskType)} ${codeSpan(event.taskId)} ${headline(event)} (${escapeMarkdown(event.region)})`,
    CHATBOT_LIMITS.title - emoji.length - 1,
  );
  const steps = nextSteps(event);
  const resources = relatedResources(event);
  return customNotification(
    event.eventId,
    {
      title: `${emoji} ${summary}`,
      description: description(event),
      ...(steps ? { nextSteps: steps } : {}),
      keywords: [event.taskType, event.current.phase, escapeMarkdown(event.region)],
    },
    {
      // Not shown, but still task text: one line, no format controls.
      threadId: oneLine(event.taskId),
      summary,
      eventType: event.changeType,
      ...(resources.length > 0 ? { relatedResources: resources } : {}),
      additionalContext: additionalContext(event),
    },
  );
}
