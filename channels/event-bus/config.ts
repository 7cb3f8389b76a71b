// What the EventBridge channel's construct sets and its notifier reads: the channel's name and
// its notifier's variable.
import {
  ConfigurationError,
  type Env,
  type NotifierConfig,
  readNotifierConfig,
  required,
} from '../../lambdas/shared/config';

/** The channel's name: its notifier's CHANNEL, its delivery records' partition, its metrics' dimension. */
export const EVENT_BUS = 'event-bus';

/** The variable holding the name or ARN of the bus the notifier puts events on. */
export const EVENT_BUS_VARIABLE = 'EVENT_BUS_NAME';

/** Settings of the EventBridge notifier. */
export interface EventBusNotifierConfig extends NotifierConfig {
  eventBusName: string;
}

/** Reads the EventBridge notifier's configuration. @throws ConfigurationError naming the bad variable */
export function readEventBusNotifierConfig(env: Env = process.env): EventBusNotifierConfig {
  const eventBusName = required(env, EVENT_BUS_VARIABLE);
  // A name, or an ARN (PutEvents takes both); CloudFormation's pattern for names.
  if (!/^(arn:aws[\w-]*:events:[\w-]+:\d{12}:event-bus\/)?[/.\-_A-Za-z0-9]{1,256}$/.test(eventBusName)) {
    throw new ConfigurationError(`${EVENT_BUS_VARIABLE} is not an event bus name or ARN: "${eventBusName}"`);
  }
  return { ...readNotifierConfig(EVENT_BUS, env), eventBusName };
}
