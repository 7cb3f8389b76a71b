// Context (cdk.json, `cdk synth -c key=value`) mapped onto the construct's props: each of the
// monitor's settings sets the prop of the same name, each channel's context keys set its prop.
// Values are passed as given: the construct checks its props once, and every check reads the text
// the command line gives as well as the prop's own type. The keys a synth accepts come from the same
// descriptions, so a misspelled key fails instead of being ignored.
import { distance } from 'fastest-levenshtein';
import { CHANNELS } from '../../channels';
import type { Ec2TaskMonitorProps } from '../ec2-task-monitor-props';
import { MONITOR_SETTINGS } from './monitor-settings';
import { contextKeysOf, valueFromContext } from './setting';
import { fail, show } from './settings-error';

/** Where context comes from: a construct node (its context) or any key lookup. */
export type ContextSource = { tryGetContext(key: string): unknown } | ((key: string) => unknown);

/** Every context key that is a setting: the monitor's, then each channel's, in registry order. */
export function settingKeys(): string[] {
  return [
    ...Object.values(MONITOR_SETTINGS).map((setting) => setting.key),
    ...CHANNELS.flatMap((channel) => contextKeysOf(channel.contextKeys)),
  ];
}

/**
 * The construct's props the context sets, values as given (checked when the construct is built).
 * A channel's prop is there when any of its keys is set, so that a channel's option set without
 * the channel fails the check instead of being dropped.
 */
export function propsFromContext(source: ContextSource): Ec2TaskMonitorProps {
  const get = typeof source === 'function' ? source : (key: string) => source.tryGetContext(key);
  const props: Record<string, unknown> = {};
  for (const [prop, setting] of Object.entries(MONITOR_SETTINGS)) {
    const value = get(setting.key);
    if (value !== undefined) props[prop] = value;
  }
  for (const channel of CHANNELS) {
    const value = valueFromContext(channel.contextKeys, get);
    if (value !== undefined) props[channel.prop] = value;
  }
  // Context values are text or JSON; the construct's check reads both forms of every prop.
  return props as Ec2TaskMonitorProps;
}

/**
 * Context keys of the CDK itself, which the CLI, cdk.json and cdk.context.json put beside the
 * settings: feature flags (`@aws-cdk/...`), the CLI's keys (`aws:cdk:...`, `cli-telemetry`,
 * `acknowledged-issue-numbers`), cached lookups (`availability-zones:account=...`) and the like.
 */
export function isCdkContextKey(key: string): boolean {
  return (
    key.startsWith('@') ||
    key.includes(':') ||
    key.startsWith('cdk') ||
    key.startsWith('aws-cdk') ||
    ['cli-telemetry', 'acknowledged-issue-numbers'].includes(key)
  );
}

/** The setting a mistyped key most likely meant: same letters up to case and `-`/`_`, a prefix, or one or two edits away. */
export function closestSetting(key: string): string | undefined {
  const plain = (text: string) => text.toLowerCase().replace(/[-_\s]/g, '');
  const typed = plain(key);
  let best: { name: string; distance: number } | undefined;
  for (const name of settingKeys()) {
    const candidate = plain(name);
    if (candidate === typed) return name;
    const prefix = typed.length >= 4 && (candidate.startsWith(typed) || typed.startsWith(candidate));
    const edits = prefix ? 0 : distance(typed, candidate);
    if (edits <= 2 && (best === undefined || edits < best.distance)) best = { name, distance: edits };
  }
  return best?.name;
}

/**
 * Fails on a context key that is neither a setting nor the CDK's own (see {@link isCdkContextKey}):
 * `-c email=ops@example.com` would otherwise be ignored and subscribe nobody.
 * @throws SettingsError naming the key and the setting it most likely meant
 */
export function checkContextKeys(keys: Iterable<string>): void {
  const names = settingKeys();
  for (const key of keys) {
    if (names.includes(key) || isCdkContextKey(key)) continue;
    const meant = closestSetting(key);
    fail(key, `not a setting${meant ? `, did you mean ${show(meant)}?` : ''}`, names.join(', '));
  }
}
