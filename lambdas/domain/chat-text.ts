// Text helpers shared by the chat renderings (the Amazon Q Developer / AWS Chatbot custom
// notification and the Slack webhook message): one line, the three Slack control characters as
// entities, cutting to a length limit without breaking an escape, and the wording of a status
// and a duration. Each markup language keeps its own escaper; these are the parts they share.
import type { TaskStatus } from './task';

/** Marks text that was cut; one UTF-16 unit, so a cut text is at most its limit long. */
export const ELLIPSIS = '…';

/** Every run of white space or control characters (C0, DEL and C1), line breaks included. */
const SPACE_OR_CONTROL = /[\s\p{Cc}]+/gu;

/** The entities Slack's "Escaping text" asks for; no other character needs one. */
const CONTROL_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Puts text on one line: every run of white space, line breaks (including U+2028/U+2029) and
 * control characters becomes a single space, and the ends are trimmed. A status message can
 * then neither start a new markdown block (a heading, a quote, a list) nor push the rest of a
 * message out of view.
 */
export function oneLine(text: string): string {
  return text.replace(SPACE_OR_CONTROL, ' ').trim();
}

/**
 * Replaces `&`, `<` and `>` by `&amp;`, `&lt;` and `&gt;`. Slack's formatting reference calls
 * these three its control characters: escaped, `<!channel>`, `<@U123>` and `<http://x|y>` are
 * shown as typed instead of pinging a channel, mentioning a user or forging a link. Both chat
 * renderings need exactly this, since Amazon Q Developer renders client-markdown as the chat
 * platform's markdown.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(/[&<>]/g, (char) => CONTROL_ENTITIES[char] ?? char);
}

/**
 * Cuts text to at most `max` UTF-16 code units, ending the cut text with {@link ELLIPSIS}. Text
 * that fits is returned as it is. The cut never lands inside a surrogate pair (no lone half of
 * an emoji), inside an HTML entity (no `&am…`) or after an odd number of backslashes (no
 * `\…`, which would escape the ellipsis, or worse, whatever a caller appends); it moves left
 * instead, so the result may be a little shorter than `max`.
 * @param max - the limit, at least 1
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - ELLIPSIS.length));
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  cut = cut.replace(/&[#a-zA-Z0-9]*$/, '');
  const trailingBackslashes = /\\*$/.exec(cut)?.[0].length ?? 0;
  if (trailingBackslashes % 2 === 1) cut = cut.slice(0, -1);
  return `${cut}${ELLIPSIS}`;
}

/**
 * A status as `phase (raw state)`, `phase` when the API gave no state, or `(first seen)` for the
 * missing previous status of a task seen for the first time. The raw state comes from the EC2
 * API, so a renderer passes its own `escape`; the phase is one of the product's fixed words.
 */
export function describeStatus(
  status: TaskStatus | null,
  escape: (text: string) => string = (text) => text,
): string {
  if (!status) return '(first seen)';
  return status.state ? `${status.phase} (${escape(status.state)})` : status.phase;
}

/**
 * A duration for people: `1h 5m`, `3m 20s`, `45s` (days are counted in hours, which is what a
 * long import reads best as). Negative or non-finite durations are shown as `0s`. The email text
 * words durations with it too, so every channel shows the same figure.
 */
export function formatDuration(ms: number): string {
  const seconds = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}
