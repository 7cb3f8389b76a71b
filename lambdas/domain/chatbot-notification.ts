// Why: a chat channel (Slack, Teams) reads Amazon Q Developer / AWS Chatbot custom notifications,
// not our raw event, so each change is rendered once here, safely escaped and within the limits.
import { consoleLinks } from './console-links';
import type { TaskChangeEvent } from './event';
import type { Phase } from './phase';
import type { TaskStatus } from './task';

/**
 * Length limits applied to the custom notification format
 * (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html): at most 250
 * characters of title and 8,000 of description. The schema is from that page; these two figures
 * are the commonly used ones and should be checked against its parameter table.
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
 * Makes untrusted text (status messages, ids) inert in client-markdown, which the service
 * renders as Slack mrkdwn or Teams markdown: `&`, `<` and `>` become entities (no `<!channel>`,
 * `<@U1>` or `<url|text>`), markdown punctuation is backslash-escaped (no `[x](http://evil)`,
 * emphasis or code), `@` is followed by a zero-width space (no `@here`), and line breaks and
 * other control characters become spaces, so the text stays on its one line.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/[\\`*_~[\]()#|!]/g, '\\$&')
      .replace(/@/g, '@\u200b')
  );
}

/** Cuts text to at most `max` characters with an ellipsis, never inside an escape or a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  cut = cut.replace(/&[a-z]*$/, '');
  const trailingBackslashes = /\\*$/.exec(cut)?.[0].length ?? 0;
  if (trailingBackslashes % 2 === 1) cut = cut.slice(0, -1);
  return `${cut}…`;
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
  if (event.changeType === 'TaskProgressed' && current.progress !== null)
    return `${current.phase} ${current.progress}%`;
  return current.phase;
}

function describeStatus(status: TaskStatus | null): string {
  if (!status) return '(first seen)';
  return status.state ? `${status.phase} (${escapeMarkdown(status.state)})` : status.phase;
}

/** `1h 5m`, `3m 20s`, `45s`. */
function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/** Time from the task's start to its last update, when the API reports both. */
function elapsed(event: TaskChangeEvent): string | undefined {
  const { startTime, updateTime } = event.task;
  if (!startTime || !updateTime) return undefined;
  const ms = Date.parse(updateTime) - Date.parse(startTime);
  return Number.isFinite(ms) && ms >= 0 ? formatDuration(ms) : undefined;
}

function description(event: TaskChangeEvent): string {
  const { current } = event;
  const lines: string[] = [`Change: ${describeStatus(event.previous)} → ${describeStatus(current)}`];
  if (current.statusMessage)
    lines.push(`Message: ${truncate(escapeMarkdown(current.statusMessage), MAX_MESSAGE)}`);
  if (current.progress !== null) lines.push(`Progress: ${current.progress}%`);
  const time = elapsed(event);
  if (time !== undefined) lines.push(`Time from start to last update: ${time}`);
  lines.push(`Account: ${escapeMarkdown(event.account)}`);
  const links = consoleLinks(event.task).map(
    (link) => `[${escapeMarkdown(link.label)}](${safeUrl(link.url)})`,
  );
  lines.push(`Console: ${links.join(' · ')}`);
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

function relatedResources(event: TaskChangeEvent): string[] {
  const { instanceId, imageId, snapshotId, volumeId, bucket, key } = event.task.resources;
  const ids = [imageId, instanceId, snapshotId, volumeId].filter((id): id is string => Boolean(id));
  if (bucket) ids.push(`s3://${bucket}/${key ?? ''}`);
  return ids;
}

/**
 * Renders a task change as an Amazon Q Developer in chat applications (AWS Chatbot) custom
 * notification, ready to publish as the message of an SNS topic mapped to a chat channel.
 * Every update of one task carries the task id as its thread id, so the updates thread together.
 */
export function toChatbotNotification(event: TaskChangeEvent): ChatbotNotification {
  const summary = truncate(
    `${escapeMarkdown(event.taskType)} ${escapeMarkdown(event.taskId)} ${headline(event)} (${escapeMarkdown(event.region)})`,
    CHATBOT_LIMITS.title - PHASE_EMOJI[event.current.phase].length - 1,
  );
  const steps = nextSteps(event);
  const resources = relatedResources(event);
  return {
    version: '1.0',
    source: 'custom',
    id: event.eventId,
    content: {
      textType: 'client-markdown',
      title: `${PHASE_EMOJI[event.current.phase]} ${summary}`,
      description: description(event),
      ...(steps ? { nextSteps: steps } : {}),
      keywords: [event.taskType, event.current.phase, escapeMarkdown(event.region)],
    },
    metadata: {
      threadId: event.taskId,
      summary,
      eventType: event.changeType,
      ...(resources.length > 0 ? { relatedResources: resources } : {}),
    },
  };
}
