// Readers of the value shapes settings come in. Context values arrive as text from the command line
// (`-c regions=us-east-1,eu-west-1`) and as arrays, numbers or objects from cdk.json and construct
// props, so each reader accepts both and fails with a message naming the setting.
import { fail, show } from './settings-error';

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** A comma string (`a,b`) or an array of strings, trimmed, without empties and duplicates. */
export function stringList(setting: string, value: unknown): string[] {
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || items.some((item) => typeof item !== 'string')) {
    fail(setting, `${show(value)} is not a list`, 'a comma-separated string or an array of strings');
  }
  return [...new Set((items as string[]).map((item) => item.trim()).filter(Boolean))];
}

/** A whole number within limits, given as a number or as plain digits (not "1e1", "0x10" or ""). */
export function integer(setting: string, value: unknown, limits: { min: number; max: number }): number {
  const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < limits.min || number > limits.max) {
    fail(setting, `${show(value)} is not valid`, `an integer from ${limits.min} to ${limits.max}`);
  }
  return number;
}

/** A yes or no, given as a boolean or as the text `true` or `false` (from `-c dashboard=true`). */
export function boolean(setting: string, value: unknown): boolean {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (text === true || text === 'true') return true;
  if (text === false || text === 'false') return false;
  return fail(setting, `${show(value)} is not valid`, 'true or false');
}

/** Text, trimmed; undefined when absent or blank. */
export function optionalText(setting: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(setting, `${show(value)} is not text`, 'a string');
  return value.trim() || undefined;
}

/** A list of email addresses; an empty list is allowed. */
export function emailList(setting: string, value: unknown): string[] {
  const emails = stringList(setting, value);
  for (const email of emails) {
    if (!EMAIL.test(email))
      fail(setting, `${show(email)} is not an email address`, 'addresses like ops@example.com');
  }
  return emails;
}

/** An object that is not an array or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
