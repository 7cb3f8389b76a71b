// Puts the fault proxy between the monitor and its engines, for the fault-injection suite: one
// proxy in front of DynamoDB Local (tables and streams), one in front of the SNS emulator. The
// handlers run either in this process, loaded with endpoints pointing at the proxies, or as a
// real `ec2-task-monitor poll --once` child process that a test can kill at a chosen point.
// The harness's own setup, its inbox and its `cycle()` keep talking to the engines directly.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import {
  type CycleOutcome,
  type Handlers,
  loadHandlers,
  runCycle,
  streamDeliveryFor,
} from '../../../runtime/cycle';
import type { StreamDelivery } from '../../../runtime/stream-delivery';
import { LOCAL_REGION } from '../../../devkit/local-deployment';
import { endpointEnvironment } from '../../../devkit/engines/engines';
import {
  type FaultProxy,
  publishBatchEntries,
  type PublishBatchEntry,
  startFaultProxy,
} from '../../support/fault-proxy';
import type { TaskChangeEvent } from '../../../lambdas/domain/event';
import { sortDeliveries } from '../../../devkit/engines/inbox';
import { ENGINE_ENV } from './global-setup';
import type { Harness } from './harness';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * `--timeout` of the `poll --once` processes the tests kill: their publication claims hold this
 * long, as a dead Lambda invocation's hold until its timeout.
 */
export const KILLED_PROCESS_TIMEOUT_MS = 3000;

/** The proxies in front of the shared engines. */
export interface FaultProxies {
  dynamodb: FaultProxy;
  sns: FaultProxy;
  close(): Promise<void>;
}

function engine(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through jest (globalSetup starts the engines)`);
  return value;
}

/** Starts a proxy in front of DynamoDB Local and one in front of the SNS/SQS emulator. */
export async function startFaultProxies(): Promise<FaultProxies> {
  const [dynamodb, sns] = await Promise.all([
    startFaultProxy({ target: engine(ENGINE_ENV.dynamodb) }),
    startFaultProxy({ target: engine(ENGINE_ENV.messaging) }),
  ]);
  return {
    dynamodb,
    sns,
    async close() {
      await Promise.all([dynamodb.close(), sns.close()]);
    },
  };
}

/** The SDK endpoint variables that route DynamoDB, its stream and SNS through the proxies. */
export function proxiedEndpointEnvironment(harness: Harness, proxies: FaultProxies): Record<string, string> {
  return endpointEnvironment({
    endpoints: {
      dynamodb: proxies.dynamodb.url,
      sns: proxies.sns.url,
      sqs: engine(ENGINE_ENV.messaging),
      ec2: harness.sim.url,
    },
  });
}

/** A poller and a publisher "container" in this process, talking through the proxies. */
export interface ProxiedRunner {
  handlers: Handlers;
  delivery: StreamDelivery;
  /** One `poll --once` through the proxies. */
  cycle(): Promise<CycleOutcome>;
}

/**
 * Loads a fresh copy of the handlers (a new container) whose SDK clients go through the proxies,
 * with its own stream delivery, which starts from the stream's oldest record like the CLI's.
 * The endpoint variables of this test file's process stay pointed at the proxies afterwards.
 */
export function proxiedRunner(harness: Harness, proxies: FaultProxies): ProxiedRunner {
  Object.assign(process.env, proxiedEndpointEnvironment(harness, proxies));
  let handlers: Handlers | undefined;
  jest.isolateModules(() => {
    handlers = loadHandlers();
  });
  if (!handlers) throw new Error('the handlers did not load');
  const loaded = handlers;
  const delivery = streamDeliveryFor(harness.deployment.tableName);
  return { handlers: loaded, delivery, cycle: () => runCycle(loaded, delivery) };
}

/** Task change events the harness's inbox holds now (quota crossings are not the fault suite's subject). */
export async function received(harness: Harness): Promise<TaskChangeEvent[]> {
  return sortDeliveries(await harness.inbox.drain()).taskChanges.map((message) => message.event);
}

/** The event a PublishBatch entry carries (MessageStructure=json: the `default` member). */
export function eventOfEntry(entry: PublishBatchEntry): TaskChangeEvent {
  const structure = JSON.parse(entry.message) as { default: string };
  return JSON.parse(structure.default) as TaskChangeEvent;
}

/** The events of every PublishBatch call the SNS proxy forwarded or answered, one list per call. */
export function publishedBatches(proxies: FaultProxies): TaskChangeEvent[][] {
  return proxies.sns.requests
    .filter((request) => request.operation === 'PublishBatch')
    .map((request) => publishBatchEntries(request.body).map(eventOfEntry));
}

/** A `poll --once` child process. */
export interface ChildPoll {
  child: ChildProcess;
  /** Resolves when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** SIGKILL: the process dies on the spot, as a Lambda container does at a timeout or crash. */
  kill(): Promise<void>;
}

/**
 * Runs `node bin/ec2-task-monitor.mjs poll --once` with the deployment's poller and publisher
 * environment and the endpoint variables pointing at the proxies (EC2 at the simulator).
 */
export function spawnPollOnce(harness: Harness, proxies: FaultProxies): ChildPoll {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...proxiedEndpointEnvironment(harness, proxies),
    AWS_REGION: LOCAL_REGION,
    ...harness.deployment.pollerEnv,
    ...harness.deployment.publisherEnv,
    POWERTOOLS_LOG_LEVEL: process.env.IT_LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const child = spawn(
    process.execPath,
    [
      'bin/ec2-task-monitor.mjs',
      'poll',
      '--once',
      '--json',
      '--timeout',
      String(KILLED_PROCESS_TIMEOUT_MS / 1000),
    ],
    {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
