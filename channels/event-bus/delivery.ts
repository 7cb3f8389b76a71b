// The EventBridge channel: puts each event on a bus as the detail of an "EC2 Task Change" entry,
// so programs can match it with rules, archive it and replay it.
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { MonitorEvent } from '../../lambdas/domain/monitor-event';
import { toEventBusEntry } from './entry';
import type { DeliveryAdapter } from '../../lambdas/notifiers/notifier';
import { EVENT_BUS } from './config';

/** PutEvents answered, but refused the entry (EventBridge reports failures per entry, not by throwing). */
export class EventBusEntryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`EventBridge refused the entry: ${code}: ${message}`);
    this.name = 'EventBusEntryError';
  }
}

/** Delivers events to one event bus. */
export class EventBusDelivery implements DeliveryAdapter {
  readonly name = EVENT_BUS;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  /** Puts one entry; throws the SDK's error, or {@link EventBusEntryError} when the entry failed. */
  async deliver(event: MonitorEvent): Promise<void> {
    const output = await this.client.send(
      new PutEventsCommand({ Entries: [toEventBusEntry(event, this.eventBusName)] }),
    );
    const [result] = output.Entries ?? [];
    if ((output.FailedEntryCount ?? 0) > 0 || !result?.EventId) {
      throw new EventBusEntryError(
        result?.ErrorCode ?? 'Unknown',
        result?.ErrorMessage ?? 'no event id returned',
      );
    }
  }
}
