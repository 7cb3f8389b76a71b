// SNS subscription filter policies on the message attributes the publisher sets: the email
// subscriptions' and every channel's. Checked at synth so that a typo ("error" for "failed") fails
// there instead of silently filtering everything out.
import { CHANGE_TYPES } from '../../lambdas/domain/changes';
import { EVENT_ATTRIBUTE_NAMES } from '../../lambdas/domain/event';
import { PHASES } from '../../lambdas/domain/phase';
import { QUOTA_CHANGE_TYPES, QUOTA_GROUP_NAMES } from '../../lambdas/domain/quota';
import { TASK_TYPE_NAMES } from '../../lambdas/domain/task';
import { fail, show } from './settings-error';
import { isPlainObject } from './values';

/** An SNS subscription filter policy (scope MessageAttributes): attribute name to allowed values, or `$or`. */
export type FilterPolicy = { readonly [key: string]: readonly unknown[] };

const ATTRIBUTE_VALUES: Readonly<Partial<Record<string, readonly string[]>>> = {
  changeType: [...CHANGE_TYPES, ...QUOTA_CHANGE_TYPES],
  quota: QUOTA_GROUP_NAMES,
  taskType: TASK_TYPE_NAMES,
  phase: PHASES,
  previousPhase: PHASES,
};

function checkPolicy(setting: string, policy: unknown, where: string): void {
  // Only the attributes the publisher sets can ever match.
  const keys = ['$or', ...EVENT_ATTRIBUTE_NAMES];
  if (!isPlainObject(policy) || Object.keys(policy).length === 0) {
    fail(
      setting,
      `${where} ${show(policy)} is not a non-empty JSON object`,
      `an object with keys ${keys.join(', ')}`,
    );
  }
  for (const [key, values] of Object.entries(policy)) {
    if (!keys.includes(key)) fail(setting, `unknown key ${show(key)} in ${where}`, keys.join(', '));
    if (!Array.isArray(values) || values.length === 0) {
      fail(setting, `${show(key)} in ${where} is ${show(values)}`, 'a non-empty array of values');
    }
    if (key === '$or') {
      values.forEach((branch, index) => checkPolicy(setting, branch, `$or[${index}]`));
      continue;
    }
    const allowed = ATTRIBUTE_VALUES[key];
    for (const item of values) {
      // Plain strings are exact matches and can be checked; operators (prefix, anything-but, ...)
      // are left to SNS.
      if (typeof item === 'string' && allowed && !allowed.includes(item)) {
        fail(setting, `${show(item)} is not a value of ${show(key)} in ${where}`, allowed.join(', '));
      }
      if (!['string', 'number'].includes(typeof item) && !isPlainObject(item)) {
        fail(
          setting,
          `${show(item)} in ${show(key)} in ${where} is not a value`,
          'strings, numbers or operator objects',
        );
      }
    }
  }
}

/**
 * Validates an SNS filter policy on the message attributes: an object (or its JSON text) whose
 * keys are `$or` or message attribute names and whose values are non-empty arrays; exact values
 * of changeType, taskType, phase, previousPhase and quota must be ones the publisher can send.
 *
 * @param setting the setting named in errors
 */
export function parseFilterPolicy(setting: string, value: unknown): FilterPolicy {
  let policy = value;
  if (typeof value === 'string') {
    try {
      policy = JSON.parse(value);
    } catch {
      fail(
        setting,
        `${show(value)} is not JSON`,
        'a JSON object such as {"changeType":["TaskStateChanged"]}',
      );
    }
  }
  checkPolicy(setting, policy, 'the policy');
  return policy as FilterPolicy;
}
