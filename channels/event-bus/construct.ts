// EventBridge: every change (no filter) put on the account's default bus, on a bus the monitor
// creates with an archive of its events, or on a bus of the app's own.
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import type { ChannelContext, ChannelOutput, DeployedChannel } from '../../lib/channel/channel';
import { ChannelDelivery } from '../../lib/channel/channel-delivery';
import { EVENT_BUS, EVENT_BUS_VARIABLE } from './config';
import { EVENT_SOURCE } from './entry';
import type { EventBusChoice } from './settings';

/** The EventBridge channel as built. */
export class EventBusChannel implements DeployedChannel {
  /** The bus every change is put on. */
  public readonly bus: events.IEventBus;
  /** The queue, notifier and dead-letter queue (construct id `EventBusDelivery` under the monitor). */
  public readonly delivery: ChannelDelivery;
  /** The bus's name (`EventBusName`). */
  public readonly outputs: Readonly<Record<string, ChannelOutput>>;

  constructor(monitor: Construct, choice: EventBusChoice | events.IEventBus, context: ChannelContext) {
    this.bus = resolveBus(monitor, choice, context);
    this.delivery = new ChannelDelivery(monitor, 'EventBusDelivery', {
      ...context,
      channel: EVENT_BUS,
      description: 'Puts every task change on the EventBridge bus',
    });
    this.delivery.notifier.addEnvironment(EVENT_BUS_VARIABLE, this.bus.eventBusName);
    this.bus.grantPutEventsTo(this.delivery.notifier);
    this.outputs = {
      EventBusName: {
        value: this.bus.eventBusName,
        description: `EventBridge bus receiving every change (source ${EVENT_SOURCE}, detail-type "EC2 Task Change")`,
      },
    };
  }
}

/** The bus a choice names; a created bus gets an archive of the monitor's events. */
function resolveBus(
  monitor: Construct,
  choice: EventBusChoice | events.IEventBus,
  context: ChannelContext,
): events.IEventBus {
  if (typeof choice !== 'string') return choice;
  if (choice === 'default') return events.EventBus.fromEventBusName(monitor, 'DefaultBus', 'default');
  const bus = new events.EventBus(monitor, 'EventBus', {
    description: 'EC2 task changes published by the EC2 task monitor',
  });
  bus.applyRemovalPolicy(context.removalPolicy);
  // Replayable history of every change, kept as long as the table keeps its history.
  bus.archive('Archive', {
    description: 'Every EC2 task change, for replay',
    eventPattern: { source: [EVENT_SOURCE] },
    retention: Duration.days(context.retentionDays),
  });
  return bus;
}
