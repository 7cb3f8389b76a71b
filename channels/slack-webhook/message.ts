// The Slack rendering of an event, for a webhook notifier: task-supplied text is escaped so that it
// can neither ping a channel nor forge a link, and every Block Kit limit is enforced by truncation.
import {
  describeStatus,
  escapeControlCharacters,
  estimateText,
  formatDuration,
  oneLine,
  stallText,
  truncate,
} from '../../lambdas/domain/chat-text';
import { consoleLinks } from '../../lambdas/domain/console-links';
import { accountLabel, type TaskChangeEvent, timeInPreviousState } from '../../lambdas/domain/event';
import { notificationSubject } from '../../lambdas/domain/notification-text';
import { isQuotaChange, type MonitorEvent } from '../../lambdas/domain/monitor-event';
import type { Phase } from '../../lambdas/domain/phase';
import { type QuotaEvent, quotaSummary } from '../../lambdas/domain/quota';

// Block Kit limits, from Slack's reference (docs.slack.dev/reference/block-kit):
// header block text: 150 characters (blocks/header-block); section text: 3000 and section fields:
// at most 10 items of at most 2000 characters each (blocks/section-block); button text: 75 and
// button url: 3000 characters (block-elements/button-element); at most 50 blocks per message
// (reference/block-kit/blocks). Lengths are counted in UTF-16 code units, which is never fewer
// than the characters Slack counts, so a text that fits here fits there.

/** Cuts text to a length limit without splitting a character or an entity; kept here for existing importers. */
export { truncate };

/** Maximum length of a header block's text. */
export const MAX_HEADER_TEXT = 150;
/** Maximum length of a section block's text, and of any other mrkdwn text object used here. */
export const MAX_SECTION_TEXT = 3000;
/** Maximum length of the text of one section field. */
export const MAX_FIELD_TEXT = 2000;
/** Maximum number of fields in a section block. */
export const MAX_FIELDS = 10;
/** Maximum length of a button's text. */
export const MAX_BUTTON_TEXT = 75;
/** Maximum length of a button's url. */
export const MAX_BUTTON_URL = 3000;
/** Maximum number of blocks in a message. */
export const MAX_BLOCKS = 50;

/** A plain_text text object: shown as is, never parsed for mrkdwn. */
export interface PlainTextObject {
  type: 'plain_text';
  text: string;
}

/** A mrkdwn text object. `verbatim: true` turns off Slack's automatic linking of URLs and names. */
export interface MrkdwnTextObject {
  type: 'mrkdwn';
  text: string;
  verbatim?: boolean;
}

/** A header block. */
export interface HeaderBlock {
  type: 'header';
  text: PlainTextObject;
}

/** A section block made of fields. */
export interface SectionBlock {
  type: 'section';
  fields: MrkdwnTextObject[];
}

/** A context block. */
export interface ContextBlock {
  type: 'context';
  elements: MrkdwnTextObject[];
}

/** A link button. */
export interface LinkButton {
  type: 'button';
  action_id: string;
  text: PlainTextObject;
  url: string;
}

/** An actions block. */
export interface ActionsBlock {
  type: 'actions';
  elements: LinkButton[];
}

/** The blocks this module produces. */
export type SlackBlock = HeaderBlock | SectionBlock | ContextBlock | ActionsBlock;

/**
 * A legacy secondary attachment wrapping blocks: the only way to give blocks a colored side bar
 * (Slack's attachments reference: `color` "changes the color of the border on the left side of
 * this attachment"; `blocks` takes layout blocks).
 */
export interface SlackAttachment {
  color: string;
  blocks: SlackBlock[];
}

/** An incoming-webhook payload. */
export interface SlackMessage {
  /** Fallback for notifications and clients that cannot show blocks. */
  text: string;
  blocks: SlackBlock[];
  attachments?: SlackAttachment[];
}

/** Side-bar color of each phase. */
export const PHASE_COLORS: Readonly<Record<Phase, string>> = {
  pending: '#36C5F0',
  running: '#36C5F0',
  succeeded: '#2EB67D',
  failed: '#E01E5A',
  cancelled: '#ECB22E',
  unknown: '#999999',
};

// Slack documents no escape for the formatting characters (jsx-slack's "About escape" page says as
// much), and the zero-width-space trick is documented to *enable* formatting mid-word, so invisible
// characters are not a safe neutraliser. Replacing a marker by a look-alike (the substitutes
// jsx-slack uses where it cannot escape) leaves nothing for the parser to match and stays readable.
// This is why the Slack and the client-markdown escapers (chatbot-notification.ts, which
// backslash-escapes) stay two functions; the steps they share live in chat-text.ts.
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  '*': '\u2217', // ∗ asterisk operator
  _: '\u02CD', // ˍ modifier letter low macron
  '~': '\u223C', // ∼ tilde operator
  '`': '\u02CB', // ˋ modifier letter grave accent
};

