// Lambda entry point of the EventBridge notifier: its queue receives every event, and each is put
// on the configured bus as an "EC2 Task Change" entry.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBusDelivery } from './delivery';
import { readEventBusNotifierConfig } from './config';
import { sdkClientConfig } from '../../lambdas/shared/sdk-clients';
import { notifierHandler } from '../../lambdas/notifiers/lambda-handler';

const config = readEventBusNotifierConfig();

/** A handler as one Lambda instance of its own has it (see channels/slack-webhook/notifier.ts). */
export function newHandler() {
  return notifierHandler(
    new EventBusDelivery(new EventBridgeClient(sdkClientConfig()), config.eventBusName),
    config,
  );
}

/** Lambda entry point of the EventBridge notifier. */
export const handler = newHandler();
