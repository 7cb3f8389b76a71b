// The one error a bad setting raises, with one message shape: the setting, what is wrong with the
// value, and what is allowed. `cdk synth` prints it as `Invalid setting: <message>`.

/** A setting of the stack has a bad value. The message names the setting, the value and the allowed values. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** A value as a message shows it: text in quotes, anything else as JSON. */
export function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

/** Throws the SettingsError `<setting>: <problem>; allowed: <allowed>`. */
export function fail(setting: string, problem: string, allowed: string): never {
  throw new SettingsError(`${setting}: ${problem}; allowed: ${allowed}`);
}

/** A channel's option is set but the channel is not: most likely a forgotten setting. */
export function unused(setting: string, needs: string): never {
  return fail(setting, `set, but ${needs} not`, `${setting} only together with ${needs}`);
}
