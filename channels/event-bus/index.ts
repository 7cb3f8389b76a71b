// EventBridge, as a channel of the monitor (the contract: lib/channel/channel.ts).
import type * as events from 'aws-cdk-lib/aws-events';
import type { ChannelDefinition } from '../../lib/channel/channel';
import { EVENT_BUS } from './config';
import { EventBusChannel } from './construct';
import { checkEventBus, EVENT_BUS_CONTEXT_KEY, type EventBusChoice } from './settings';

export { EventBusChannel } from './construct';
export { EVENT_DETAIL_TYPE, EVENT_SOURCE } from './entry';
export { EVENT_BUS_CHOICES, type EventBusChoice } from './settings';

/** EventBridge: every change, no filter. */
export const eventBusChannel: ChannelDefinition<EventBusChoice | events.IEventBus, EventBusChannel> = {
  name: EVENT_BUS,
  id: 'EventBus',
  prop: 'eventBus',
  contextKeys: EVENT_BUS_CONTEXT_KEY,
  check: checkEventBus,
  build: (monitor, choice, context) => new EventBusChannel(monitor, choice, context),
  local: { kind: 'event-bus', context: { [EVENT_BUS_CONTEXT_KEY]: 'create' } },
};

declare module '../../lib/ec2-task-monitor-props' {
  interface Ec2TaskMonitorProps {
    /**
     * Also put every change on an EventBridge bus (source `ec2-task-monitor`, detail-type
     * `EC2 Task Change`): `'default'` for the account's default bus, `'create'` for a bus the
     * monitor creates (with an archive kept `retentionDays`), or a bus of your own.
     *
     * @default - no EventBridge delivery
     */
    readonly eventBus?: EventBusChoice | events.IEventBus;
  }
}

declare module '../../lib/channel/channel' {
  interface MonitorChannels {
    /** The EventBridge channel, with its bus, when `eventBus` is set. */
    readonly eventBus?: EventBusChannel;
  }
}
