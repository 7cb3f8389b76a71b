// One organization-mode cycle of the deployed code path, in this process: the dispatcher's
// handler, then every unit it sent handed to the worker's handler, then the publisher and the
// channels. The handlers are the functions' bundles, as Lambda runs them. The dispatcher sends its
// units to the queue its QUEUE_URL names, with its own SQS client: nothing in the functions knows
// it runs here. That queue is then drained the way Lambda's SQS event source feeds the worker
// (batches of up to ten records, each FIFO group in order, the failed ones left on the queue), by
// one worker execution environment, batch after batch. The local mode gives it the emulator's
// queue; a queue a deployed worker reads would race it. With cloudTrailTrigger, a task-creating
// call's CloudTrail record goes the same way: the dispatcher's handler with the event (as the rules
// invoke it), then the queue drained into the worker and what it recorded published.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { CoverageStore } from '../lambdas/adapters/coverage-store';
import type { AccountCoverage, AccountFailure } from '../lambdas/domain/coverage';
import type { DispatchReport } from '../lambdas/dispatcher/dispatch';
import type { TriggerReport } from '../lambdas/dispatcher/trigger';
import { readDispatcherConfig } from '../lambdas/shared/config';
import { sdkClientConfig } from '../lambdas/shared/sdk-clients';
import { DISPATCHER_FUNCTION, WORKER_FUNCTION } from '../lib/function-bundles';
import { type ChannelDeliveryResult, type ChannelRunner, deliverChannel } from './channel-delivery';
import {
  DEFAULT_TIMEOUT_MS,
  type HandlerClock,
  type Handlers,
  lambdaContext,
  type LocalChannelSpec,
  loadPublishing,
  publishRecorded,
  requireFunction,
} from './cycle';
import type { DeliveryResult, StreamDelivery } from './stream-delivery';

/** The handlers of organization mode, callable like the Lambda service calls them. */
export interface OrganizationHandlers extends Pick<Handlers, 'publish' | 'channels'> {
  /** The dispatcher, as the schedule invokes it. */
  dispatch(): Promise<DispatchReport>;
  /** The dispatcher, as a task-call rule invokes it with a CloudTrail record. */
  trigger(event: unknown): Promise<TriggerReport>;
  /** The unit queue and the worker it feeds. */
  units: ChannelRunner;
  /** The coverage items, read after the workers to report each account's failure. */
  coverage: Pick<CoverageStore, 'loadAll'>;
}

/** Outcome of an organization cycle. */
export interface OrganizationCycleOutcome {
  dispatch: DispatchReport;
  /** The pass over the unit queue: units the worker handled, and the ones it reported as failed. */
  units: ChannelDeliveryResult;
  delivery: DeliveryResult;
  channels: ChannelDeliveryResult[];
  /** Wall time of the dispatch and the workers, in milliseconds. */
  durationMs: number;
  /** One line per account or unit that failed, then per failed delivery; empty when all went through. */
  failures: string[];
}

/**
 * Imports the dispatcher, worker, publisher and notifier handlers. Call after the environment
 * (the dispatcher's, the worker's and the publisher's variables, which agree where they overlap
 * except REGIONS, which only the dispatcher reads) is set.
 * @param timeoutMs time each handler call gets, as the function's timeout would (default 60 s)
 * @param channels the notification channels to run (default: none)
 * @param now the clock of the dispatcher, the worker and the publisher (default: the system clock,
 * as in Lambda); they share it, as the worker drops a unit stamped more than two cycles before its time
 */
