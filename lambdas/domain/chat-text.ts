// Text helpers shared by the renderings of an event (the email text, the Amazon Q Developer /
// AWS Chatbot custom notification and the Slack webhook message): one line without format
// controls, no links, the three Slack control characters as entities, cutting to a length limit
// without breaking an escape, and the wording of a status and a duration. Each markup language
// keeps its own escaper; these are the parts they share.
import type { TaskStatus } from './task';

/** Marks text that was cut; one UTF-16 unit, so a cut text is at most its limit long. */
export const ELLIPSIS = '…';

/** Every run of white space or control characters (C0, DEL and C1), line breaks included. */
const SPACE_OR_CONTROL = /[\s\p{Cc}]+/gu;

/**
 * Unicode bidirectional and invisible format controls: the zero-width characters and marks
 * (U+200B–U+200F), the embeddings and overrides (U+202A–U+202E), the isolates (U+2066–U+2069),
 * the Arabic letter mark (U+061C) and the zero-width no-break space (U+FEFF). In task text they
 * can only mislead: an override shows `exe.txt` for `txt.exe`, a zero-width space hides a word.
 */
const FORMAT_CONTROLS = /[\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** The entities Slack's "Escaping text" asks for; no other character needs one. */
const CONTROL_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Removes the bidirectional and format controls ({@link FORMAT_CONTROLS}) from text. */
export function withoutFormatControls(text: string): string {
  return text.replace(FORMAT_CONTROLS, '');
}

/**
 * Puts text on one line: bidirectional and format controls are removed, every run of white
 * space, line breaks (including U+2028/U+2029) and control characters becomes a single space, and
 * the ends are trimmed. A value from a task can then neither start a new block or section (a
 * heading, a quote, a forged "Console:" part of an email) nor reorder or hide what is shown.
 * Every channel's text (email, Chatbot, Slack) passes task values through it.
 */
export function oneLine(text: string): string {
  return withoutFormatControls(text).replace(SPACE_OR_CONTROL, ' ').trim();
}

/** A dot between two letters or digits (`evil.example`, `v1.2`). */
const INNER_DOT = /(?<=[\p{L}\p{N}])\.(?=[\p{L}\p{N}])/gu;

/**
 * Keeps a chat client from turning task text into links: Slack and Teams link any URL or domain
 * name they find (`https://evil.example`, `evil.example`), even escaped. The dots inside words
 * become ONE DOT LEADER (U+2024) and `://` becomes `:∕∕` (DIVISION SLASH, U+2215): the text reads
 * the same, but holds no address to link. For renderings that cannot turn linking off (the
 * Chatbot custom notification); the Slack message marks its fields `verbatim` instead.
 */
export function withoutLinks(text: string): string {
  return text.replace(/:\/\//g, ':\u2215\u2215').replace(INNER_DOT, '\u2024');
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

/**
 * A duration in words for the stall and estimate texts: `3 h 10 min`, `25 min`, `under 1 min`
 * (rounded to the minute: EC2's progress says no more).
 */
export function formatMinutes(ms: number): string {
  const minutes = Number.isFinite(ms) && ms > 0 ? Math.round(ms / 60_000) : 0;
  if (minutes < 1) return 'under 1 min';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** `14:20 UTC` for a time on the day of `from`, `Dec 3 14:20 UTC` for another day. */
function clockTime(iso: string, from: string): string {
  const at = new Date(iso);
  const time = `${at.toISOString().slice(11, 16)} UTC`;
  if (iso.slice(0, 10) === from.slice(0, 10)) return time;
  const month = at.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${month} ${at.getUTCDate()} ${time}`;
}

/**
 * `about 25 min left (around 14:20 UTC)`: the event's estimated completion, counted from its
 * detection; undefined when the event carries none.
 */
export function estimateText(event: {
  detectedAt: string;
  current: { estimatedCompletion?: string };
}): string | undefined {
  const eta = event.current.estimatedCompletion;
  if (eta === undefined) return undefined;
  const left = Date.parse(eta) - Date.parse(event.detectedAt);
  if (!Number.isFinite(left)) return undefined;
  return `about ${formatMinutes(left)} left (around ${clockTime(eta, event.detectedAt)})`;
}

/**
 * What an event says of a stall: `still for 3 h 10 min (since 11:10 UTC)` on a TaskStalled, and
 * `moved again after 3 h 10 min still` on the change of a task that had stalled; undefined otherwise.
 */
export function stallText(event: {
  changeType: string;
  detectedAt: string;
  stall?: { stillSince: string; stillForSeconds: number };
}): string | undefined {
  const { stall } = event;
  if (!stall) return undefined;
  const duration = formatMinutes(stall.stillForSeconds * 1000);
  return event.changeType === 'TaskStalled'
    ? `still for ${duration} (since ${clockTime(stall.stillSince, event.detectedAt)})`
    : `moved again after ${duration} still`;
}
