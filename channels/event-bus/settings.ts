// The setting of the EventBridge channel: which bus every change is put on.
import type * as events from 'aws-cdk-lib/aws-events';
import { fail, show } from '../../lib/settings/settings-error';
import { optionalText } from '../../lib/settings/values';

/** `default`: the account's default event bus; `create`: a bus the stack creates. */
export type EventBusChoice = 'default' | 'create';

/** The values of the `eventBus` setting. */
export const EVENT_BUS_CHOICES: readonly EventBusChoice[] = ['default', 'create'];

/** The context key of the setting. */
export const EVENT_BUS_CONTEXT_KEY = 'eventBus';

/**
 * Checks the `eventBus` prop: a choice (from context, the same text) or a bus of the app's own.
 *
 * @returns undefined when it is not set (no EventBridge channel)
 */
export function checkEventBus(value: unknown): EventBusChoice | events.IEventBus | undefined {
  if (value !== undefined && value !== null && typeof value === 'object') return value as events.IEventBus;
  const choice = optionalText(EVENT_BUS_CONTEXT_KEY, value);
  if (choice === undefined) return undefined;
  if (!EVENT_BUS_CHOICES.includes(choice as EventBusChoice)) {
    fail(EVENT_BUS_CONTEXT_KEY, `${show(choice)} is not valid`, EVENT_BUS_CHOICES.join(', '));
  }
  return choice as EventBusChoice;
}