export function loadOrganizationHandlers(
  timeoutMs = DEFAULT_TIMEOUT_MS,
  channels: readonly LocalChannelSpec[] = [],
  now?: HandlerClock,
): OrganizationHandlers {
  const { queueUrl, tableName } = readDispatcherConfig();
  // Loaded here because each handler reads its configuration when it loads.
  const dispatcher = requireFunction<typeof import('../lambdas/dispatcher/handler')>(DISPATCHER_FUNCTION);
  const worker = requireFunction<typeof import('../lambdas/worker/handler')>(WORKER_FUNCTION);
  const dispatch = now ? dispatcher.newHandler({ now }) : dispatcher.handler;
  const work = now ? worker.newHandler({ now }) : worker.handler;
  const invokeWorker = (event: SQSEvent) =>
    work(event, lambdaContext('ec2-task-monitor-worker', timeoutMs)) as Promise<SQSBatchResponse>;
  return {
    // Invoked without an event, the dispatcher dispatches a cycle; with a CloudTrail record, it
    // queues that call's unit.
    dispatch: () =>
      dispatch(
        undefined as never,
        lambdaContext('ec2-task-monitor-dispatcher', timeoutMs),
      ) as Promise<DispatchReport>,
    trigger: (event) =>
      dispatch(
        event as never,
        lambdaContext('ec2-task-monitor-dispatcher', timeoutMs),
      ) as Promise<TriggerReport>,
    units: {
      channel: 'worker',
      queueUrl,
      sqs: new SQSClient(sdkClientConfig({ useQueueUrlAsEndpoint: false })),
      // One execution environment: the worker's module holds one container's state, which two
      // invocations at once never share in Lambda.
      instances: [invokeWorker],
      pollers: 1,
      concurrencyLimit: 1,
    },
    coverage: new CoverageStore(new DynamoDBClient(sdkClientConfig()), tableName),
    ...loadPublishing(timeoutMs, channels, now),
  };
}

/** One failure line: the account (with its name), the Region when it is one's, the code and kind. */
function accountFailureLine(account: string, name: string | undefined, failure: AccountFailure): string {
  const where = failure.region ? ` in ${failure.region}` : '';
  return `account ${name ? `${name} (${account})` : account}${where}: ${failure.code} (${failure.kind}): ${failure.message}`;
}

/**
 * Runs one cycle: the dispatch, the unit queue drained into the worker, then what was recorded
 * delivered to the publisher and each channel. The failures are the dispatcher's (an account it
 * sent no unit for), then each polled account's failure as its coverage holds it after the
 * workers (a missing member role, a Region that failed), then the units the worker gave back.
 */
export async function runOrganizationCycle(
  handlers: OrganizationHandlers,
  delivery: StreamDelivery,
): Promise<OrganizationCycleOutcome> {
  const started = Date.now();
  const dispatch = await handlers.dispatch();
  const units = await deliverChannel(handlers.units);
  const durationMs = Date.now() - started;
  const failures = dispatch.failures.map(({ account, name, failure }) =>
    accountFailureLine(account, name, failure),
  );
  // A complete poll of a Region clears its failure and a failure written earlier stays only while
  // it recurs, so after every unit of an account ran, what its coverage holds is this cycle's.
  const regionsOf = new Map<string, Set<string>>();
  for (const unit of dispatch.units)
    regionsOf.set(unit.account, (regionsOf.get(unit.account) ?? new Set()).add(unit.region));
  const coverage =
    regionsOf.size > 0 ? await handlers.coverage.loadAll() : new Map<string, AccountCoverage>();
  for (const [account, regions] of regionsOf) {
    const { failure, name } = coverage.get(account) ?? {};
    if (failure && (failure.region === undefined || regions.has(failure.region)))
      failures.push(accountFailureLine(account, name, failure));
  }
  if (units.failed > 0) failures.push(`worker: ${units.failed} unit(s) failed, SQS delivers them again`);
  const published = await publishRecorded(handlers, delivery);
  failures.push(...published.failures);
  return {
    dispatch,
    units,
    delivery: published.delivery,
    channels: published.channels,
    durationMs,
    failures,
  };
}

/** Outcome of a task-creating call handled in process. */
export interface OrganizationTriggerOutcome {
  trigger: TriggerReport;
  /** The pass over the unit queue (the triggered unit, and anything else queued). */
  units: ChannelDeliveryResult;
  delivery: DeliveryResult;
  channels: ChannelDeliveryResult[];
  /** One line per unit the worker gave back, then per failed delivery. */
  failures: string[];
}

/**
 * Handles one CloudTrail record of a task-creating call as the task-call rules do: the dispatcher
 * with the event (a unit for a watched account and Region, nothing otherwise), the unit queue
 * drained into the worker, then what was recorded delivered to the publisher and each channel.
 */
export async function runOrganizationTrigger(
  handlers: OrganizationHandlers,
  delivery: StreamDelivery,
  event: unknown,
): Promise<OrganizationTriggerOutcome> {
  const trigger = await handlers.trigger(event);
  const units = await deliverChannel(handlers.units);
  const failures: string[] = [];
  if (units.failed > 0) failures.push(`worker: ${units.failed} unit(s) failed, SQS delivers them again`);
  const published = await publishRecorded(handlers, delivery);
  failures.push(...published.failures);
  return { trigger, units, delivery: published.delivery, channels: published.channels, failures };
}
