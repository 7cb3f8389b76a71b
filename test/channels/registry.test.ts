// The channel registry as the rest of the product relies on it: each channel lives in
// channels/<name> with its notifier (which the build bundles as `<name>-notifier`), names, ids, props
// and context keys are unique, and each channel's local stand-in is turned on by its own keys.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CHANNELS } from '../../channels';
import { contextKeysOf } from '../../lib/settings/setting';
import { MONITOR_SETTINGS } from '../../lib/settings/monitor-settings';

const ROOT = path.resolve(__dirname, '..', '..');

it.each(CHANNELS.map((channel) => [channel.name, channel]))(
  '%s lives in its own folder with its notifier',
  (name, channel) => {
    expect(existsSync(path.join(ROOT, 'channels', name, 'notifier.ts'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'channels', name, 'index.ts'))).toBe(true);
    expect(channel.id).toMatch(/^[A-Z][A-Za-z]+$/);
  },
);

it('names every channel, id, prop and context key once, none a setting of the monitor', () => {
  const keys = CHANNELS.flatMap((channel) => contextKeysOf(channel.contextKeys));
  const monitorKeys = Object.values(MONITOR_SETTINGS).map((setting) => setting.key);

  for (const values of [
    CHANNELS.map((c) => c.name),
    CHANNELS.map((c) => c.id),
    CHANNELS.map((c) => c.prop),
    keys,
  ]) {
    expect(new Set(values).size).toBe(values.length);
  }
  expect(keys.filter((key) => monitorKeys.includes(key))).toEqual([]);
  expect(CHANNELS.map((c) => c.prop).filter((prop) => prop in MONITOR_SETTINGS)).toEqual([]);
});

it('turns each channel on locally with its own keys, and off without them', () => {
  for (const channel of CHANNELS) {
    const own = contextKeysOf(channel.contextKeys);
    expect(Object.keys(channel.local.context).every((key) => own.includes(key))).toBe(true);
    const value =
      typeof channel.contextKeys === 'string'
        ? channel.local.context[channel.contextKeys]
        : Object.fromEntries(
            Object.entries(channel.contextKeys).flatMap(([field, key]) =>
              key in channel.local.context ? [[field, channel.local.context[key]]] : [],
            ),
          );
    expect(channel.check(value)).toBeDefined();
    expect(channel.check(undefined)).toBeUndefined();
  }
});
