// The in-process Lambda runtime: runs the functions' bundles the way the Lambda service runs them
// (a scheduled poll, or organization mode's dispatch and its units drained into the worker; the
// table's stream fed to the publisher in order, each channel's queue drained by its notifiers, a
// redrive of unpublished changes). `ec2-task-monitor poll` and `redrive` use it against AWS; the
// dev kit's local mode and the integration tests use it against local engines.
export {
  type CycleOutcome,
  DEFAULT_TIMEOUT_MS,
  type HandlerClock,
  type Handlers,
  loadHandlers,
  type LocalChannelSpec,
  runCycle,
  streamDeliveryFor,
} from './cycle';
export {
  loadOrganizationHandlers,
  type OrganizationCycleOutcome,
  type OrganizationHandlers,
  type OrganizationTriggerOutcome,
  runOrganizationCycle,
  runOrganizationTrigger,
} from './organization-cycle';
export {
  type ChannelDeliveryResult,
  type ChannelRunner,
  DEFAULT_SQS_POLLERS,
  deliverChannel,
} from './channel-delivery';
export { type RedriveResult, redriveUnpublished } from './redrive';
export { type DeliveryResult, feedPublisher, StreamDelivery, toLambdaRecord } from './stream-delivery';
export { type ChannelName, ENV } from '../lambdas/shared/config';
export { functionBundleFile, notifierFunction } from '../lib/function-bundles';
