// One isolated deployment of the monitor for an integration test file: its own EC2 simulator,
// its own table and topic (created from the stack's template) on the shared DynamoDB Local and
// SNS/SQS emulator, an inbox queue subscribed to the topic, and the real handlers loaded with
// the environment the stack sets. `cycle()` is `ec2-task-monitor poll --once`.
import { randomUUID } from 'node:crypto';
import {
  type Ec2Simulator,
  type Ec2SimulatorOptions,
  startEc2Simulator,
} from '../../../devkit/ec2-simulator';
import {
  deployLocally,
  LOCAL_REGION,
  type LocalDeployment,
  subscribeQueue,
} from '../../../devkit/local-deployment';
import { endpointEnvironment } from '../../../devkit/engines/engines';
import { Inbox, type InboxMessage, sortDeliveries } from '../../../devkit/engines/inbox';
import type { QuotaEvent, TaskChangeEvent } from '#events';
import {
  type CycleOutcome,
  type Handlers,
  loadHandlers,
  runCycle,
  streamDeliveryFor,
} from '../../../runtime/cycle';
import type { StreamDelivery } from '../../../runtime/stream-delivery';
import type { ChannelName } from '../../../lambdas/shared/config';
import { ENGINE_ENV } from './global-setup';

/** A running deployment for one test file. */
export interface Harness {
  sim: Ec2Simulator;
  deployment: LocalDeployment;
  /** The queue subscribed to the topic without a filter: everything published. */
  inbox: Inbox;
  handlers: Handlers;
  delivery: StreamDelivery;
  /** One `poll --once`: the poller handler, then delivery of what it recorded. */
  cycle(): Promise<CycleOutcome>;
  /**
   * Runs `cycle()` and returns what the inbox received from it, task changes and quota crossings
   * apart (set IT_LOG_LEVEL=INFO to see the handlers' logs).
   */
  cycleAndReceive(): Promise<{
    outcome: CycleOutcome;
    /** The task changes, in delivery order. */
    messages: InboxMessage<TaskChangeEvent>[];
    /** The quota crossings (QuotaNearlyExhausted, QuotaAvailable), in delivery order. */
    quotaMessages: InboxMessage<QuotaEvent>[];
  }>;
  /** Subscribes another queue, with a filter policy, as a user would. */
  subscribe(filterPolicy?: unknown): Promise<Inbox>;
  /** Subscribes a queue, raw, to another topic of the deployment (the chat topic). */
  subscribeRaw(topicArn: string): Promise<Inbox>;
  close(): Promise<void>;
}

/** Options of a harness. */
export interface HarnessOptions {
  /** CDK context of the synthesized stack (regions, taskTypes, progressStep, ...). */
  context?: Record<string, unknown>;
  simulator?: Ec2SimulatorOptions;
  /**
   * Wraps the engines' endpoints the handlers use (for example with a fault-injecting proxy);
   * the harness's own setup and inbox always talk to the engines directly.
   */
  handlerEndpoints?: (engines: { dynamodb: string; messaging: string }) => {
    dynamodb?: string;
    messaging?: string;
  };
  /** The time each handler call gets, as the functions' timeout would (default 60 s). */
  handlerTimeoutMs?: number;
  /** Variables to set on a channel's notifier over the stack's (a faster Slack pace, say). */
  channelEnvironment?: Partial<Record<ChannelName, Record<string, string>>>;
}

function engineEndpoint(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: run the integration tests through jest (globalSetup starts the engines)`,
    );
  return value;
}

/** Creates an isolated deployment; close it in afterAll. */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sim = await startEc2Simulator({ host: '127.0.0.1', port: 0, ...options.simulator });
  const messaging = engineEndpoint(ENGINE_ENV.messaging);
  const endpoints = {
    dynamodb: engineEndpoint(ENGINE_ENV.dynamodb),
    sns: messaging,
    sqs: messaging,
    ec2: sim.url,
  };
  Object.assign(process.env, endpointEnvironment({ endpoints }), { AWS_REGION: LOCAL_REGION });
  const name = `it-${randomUUID().slice(0, 8)}`;
  // A failed setup must not leave the simulator listening (jest would never exit).
  const deployment = await deployLocally({ endpoints }, { context: options.context, name }).catch(
    async (error: unknown) => {
      await sim.close();
      throw error;
    },
  );
  Object.assign(process.env, deployment.pollerEnv, deployment.publisherEnv, {
    POWERTOOLS_LOG_LEVEL: process.env.IT_LOG_LEVEL ?? 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  const inboxQueue = await subscribeQueue({ endpoints }, deployment.topicArn, `${name}-inbox`);
  const inbox = new Inbox(messaging, inboxQueue.queueUrl);
  let loaded: Handlers | undefined;
  // Each harness gets fresh handler modules, which read the environment set above.
  jest.isolateModules(() => {
    loaded = loadHandlers(
      options.handlerTimeoutMs,
      deployment.channels.map((channel) => ({
        ...channel,
        env: { ...channel.env, ...options.channelEnvironment?.[channel.channel] },
      })),
    );
  });
  if (!loaded) throw new Error('the handlers did not load');
  const handlers = loaded;
  const delivery = streamDeliveryFor(deployment.tableName);
  const extraInboxes: Inbox[] = [];
  let subscriptions = 0;
  const harness: Harness = {
    sim,
    deployment,
    inbox,
    handlers,
    delivery,
    cycle: () => runCycle(handlers, delivery),
    async cycleAndReceive() {
      const outcome = await harness.cycle();
      const { taskChanges, quotaChanges } = sortDeliveries(await inbox.drain());
      return { outcome, messages: taskChanges, quotaMessages: quotaChanges };
    },
    async subscribe(filterPolicy) {
      subscriptions += 1;
      const queue = await subscribeQueue(
        { endpoints },
        deployment.topicArn,
        `${name}-sub${subscriptions}`,
        filterPolicy,
      );
      const extra = new Inbox(messaging, queue.queueUrl);
      extraInboxes.push(extra);
      return extra;
    },
    async subscribeRaw(topicArn) {
      subscriptions += 1;
      const queue = await subscribeQueue({ endpoints }, topicArn, `${name}-sub${subscriptions}`, undefined, {
        raw: true,
      });
      const extra = new Inbox(messaging, queue.queueUrl);
      extraInboxes.push(extra);
      return extra;
    },
    async close() {
      inbox.close();
      extraInboxes.forEach((extra) => extra.close());
      await sim.close();
    },
  };
  return harness;
}
