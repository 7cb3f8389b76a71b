// One full cycle of the deployed code path, in this process: the poller's handler, then the
// delivery of every change it recorded through the publisher's handler. The handlers are the
// very files Lambda runs, the functions' bundles; they read their configuration from the
// environment when they load, and the time from the system clock unless the caller gives them
// another (each bundle's `newHandler`): the local mode's scenario clock.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import type { PollReport } from '../lambdas/poller/poll-cycle';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ChannelName } from '../lambdas/shared/config';
import { sdkClientConfig } from '../lambdas/shared/sdk-clients';
import {
  type ChannelDeliveryResult,
  type ChannelRunner,
  DEFAULT_SQS_POLLERS,
  deliverChannel,
} from './channel-delivery';
import { type DeliveryResult, StreamDelivery } from './stream-delivery';
import {
  functionBundleFile,
  notifierFunction,
  POLLER_FUNCTION,
  PUBLISHER_FUNCTION,
} from '../lib/function-bundles';

/** The handlers, callable like the Lambda service calls them. */
export interface Handlers {
  poll(): Promise<PollReport>;
  publish(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse>;
  /** The notification channels' notifiers and queues; empty when the stack has none. */
  channels: ChannelRunner[];
}

/** Outcome of a cycle. */
export interface CycleOutcome {
  report: PollReport;
  delivery: DeliveryResult;
  /** One pass over each channel's queue. */
  channels: ChannelDeliveryResult[];
  /** One line per failed listing or delivery; empty when everything was polled and delivered. */
  failures: string[];
}

/** The functions' timeout in the stack; the CLI gives each handler call the same time. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** The context Lambda hands a handler: its name, and the time left before its timeout. */
export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? 'us-east-1'}:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A channel to run locally: its queue, its notifier's environment and concurrency (see deployLocally). */
export interface LocalChannelSpec {
  channel: ChannelName;
  queueUrl: string;
  env: Record<string, string>;
  /** The event source's maximum concurrency; undefined when it has none. */
  maxConcurrency?: number;
  /** The notifier's reserved concurrency; undefined when it has none. */
  reservedConcurrency?: number;
  /** How a received body reaches the notifier (see ChannelRunner.bodyOf); as received by default. */
  bodyOf?: (body: string) => string;
}

/** A notifier function's module: its Lambda handler, and a fresh handler per execution environment. */
interface NotifierModule {
  newHandler: () => (event: unknown, context: Context) => Promise<unknown>;
}

/**
 * Loads a function's bundle, the very file Lambda runs (see lib/function-bundles.ts). `require`
 * keeps a module's state per process, as a Lambda execution environment keeps it per container;
 * under jest each harness gets fresh modules (jest.isolateModules).
 */
export function requireFunction<T>(name: string): T {
  const file = functionBundleFile(name);
  if (!existsSync(file))
    throw new Error(`The ${name} function is not built (${file}): run \`npm run build\``);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as T;
}

/**
 * Imports a notifier with its own environment, as its own Lambda function would start: the
 * handler reads its configuration when it loads, and the variables are put back afterwards, so
 * the three notifiers (each with its CHANNEL) live in one process.
 */
function loadNotifier(spec: LocalChannelSpec, timeoutMs: number, sqs: SQSClient): ChannelRunner {
  const module = withEnvironment(spec.env, () =>
    requireFunction<NotifierModule>(notifierFunction(spec.channel)),
  );
  const functionName = `ec2-task-monitor-${spec.channel}-notifier`;
  const pollers = spec.maxConcurrency ?? DEFAULT_SQS_POLLERS;
  const concurrencyLimit = spec.reservedConcurrency ?? Number.POSITIVE_INFINITY;
  // One instance per invocation that can run at once, each with the state of its own environment.
  const instances = Array.from({ length: Math.min(pollers, concurrencyLimit) }, () => {
    const handler = withEnvironment(spec.env, () => module.newHandler());
    return (event: SQSEvent) =>
      handler(event, lambdaContext(functionName, timeoutMs)) as Promise<SQSBatchResponse>;
  });
  return {
    channel: spec.channel,
    queueUrl: spec.queueUrl,
    sqs,
    instances,
    pollers,
    concurrencyLimit,
    bodyOf: spec.bodyOf,
  };
}

