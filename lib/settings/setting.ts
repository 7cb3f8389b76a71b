// The shape every setting has: a construct prop, the context key that sets it from cdk.json or
// `cdk synth -c key=value`, and how its value is read and checked. The monitor's own settings
// (monitor-settings.ts) and every channel's (channels/*/settings.ts) are described this way, so the
// construct checks its props once, context maps onto the same props, and the list of keys a synth
// accepts comes from the same descriptions.

/** What a setting's check may depend on besides its value. */
export interface SettingScope {
  /** The Region the stack deploys to (a token for an environment-agnostic stack). */
  readonly stackRegion: string;
}

/** One setting of the monitor. */
export interface Setting<T> {
  /** The context key that sets it, also the name its errors give. */
  readonly key: string;
  /** Its value when the prop is left out. */
  readonly default: T | ((scope: SettingScope) => T);
  /**
   * Reads and checks a value given as a prop or as context (text from `-c`, JSON from cdk.json).
   * @throws SettingsError naming {@link key}, the value and what is allowed
   */
  parse(value: unknown, scope: SettingScope): T;
}

/** The value of a setting: the given one checked, or its default. */
export function settingValue<T>(setting: Setting<T>, value: unknown, scope: SettingScope): T {
  if (value !== undefined) return setting.parse(value, scope);
  return typeof setting.default === 'function'
    ? (setting.default as (scope: SettingScope) => T)(scope)
    : setting.default;
}

/**
 * Which context keys set a channel's prop: one key for a prop that is one value (`eventBus`), or a
 * key per field of a prop that is an object of options (`chatbot.filterPolicy` ← `chatFilterPolicy`).
 */
export type ContextKeys = string | { readonly [field: string]: string };

/** Every context key of a mapping. */
export function contextKeysOf(keys: ContextKeys): string[] {
  return typeof keys === 'string' ? [keys] : Object.values(keys);
}

/**
 * A prop's value from context, as given (each setting's check reads text as well as its prop's type):
 * the one key's value, or an object of the fields whose keys are set; undefined when none is.
 */
export function valueFromContext(keys: ContextKeys, get: (key: string) => unknown): unknown {
  if (typeof keys === 'string') return get(keys);
  const fields = Object.entries(keys).flatMap(([field, key]) => {
    const value = get(key);
    return value === undefined ? [] : [[field, value] as const];
  });
  return fields.length === 0 ? undefined : Object.fromEntries(fields);
}
