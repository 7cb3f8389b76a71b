// Why: a stored task must serialise to exactly what the SDK returns, so a typo (`S3ObjectKey`) or a
// wrong type is rejected up front with the path of the bad field instead of silently vanishing.
import { types } from 'node:util';
import type { ScalarKind, Shape, StructureShape } from './shapes';

/** A task (or scenario step) that does not fit its API's output shape. */
export class TaskShapeError extends Error {
  /**
   * @param path Where the bad value is, e.g. `tasks[2].steps[1].StatusMessage`.
   * @param problem What is wrong with it.
   */
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'TaskShapeError';
  }
}

/** Options for {@link validateAgainstShape}. */
export interface ValidationOptions {
  /** Accept `$now`, `$now-90s`, `$now+5m` (units s, m, h, d) in time members (scenarios). */
  readonly allowNow?: boolean;
}

// Characters XML 1.0 cannot carry at all, not even escaped: EC2 never sends them.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Matches a scenario's relative time: `$now`, `$now-90s`, `$now+2h`. */
export const NOW_EXPRESSION = /^\$now(?:([+-])(\d+)([smhd]))?$/;

/**
 * Checks a value against a structure shape, member by member, recursively.
 * `null`/`undefined` members are allowed (they are not written).
 * @throws {TaskShapeError} naming the first bad member's path.
 */
export function validateAgainstShape(
  value: unknown,
  shape: StructureShape,
  path: string,
  options: ValidationOptions = {},
): void {
  check(value, shape, path, options);
}

function check(value: unknown, shape: Shape, path: string, options: ValidationOptions): void {
  if (value === undefined || value === null) return;
  if (typeof shape === 'string') {
    checkScalar(value, shape, path, options);
    return;
  }
  switch (shape.kind) {
    case 'timeString':
      if (typeof value !== 'string')
        throw new TaskShapeError(path, `expected a string, got ${describe(value)}`);
      return;
    case 'list':
      if (!Array.isArray(value)) throw new TaskShapeError(path, `expected an array, got ${describe(value)}`);
      value.forEach((item, index) => check(item, shape.member, `${path}[${index}]`, options));
      return;
    case 'structure': {
      if (!isPlainObject(value)) throw new TaskShapeError(path, `expected an object, got ${describe(value)}`);
      for (const [key, member] of Object.entries(value)) {
        const spec = Object.hasOwn(shape.members, key) ? shape.members[key] : undefined;
        if (!spec) throw new TaskShapeError(`${path}.${key}`, unknownMember(key, shape));
        check(member, spec[1], `${path}.${key}`, options);
      }
      return;
    }
  }
}

function checkScalar(value: unknown, kind: ScalarKind, path: string, options: ValidationOptions): void {
  const fail = (expected: string): never => {
    throw new TaskShapeError(path, `expected ${expected}, got ${describe(value)}`);
  };
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') fail('a string');
      if (NOT_IN_XML.test(value as string)) {
        throw new TaskShapeError(path, 'contains a control character that XML 1.0 cannot carry');
      }
      return;
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) fail('an integer');
      return;
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail('a number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail('a boolean');
      return;
    case 'blob':
      if (typeof value !== 'string' && !types.isUint8Array(value)) fail('a string or Uint8Array');
      return;
    case 'timestamp':
      if (types.isDate(value) && !Number.isNaN(value.getTime())) return;
      if (typeof value === 'string' && options.allowNow && NOW_EXPRESSION.test(value)) return;
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)))
        return;
      fail(options.allowNow ? 'an ISO-8601 time or $now[±N(s|m|h|d)]' : 'a Date or an ISO-8601 string');
  }
}

function unknownMember(key: string, shape: StructureShape): string {
  const names = Object.keys(shape.members);
  const near = names.find((name) => name.toLowerCase() === key.toLowerCase());
  return near
    ? `unknown member '${key}' (did you mean '${near}'?)`
    : `unknown member '${key}'; expected one of ${names.join(', ')}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !types.isDate(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (types.isDate(value)) return 'a Date';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