// A formatting marker that can open or close formatting: `*`, `_` or `~` without a letter or digit
// on one side (between two, as in `my_disk_image` or `2*3`, it is never markup), or any backtick,
// which can open code anywhere. Neighbours are whole code points, so astral letters count.
const FORMATTING_MARKER = /(?<![\p{L}\p{N}])[*_~]|[*_~](?![\p{L}\p{N}])|`/gu;

/**
 * Escapes task-supplied text for a Slack mrkdwn text object, so that it shows as typed and can
 * neither mention anyone nor forge a link: line breaks and other control characters become
 * single spaces, formatting markers (`*`, `_`, `~`, backtick) that could open or close
 * formatting become look-alike characters, `&`, `<` and `>` become entities as Slack's formatting
 * reference requires, and the result is cut to `maxLength` (default {@link MAX_FIELD_TEXT}) with
 * an ellipsis, never inside an entity.
 */
export function escapeMrkdwn(text: string, maxLength: number = MAX_FIELD_TEXT): string {
  const escaped = escapeControlCharacters(
    oneLine(text).replace(FORMATTING_MARKER, (marker) => LOOK_ALIKES[marker] ?? marker),
  );
  // A `>` opening a line starts a block quote even as &gt;; a soft hyphen before it (jsx-slack's
  // documented fix) keeps it literal. Line breaks are gone, so only the first one can.
  return truncate(escaped.startsWith('&gt;') ? `\u00AD${escaped}` : escaped, maxLength);
}

function plainText(text: string, maxLength: number): PlainTextObject {
  return { type: 'plain_text', text: truncate(oneLine(text), maxLength) };
}

/** A `*Label*` line then the escaped value, the whole within a field's limit. */
function field(label: string, value: string): MrkdwnTextObject {
  const heading = `*${label}*\n`;
  return {
    type: 'mrkdwn',
    text: heading + escapeMrkdwn(value, MAX_FIELD_TEXT - heading.length),
    verbatim: true,
  };
}

function header(event: TaskChangeEvent): HeaderBlock {
  return {
    type: 'header',
    text: plainText(
      `${event.taskType} ${event.taskId} ${event.changeType === 'TaskStalled' ? 'stalled' : event.current.phase}`,
      MAX_HEADER_TEXT,
    ),
  };
}

function details(event: TaskChangeEvent): SectionBlock {
  const { current } = event;
  const fields = [
    field('Type', event.taskType),
    field('Region', event.region),
    field('Account', accountLabel(event)),
    field('Change', `${describeStatus(event.previous)} → ${describeStatus(current)}`),
  ];
  // The same fact as the Chatbot notification's line; the Change field names the previous state.
  const inPrevious = timeInPreviousState(event);
  if (inPrevious !== undefined) fields.push(field('Time in previous state', formatDuration(inPrevious)));
  if (current.progress !== null) fields.push(field('Progress', `${current.progress}%`));
  const estimate = estimateText(event);
  if (estimate !== undefined) fields.push(field('Estimate', estimate));
  const stall = stallText(event);
  if (stall !== undefined) fields.push(field('Stall', stall));
  if (current.statusMessage) fields.push(field('Status message', current.statusMessage));
  return { type: 'section', fields: fields.slice(0, MAX_FIELDS) };
}

function footer(event: Pick<MonitorEvent, 'detectedAt' | 'eventId'>): ContextBlock {
  const text = `Detected ${escapeMrkdwn(event.detectedAt, 100)} · event ${escapeMrkdwn(event.eventId, 100)}`;
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: truncate(text, MAX_SECTION_TEXT), verbatim: true }],
  };
}

/** A button to the first console link short enough for a button; the EC2 console one always is. */
function consoleButton(event: TaskChangeEvent): ActionsBlock | undefined {
  const link = consoleLinks(event.task).find((candidate) => candidate.url.length <= MAX_BUTTON_URL);
  if (!link) return undefined;
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: 'console-link',
        text: plainText(link.label, MAX_BUTTON_TEXT),
        url: link.url,
      },
    ],
  };
}

/** A quota event's payload: the summary as text and header, the account, task types and warning share as fields. */
function quotaSlackMessage(event: QuotaEvent): SlackMessage {
  const nearly = event.changeType === 'QuotaNearlyExhausted';
  const fields = [
    field('Region', event.region),
    field('Account', accountLabel(event)),
    field('In use', `${event.quota.inUse} of ${event.quota.limit} (${event.quota.taskTypes.join(', ')})`),
    field('Warning at', `${Math.round(event.quota.warningShare * 100)} % of the limit`),
  ];
  const summary = quotaSummary(event);
  return {
    text: escapeControlCharacters(summary),
    blocks: [{ type: 'header', text: plainText(summary, MAX_HEADER_TEXT) }],
    attachments: [
      // Orange while nearly exhausted, green once available again.
      { color: nearly ? '#e8a317' : '#2eb67d', blocks: [{ type: 'section', fields }, footer(event)] },
    ],
  };
}

/**
 * The incoming-webhook payload for an event: the email subject as fallback `text`, a header block
 * naming the task and its new phase, and, in an attachment whose side bar is colored by phase
 * ({@link PHASE_COLORS}), a section of fields (type, region, account, change with raw states,
 * time in the previous state when known, progress, escaped status message), a context line with detection time and event id, and a
 * button to the task's most specific console page. Every Block Kit limit is met by truncation.
 */
export function toSlackMessage(event: MonitorEvent): SlackMessage {
  if (isQuotaChange(event)) return quotaSlackMessage(event);
  const detailBlocks: SlackBlock[] = [details(event), footer(event)];
  const button = consoleButton(event);
  if (button) detailBlocks.push(button);
  return {
    text: escapeControlCharacters(notificationSubject(event)),
    blocks: [header(event)],
    attachments: [
      { color: PHASE_COLORS[event.current.phase], blocks: detailBlocks.slice(0, MAX_BLOCKS - 1) },
    ],
  };
}
