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

/**
 * Parses an EC2 timestamp into ISO-8601 UTC. Accepts Date objects, ISO-8601 strings and the
 * `"2020-11-06 13:09:54.0"` form that DescribeReplaceRootVolumeTasks returns (read as UTC).
 * Returns null for anything else.
 */
export function parseTimestamp(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'string' || value.trim() === '') return null;
  const text = value.trim();
  const spaced = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  const candidate = spaced
    ? `${spaced[1]}T${spaced[2]}${(spaced[3] ?? '').slice(0, 4)}${spaced[4] ?? 'Z'}`
    : text;
  const parsed = new Date(candidate);
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
