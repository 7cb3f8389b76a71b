// One full cycle of the deployed code path, in this process: the poller's handler, then the
// delivery of every change it recorded through the publisher's handler. The handlers are the
// very modules Lambda runs; they read their configuration from the environment at import.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { PollReport } from '../lambdas/poller/poll-cycle';
import { type DeliveryResult, StreamDelivery } from './stream-delivery';

/** The two handlers, callable like the Lambda service calls them. */
export interface Handlers {
  poll(): Promise<PollReport>;
  publish(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse>;
}

/** Outcome of a cycle. */
export interface CycleOutcome {
  report: PollReport;
  delivery: DeliveryResult;
  /** One line per failed listing or delivery; empty when everything was polled and delivered. */
  failures: string[];
}

/** The functions' timeout in the stack; the CLI gives each handler call the same time. */
export const DEFAULT_TIMEOUT_MS = 60_000;

function lambdaContext(functionName: string, timeoutMs: number): Context {
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

/**
 * Imports the poller and publisher handlers. Call after the environment is set.
 * @param timeoutMs time each handler call gets, as the function's timeout would (default 60 s)
 */
export function loadHandlers(timeoutMs = DEFAULT_TIMEOUT_MS): Handlers {
  // This process is a consumer of the stream of its own: its name keeps its publication claims
  // apart from the deployed publisher's and from another process's.
  const consumer = `ec2-task-monitor-publisher@${hostname()}:${process.pid}`;
  // Loaded lazily because each handler reads its configuration when it loads; `require` keeps
  // the sources CommonJS under both tsx and jest.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const poller = require('../lambdas/poller/handler') as typeof import('../lambdas/poller/handler');
  const publisher = require('../lambdas/publisher/handler') as typeof import('../lambdas/publisher/handler');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    poll: () => poller.handler(undefined as never, lambdaContext('ec2-task-monitor-poller', timeoutMs)),
    publish: (event) => publisher.handler(event, lambdaContext(consumer, timeoutMs)),
  };
}

/** Creates the stream delivery for the table named by TABLE_NAME, with SDK clients from the environment. */
export function streamDeliveryFor(tableName: string): StreamDelivery {
  return new StreamDelivery(new DynamoDBClient({}), new DynamoDBStreamsClient({}), tableName);
}

/** Runs one cycle: poll, then deliver what was recorded. */
export async function runCycle(handlers: Handlers, delivery: StreamDelivery): Promise<CycleOutcome> {
  const report = await handlers.poll();
  const deliveryResult = await delivery.deliver(handlers.publish);
  const failures = report.listings
    .filter((listing) => !listing.ok)
    .map(
      (listing) =>
        `${listing.taskType} in ${listing.region}: ${listing.error?.code ?? 'Error'}: ${listing.error?.message ?? ''}`,
    );
  if (deliveryResult.failure) failures.push(`delivery: ${deliveryResult.failure}`);
  return { report, delivery: deliveryResult, failures };
}
