// What the channels' settings share (channels/<name>/settings.ts): a channel's prop is an object of
// options, given as the prop or mapped from the context keys of its fields; the ids naming its
// destination turn it on, all of them or none; and a chat channel hears DEFAULT_CHAT_FILTER_POLICY
// unless its filter policy says otherwise.
import { DEFAULT_CHAT_FILTER_POLICY } from '../defaults';
import { type FilterPolicy, parseFilterPolicy } from './filter-policy';
import { fail, show, unused } from './settings-error';
import { isPlainObject, optionalText } from './values';

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** A channel's ids, read from its options, with the filter policy as given. */
export interface ChannelIds<Id extends string> {
  /** Each id, trimmed. */
  readonly ids: Readonly<Record<Id, string>>;
  /** The options' `filterPolicy`, not checked yet. */
  readonly filterPolicy: unknown;
}

/**
 * Reads the ids that turn a channel on from its options: all of them, or none.
 *
 * @param prop the channel's prop, named when the value is not an object
 * @param value the prop's value, given as a prop or mapped from context
 * @param keys the context key of each option: each id's and `filterPolicy`'s
 * @param missing for each id, in the order they are checked: what to give when it is the one left out
 * @returns undefined when the prop or every id is left out (the channel is off)
 * @throws SettingsError when the value is not an object, only some ids are set, or the filter
 *   policy is set without them
 */
export function channelIds<Id extends string>(
  prop: string,
  value: unknown,
  keys: Readonly<Record<NoInfer<Id> | 'filterPolicy', string>>,
  missing: Readonly<Record<Id, string>>,
): ChannelIds<Id> | undefined {
  if (value === undefined) return undefined;
  const fields = Object.keys(missing) as Id[];
  if (!isPlainObject(value))
    fail(prop, `${show(value)} is not an object`, listed([...fields, 'filterPolicy']));
  const read = fields.map((field) => [field, optionalText(keys[field], value[field])] as const);
  const given = read.flatMap(([field, text]) => (text === undefined ? [] : [field]));
  if (given.length === 0) {
    if (value.filterPolicy !== undefined)
      unused(keys.filterPolicy, listed(fields.map((field) => keys[field])));
    return undefined;
  }
  const left = fields.find((field) => !given.includes(field));
  if (left !== undefined) {
    const setKeys = listed(given.map((field) => keys[field]));
    fail(keys[left], `not set but ${setKeys} ${given.length === 1 ? 'is' : 'are'}`, missing[left]);
  }
  return { ids: Object.fromEntries(read) as Record<Id, string>, filterPolicy: value.filterPolicy };
}

/** A chat channel's filter policy: the given one checked, or DEFAULT_CHAT_FILTER_POLICY when left out. */
export function chatFilterPolicy(key: string, value: unknown): FilterPolicy {
  return parseFilterPolicy(key, value ?? DEFAULT_CHAT_FILTER_POLICY);
}