/** Runs `make` with `env` set, putting the variables back afterwards. */
function withEnvironment<T>(env: Record<string, string>, make: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return make();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** A clock to build the functions' handlers on; undefined keeps their own, the system clock. */
export type HandlerClock = (() => Date) | undefined;

/**
 * Imports the publisher and notifier handlers, which every cycle ends with. Call after the
 * environment is set.
 * @param timeoutMs time each handler call gets, as the function's timeout would (default 60 s)
 * @param channels the notification channels to run (default: none)
 * @param now the publisher's clock (default: the system clock). The notifiers keep the system
 * clock: their delivery records expire by Powertools' idempotency, which reads it itself.
 */
export function loadPublishing(
  timeoutMs = DEFAULT_TIMEOUT_MS,
  channels: readonly LocalChannelSpec[] = [],
  now?: HandlerClock,
): Pick<Handlers, 'publish' | 'channels'> {
  // This process is a consumer of the stream of its own: its name keeps its publication claims
  // apart from the deployed publisher's and from another process's.
  const consumer = `ec2-task-monitor-publisher@${hostname()}:${process.pid}`;
  const publisher = requireFunction<typeof import('../lambdas/publisher/handler')>(PUBLISHER_FUNCTION);
  const publish = now ? publisher.newHandler({ now }) : publisher.handler;
  const sqs = new SQSClient(sdkClientConfig({ useQueueUrlAsEndpoint: false }));
  return {
    publish: (event) => publish(event, lambdaContext(consumer, timeoutMs)),
    channels: channels.map((spec) => loadNotifier(spec, timeoutMs, sqs)),
  };
}

/**
 * Imports the poller, publisher and notifier handlers. Call after the environment is set.
 * @param timeoutMs time each handler call gets, as the function's timeout would (default 60 s)
 * @param channels the notification channels to run (default: none)
 * @param now the clock of the poller and the publisher (default: the system clock, as in Lambda)
 */
export function loadHandlers(
  timeoutMs = DEFAULT_TIMEOUT_MS,
  channels: readonly LocalChannelSpec[] = [],
  now?: HandlerClock,
): Handlers {
  // Loaded here because each handler reads its configuration when it loads.
  const poller = requireFunction<typeof import('../lambdas/poller/handler')>(POLLER_FUNCTION);
  const poll = now ? poller.newHandler({ now }) : poller.handler;
  return {
    poll: () => poll(undefined as never, lambdaContext('ec2-task-monitor-poller', timeoutMs)),
    ...loadPublishing(timeoutMs, channels, now),
  };
}

/** Creates the stream delivery for the table named by TABLE_NAME, with SDK clients from the environment. */
export function streamDeliveryFor(tableName: string): StreamDelivery {
  return new StreamDelivery(
    new DynamoDBClient(sdkClientConfig()),
    new DynamoDBStreamsClient(sdkClientConfig()),
    tableName,
  );
}

/** What a cycle did after its poll: the stream delivered to the publisher, then each channel's queue. */
export interface PublishingOutcome {
  delivery: DeliveryResult;
  channels: ChannelDeliveryResult[];
  /** One line per failed delivery. */
  failures: string[];
}

/**
 * Delivers what a poll recorded: the table's stream to the publisher, then each channel's queue
 * to its notifiers. Every cycle ends with it, the single-account one and the organization's.
 */
export async function publishRecorded(
  handlers: Pick<Handlers, 'publish' | 'channels'>,
  delivery: StreamDelivery,
): Promise<PublishingOutcome> {
  const deliveryResult = await delivery.deliver(handlers.publish);
  const channels: ChannelDeliveryResult[] = [];
  for (const runner of handlers.channels) channels.push(await deliverChannel(runner));
  const failures: string[] = [];
  if (deliveryResult.failure) failures.push(`delivery: ${deliveryResult.failure}`);
  for (const channel of channels) {
    if (channel.failed > 0)
      failures.push(`${channel.channel}: ${channel.failed} notification(s) failed, retried next cycle`);
    if (channel.throttled > 0)
      failures.push(`${channel.channel}: ${channel.throttled} notification(s) throttled, retried next cycle`);
  }
  return { delivery: deliveryResult, channels, failures };
}

/** Runs one cycle: poll, deliver what was recorded, then hand each channel what reached its queue. */
export async function runCycle(handlers: Handlers, delivery: StreamDelivery): Promise<CycleOutcome> {
  const report = await handlers.poll();
  const published = await publishRecorded(handlers, delivery);
  const failures = report.listings
    .filter((listing) => !listing.ok)
    .map(
      (listing) =>
        `${listing.taskType} in ${listing.region}: ${listing.error?.code ?? 'Error'}: ${listing.error?.message ?? ''}`,
    );
  failures.push(...published.failures);
  return { report, delivery: published.delivery, channels: published.channels, failures };
}
