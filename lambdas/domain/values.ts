// Defensive parsing of the loosely typed values EC2 returns: progress strings, timestamps in
// several formats, and free text of any size. Each function returns null rather than throwing,
// because one odd field must never cost the whole poll.

/** Longest status message kept; EC2 messages are a line or two, anything longer is noise. */
export const MAX_MESSAGE_LENGTH = 2000;

/**
 * Parses a progress value such as `"20%"`, `"84"` or `42` into a number from 0 to 100.
 * Returns null for missing or unparseable values (`""`, `"abc"`) and clamps values out of range
 * (`"120%"` becomes 100), since EC2's estimates are advisory.
 */
export function parseProgress(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const match = /^(-?\d+(?:\.\d+)?)\s*%?$/.exec(text);
  if (!match) return null;
  const number = Number(match[1]);
  if (!Number.isFinite(number)) return null;
  return Math.min(100, Math.max(0, Math.round(number)));
}

/** ISO 8601 with a zone: `2021-03-04T10:11:12Z`, `2021-03-04T10:11:12.345+02:00` (or `+0200`). */
const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;
/** The form DescribeReplaceRootVolumeTasks returns, without a zone: `2020-11-06 13:09:54.0`. */
const SPACED_UTC = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?$/;

/** True when the fields name a real instant: no 31 February, no hour 24, no minute 60. */
function isCalendarTime(fields: readonly string[]): boolean {
  const [year, month, day, hour, minute, second] = fields.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  // Day 0 of the next month is the last day of this one.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day >= 1 && day <= daysInMonth;
}

/**
 * Parses an EC2 timestamp into ISO-8601 UTC. Accepts only what EC2 sends: Date objects (the SDK's
 * timestamp members), ISO-8601 strings with a zone, and the `"2020-11-06 13:09:54.0"` form that
 * DescribeReplaceRootVolumeTasks returns, read as UTC. Returns null for anything else, including
 * text `Date` would accept but EC2 never sends (`"0"`, `"garbage 2020"`, a date without a time)
 * and dates that do not exist (`2020-02-31`, which `Date` rolls over to March).
 */
export function parseTimestamp(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const iso = ISO_WITH_ZONE.exec(text);
  const spaced = iso ? undefined : SPACED_UTC.exec(text);
  const match = iso ?? spaced;
  if (!match || !isCalendarTime(match.slice(1, 7))) return null;
  const [, year, month, day, hour, minute, second, fraction = ''] = match;
  const zone = iso ? (match[8] as string).replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') : 'Z';
  // Milliseconds are as precise as a Date gets; the rest of the fraction is dropped, not rounded.
  const millis = (fraction || '.').slice(0, 4).padEnd(4, '0');
  const parsed = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${millis}${zone}`);
  return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
}

/**
 * Cleans free text from an API: removes control characters (except newline and tab), trims, and
 * cuts it to `max` characters with an ellipsis. Returns null for missing or empty text.
 */
export function cleanText(value: unknown, max = MAX_MESSAGE_LENGTH): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '').trim();
  if (text === '') return null;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A non-empty string, or undefined; for optional ids. */
export function optionalId(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
