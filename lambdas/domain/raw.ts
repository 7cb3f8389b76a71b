// Bounds the raw API object kept in snapshots and events. A task's raw object is normally a
// few hundred bytes, but a 1 MB status message must not push a DynamoDB item past 400 KB or an
// SNS message past 256 KB, so long strings are cut and an oversized object is summarised.

/** Longest string kept inside a raw object. */
export const MAX_RAW_STRING = 4096;
/** Largest serialised raw object kept; above it only the top-level scalars survive. */
export const MAX_RAW_BYTES = 32 * 1024;

/** Turns an SDK output object into plain JSON data: Dates become ISO strings, long strings are cut. */
export function toPlainData(value: unknown, depth = 0): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'string')
    return value.length > MAX_RAW_STRING ? `${value.slice(0, MAX_RAW_STRING)}…` : value;
  if (typeof value !== 'object' || value === null) return typeof value === 'bigint' ? String(value) : value;
  if (depth > 8) return '[nested too deep]';
  if (Array.isArray(value)) return value.slice(0, 100).map((item) => toPlainData(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[key] = toPlainData(item, depth + 1);
  }
  return out;
}

/** The raw API object as bounded plain data, marked `"_truncated": true` when it had to be cut down. */
export function boundedRaw(value: unknown): Record<string, unknown> {
  const plain = toPlainData(value);
  const record =
    typeof plain === 'object' && plain !== null && !Array.isArray(plain)
      ? (plain as Record<string, unknown>)
      : { value: plain };
  if (Buffer.byteLength(JSON.stringify(record)) <= MAX_RAW_BYTES) return record;
  const scalars: Record<string, unknown> = { _truncated: true };
  for (const [key, item] of Object.entries(record)) {
    if (typeof item !== 'object' || item === null) {
      scalars[key] = typeof item === 'string' && item.length > 256 ? `${item.slice(0, 256)}…` : item;
    }
  }
  return scalars;
}
