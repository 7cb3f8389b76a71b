// Lambda entry point of the EventBridge notifier: its queue receives every event, and each is put
// on the configured bus as an "EC2 Task Change" entry.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBusChannel } from '../adapters/event-bus';
import { readEventBusNotifierConfig } from '../shared/config';
import { sdkClientConfig } from '../shared/sdk-clients';
import { notifierHandler } from './lambda-handler';

const config = readEventBusNotifierConfig();

/** A handler as one Lambda instance of its own has it (see slack-webhook-handler.ts). */
export function newHandler() {
  return notifierHandler(
    new EventBusChannel(new EventBridgeClient(sdkClientConfig()), config.eventBusName),
    config,
  );
}

/** Lambda entry point of the EventBridge notifier. */
export const handler = newHandler();
