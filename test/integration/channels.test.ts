// The chat channels and the event feed through the real engines: the stack's channel queues are
// created from its template on the SNS/SQS emulator with their filter policies and redrive
// policies, and the real notifiers deliver to the chat topic (read by a queue, as Chatbot would),
// to a local Slack stand-in (the webhook URL from a Secrets Manager stand-in) and to an
// EventBridge stand-in. One scenario gives the expected Chatbot messages and webhook posts; hostile
// task text is escaped; a 429 is waited out; a failing webhook ends in the dead-letter queue; a
// redelivered event is never posted twice.
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  type ChannelDeliveryResult,
  type ChannelRunner,
  DEFAULT_SQS_POLLERS,
  deliverChannel,
} from '../../runtime/channel-delivery';
import { mapWithConcurrency } from '../../lambdas/shared/concurrency';
import { aChange, aTask } from '../support/tasks';
import type { ChatbotNotification } from '../../lambdas/domain/chatbot-notification';
import { VM_IMPORT_TROUBLESHOOTING_URL } from '../../lambdas/domain/chatbot-notification';
import type { TaskChangeEvent } from '../../lambdas/domain/event';
import type { SlackMessage } from '../../channels/slack-webhook/message';
import {
  type AwsStandIns,
  awsStandInsEnvironment,
  startAwsStandIns,
} from '../../devkit/stand-ins/aws-stand-ins';
import { LOCAL_REGION, type LocalChannel } from '../../devkit/local-deployment';
import { LOCAL_CREDENTIALS } from '../../devkit/engines/engines';
import { Inbox } from '../../devkit/engines/inbox';
import { type SlackStandIn, startSlackStandIn } from '../../devkit/stand-ins/slack-stand-in';
import { recordFigures } from './support/fault-figures';
import { createHarness, type Harness } from './support/harness';

const REGION = 'us-east-1';
const SECRET = 'it/slack-webhook';
const UNKNOWN_OS = 'ClientError: Unknown OS / missing OS files.';

let aws: AwsStandIns;
let slack: SlackStandIn;
let harness: Harness;
let chat: Inbox;
let webhookChannel: LocalChannel;
let sqs: SQSClient;

const importImage = (id: string, status: string, message?: string, progress?: string) => ({
  ImportTaskId: id,
  Status: status,
  StatusMessage: message,
  Progress: progress,
});

/** One `poll --once`; returns what the event topic's inbox and the chat topic received. */
async function cycle(): Promise<{
  events: TaskChangeEvent[];
  chat: ChatbotNotification[];
  failures: string[];
}> {
  const { outcome, messages } = await harness.cycleAndReceive();
  const notifications = (await chat.drainBodies()).map((body) => JSON.parse(body) as ChatbotNotification);
  return {
    events: messages.map((message) => message.event),
    chat: notifications,
    failures: outcome.failures,
  };
}

function postedBodies(from = 0): SlackMessage[] {
  return slack.posts.slice(from).map((post) => post.body as SlackMessage);
}

/** `count` distinct TaskDiscovered events put straight on the webhook channel's queue, as the topic delivers them. */
async function queueDiscoveries(count: number, idPrefix: string): Promise<TaskChangeEvent[]> {
  const events = Array.from({ length: count }, (_, index) =>
    aChange(aTask({ taskId: `import-ami-${idPrefix}${String(index).padStart(5, '0')}` }), {
      changeType: 'TaskDiscovered',
      previous: null,
    }),
  );
  const batches = Array.from({ length: events.length / 10 }, (_, index) =>
    events.slice(index * 10, index * 10 + 10),
  );
  await mapWithConcurrency(batches, 8, (batch) =>
    sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: webhookChannel.queueUrl,
        Entries: batch.map((event, index) => ({ Id: `m${index}`, MessageBody: JSON.stringify(event) })),
      }),
    ),
  );
  return events;
}

/** Passes of the event source over `runner` until one finds the queue empty, `maxPasses` at most. */
async function passesUntilEmpty(runner: ChannelRunner, maxPasses: number): Promise<ChannelDeliveryResult[]> {
  const passes: ChannelDeliveryResult[] = [];
  for (let pass = 0; pass < maxPasses; pass++) {
    const result = await deliverChannel(runner);
    passes.push(result);
    if (result.delivered + result.failed + result.throttled === 0) break;
  }
  return passes;
}

/** Empties the webhook channel's dead-letter queue and returns the bodies it held. */
async function drainWebhookDeadLetters(): Promise<string[]> {
  const dlq = new Inbox(process.env.AWS_ENDPOINT_URL_SQS!, webhookChannel.deadLetterQueueUrl);
  try {
    return await dlq.drainBodies();
  } finally {
    dlq.close();
  }
}

beforeAll(async () => {
  aws = await startAwsStandIns();
  slack = await startSlackStandIn();
  aws.putSecret(SECRET, slack.url);
  Object.assign(process.env, awsStandInsEnvironment(aws));
  harness = await createHarness({
    context: {
      regions: REGION,
      taskTypes: 'import-image,store-image',
      slackWorkspaceId: 'T0LOCAL',
      slackChannelId: 'C0LOCAL',
      slackWebhookSecretName: SECRET,
      eventBus: 'create',
    },
    // The pace is a setting of the notifier: locally it is raised so a burst drains in seconds;
    // the stack's pace (Slack's rate shared by the notifiers) is in the infrastructure tests.
    channelEnvironment: { 'slack-webhook': { SLACK_POST_INTERVAL_MS: '0' } },
  });
  const chatTopics = Object.values(harness.deployment.channelTopics);
  expect(chatTopics).toHaveLength(1);
  chat = await harness.subscribeRaw(chatTopics[0]!);
  webhookChannel = harness.deployment.channels.find((channel) => channel.channel === 'slack-webhook')!;
  sqs = new SQSClient({
    endpoint: process.env.AWS_ENDPOINT_URL_SQS,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    useQueueUrlAsEndpoint: false,
  });
  expect((await cycle()).failures).toEqual([]); // the baseline: nothing listed, nothing sent
});

afterAll(async () => {
  sqs?.destroy();
  await harness?.close();
  await slack?.stop();
  await aws?.stop();
});

describe('one scenario through every channel', () => {
  const id = 'import-ami-0c00000000000000a';
  const seen: { events: TaskChangeEvent[]; chat: ChatbotNotification[] } = { events: [], chat: [] };
  let firstPost = 0;

  beforeAll(async () => {
    firstPost = slack.posts.length;
    const { sim } = harness;
    for (const step of [
      importImage(id, 'active', 'pending', '5'),
      importImage(id, 'active', 'converting', '60'),
      importImage(id, 'deleted', UNKNOWN_OS),
    ]) {
      sim.putTask(REGION, 'import-image', step);
      const result = await cycle();
      expect(result.failures).toEqual([]);
      seen.events.push(...result.events);
      seen.chat.push(...result.chat);
    }
  });

  it('publishes the discovery and both state changes on the event topic', () => {
    expect(seen.events.map((event) => [event.changeType, event.current.phase])).toEqual([
      ['TaskDiscovered', 'pending'],
      ['TaskStateChanged', 'running'],
      ['TaskStateChanged', 'failed'],
    ]);
  });

  it('posts the discovery and the failure to the chat topic as custom notifications threaded by task, not the step to running', () => {
    expect(seen.chat).toHaveLength(2);
    for (const notification of seen.chat) {
      expect(notification).toMatchObject({
        version: '1.0',
        source: 'custom',
        content: { textType: 'client-markdown' },
        metadata: { threadId: id },
      });
    }
    const [discovered, failed] = seen.chat;
    expect(discovered?.metadata?.eventType).toBe('TaskDiscovered');
    expect(failed?.metadata?.eventType).toBe('TaskStateChanged');
    expect(failed?.content.title).toContain(`import-image \`${id}\` failed (${REGION})`);
    expect(failed?.content.keywords).toEqual(['import-image', 'failed', REGION]);
    expect(failed?.content.nextSteps?.[0]).toContain(VM_IMPORT_TROUBLESHOOTING_URL);
    expect(failed?.content.description).toContain('running (active) → failed (deleted)');
    expect(failed?.id).toBe(seen.events[2]?.eventId);
  });

  it('posts the same two changes to the Slack webhook as Block Kit messages', () => {
    const posts = postedBodies(firstPost);

    expect(posts.map((post) => post.blocks[0])).toEqual([
      { type: 'header', text: { type: 'plain_text', text: `import-image ${id} pending` } },
      { type: 'header', text: { type: 'plain_text', text: `import-image ${id} failed` } },
    ]);
    expect(posts[1]?.attachments?.[0]?.color).toBe('#E01E5A');
    expect(JSON.stringify(posts[1])).toContain(`event ${seen.events[2]?.eventId}`);
  });

  it('puts every change on the event bus, the event as the detail', () => {
    const onBus = aws.events.filter((entry) => (entry.detail as unknown as TaskChangeEvent).taskId === id);

    expect(
      onBus.map((entry) => [
        entry.Source,
        entry.DetailType,
        (entry.detail as unknown as TaskChangeEvent).eventId,
      ]),
    ).toEqual(seen.events.map((event) => ['ec2-task-monitor', 'EC2 Task Change', event.eventId]));
    expect(onBus[0]?.EventBusName).toMatch(/EventBus/);
  });
});

describe('a task that vanishes before it finishes', () => {
  it('reaches the chat and the webhook with the default filter', async () => {
    const id = 'import-ami-0c00000000000000e';
    harness.sim.putTask(REGION, 'import-image', importImage(id, 'active', 'converting', '20'));
    await cycle();
    harness.sim.removeTask(REGION, 'import-image', id);
    const firstPost = slack.posts.length;

    // Declared disappeared after two complete listings without it (disappearAfterMisses).
    expect((await cycle()).chat).toEqual([]);
    const result = await cycle();

    expect(result.failures).toEqual([]);
    expect(
      result.chat.map((notification) => [notification.metadata?.threadId, notification.metadata?.eventType]),
    ).toEqual([[id, 'TaskDisappeared']]);
    expect(postedBodies(firstPost).map((post) => post.blocks[0])).toEqual([
      { type: 'header', text: { type: 'plain_text', text: `import-image ${id} unknown` } },
    ]);
  });
});

describe("a burst of alerts (a first deploy's discoveries)", () => {
  it('drains 2,000 messages through the webhook channel as the event source runs it: 2,000 posts, each once, none throttled, an empty dead-letter queue', async () => {
    // Prepare: 2,000 distinct events straight on the channel's queue, as the topic delivers them.
    const events = await queueDiscoveries(2_000, 'burst');
    const runner = harness.handlers.channels.find((channel) => channel.channel === 'slack-webhook')!;
    const firstPost = slack.posts.length;

    // Act: passes of the event source until the queue is empty.
    const started = Date.now();
    const passes = await passesUntilEmpty(runner, webhookChannel.maxReceiveCount + 1);
    const drainedMs = Date.now() - started;
    const deadLetters = await drainWebhookDeadLetters();
    // Each post names its event in its context line (`event <eventId>`).
    const postedIds = postedBodies(firstPost).map(
      (post) => /event ([0-9a-f-]{36})/.exec(JSON.stringify(post.attachments))?.[1],
    );
    const throttled = passes.reduce((sum, pass) => sum + pass.throttled, 0);
    recordFigures({
      case: 'burst of 2,000 alerts to the Slack webhook',
      injected:
        `2,000 events on the webhook queue; ${passes.length} pass(es) of the event source, ` +
        `${drainedMs} ms, ${throttled} throttled receives, ${deadLetters.length} in the dead-letter queue`,
      transitions: events.length,
      delivered: postedIds.length,
      lost: events.filter((event) => !postedIds.includes(event.eventId)).length,
      duplicatesInWindow: 0,
      duplicatesOutsideWindow: postedIds.length - new Set(postedIds).size,
    });

    // Assess
    expect(postedIds).toHaveLength(2_000);
    expect(new Set(postedIds)).toEqual(new Set(events.map((event) => event.eventId)));
    expect(throttled).toBe(0);
    expect(passes[0]).toMatchObject({ delivered: 2_000, failed: 0, throttled: 0 });
    expect(deadLetters).toEqual([]);
    // The stack's event source, as deployed: maximum concurrency 2, no reserved concurrency.
    expect([runner.pollers, runner.concurrencyLimit, runner.instances.length]).toEqual([
      2,
      Number.POSITIVE_INFINITY,
      2,
    ]);
  });
});

describe('the same burst with a reserved concurrency of 1 instead (review finding W2)', () => {
  it("throttles the event source's 5 pollers and sends messages to the dead-letter queue: the model tells the two settings apart", async () => {
    // Prepare: 500 events on the queue; the runner as Lambda would run a notifier with reserved
    // concurrency 1 and no event source maximum: 5 pollers, one instance.
    const events = await queueDiscoveries(500, 'reserved');
    const deployed = harness.handlers.channels.find((channel) => channel.channel === 'slack-webhook')!;
    const runner = {
      ...deployed,
      pollers: DEFAULT_SQS_POLLERS,
      concurrencyLimit: 1,
      instances: deployed.instances.slice(0, 1),
    };

    // Act: passes of the event source until the queue is empty (a message throttled on every
    // receive moves to the dead-letter queue at the receive after its maxReceiveCount-th).
    const passes = await passesUntilEmpty(runner, webhookChannel.maxReceiveCount + 2);
    const deadLetters = await drainWebhookDeadLetters();

    // Assess: receives were throttled, and messages throttled on every receive reached the
    // dead-letter queue undelivered; nothing was lost besides them.
    const delivered = passes.reduce((sum, pass) => sum + pass.delivered, 0);
    expect(passes.reduce((sum, pass) => sum + pass.throttled, 0)).toBeGreaterThan(0);
    expect(deadLetters.length).toBeGreaterThan(0);
    expect(delivered + deadLetters.length).toBe(events.length);
  });
});

describe('hostile task text', () => {
  it('can neither ping the channel nor forge a link, in chat or on the webhook', async () => {
    const firstPost = slack.posts.length;
    harness.sim.putTask(
      REGION,
      'import-image',
      importImage(
        'import-ami-0c00000000000000b',
        'deleted',
        'ClientError: <!channel> see <https://evil.example|the fix> [x](https://evil.example) *now*',
      ),
    );

    const result = await cycle();

    expect(result.failures).toEqual([]);
    const chatText = JSON.stringify(result.chat);
    const slackText = JSON.stringify(postedBodies(firstPost));
    for (const text of [chatText, slackText]) {
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<https://evil.example|');
    }
    // Shown as typed: entities for Slack, and client-markdown's backslash escapes besides for Chatbot.
    expect(slackText).toContain('&lt;!channel&gt;');
    expect(chatText).toContain('&lt;\\\\!channel&gt;');
    expect(chatText).not.toContain('[x](https://evil.example)');
  });
});

describe('Slack rate limit', () => {
  it('waits out a 429 for its Retry-After and then posts', async () => {
    const attemptsBefore = slack.attempts;
    const postsBefore = slack.posts.length;
    slack.respondWith([{ status: 429, retryAfterSeconds: 1 }]);
    harness.sim.putTask(
      REGION,
      'import-image',
      importImage('import-ami-0c00000000000000c', 'deleted', UNKNOWN_OS),
    );
    const started = Date.now();

    const result = await cycle();

    expect(result.failures).toEqual([]);
    expect(slack.attempts - attemptsBefore).toBe(2);
    expect(slack.posts.length - postsBefore).toBe(1);
    expect(slack.posts.at(-1)!.receivedAt - started).toBeGreaterThanOrEqual(1000);
  });
});

describe('a failing webhook', () => {
  const id = 'import-ami-0c00000000000000d';
  let deadLetters: string[] = [];

  beforeAll(async () => {
    slack.failAll({ status: 404, body: 'no_service' });
    harness.sim.putTask(REGION, 'import-image', importImage(id, 'deleted', UNKNOWN_OS));
    // One delivery per cycle; after maxReceiveCount deliveries the queue moves it aside.
    for (let attempt = 0; attempt <= webhookChannel.maxReceiveCount; attempt++) {
      const result = await cycle();
      if (attempt < webhookChannel.maxReceiveCount) {
        expect(result.failures).toEqual(['slack-webhook: 1 notification(s) failed, retried next cycle']);
      }
    }
    deadLetters = await drainWebhookDeadLetters();
    slack.reset();
  });

  it('ends in the dead-letter queue after maxReceiveCount deliveries, the other channels unaffected', () => {
    expect(deadLetters).toHaveLength(1);
    expect(JSON.stringify(deadLetters[0])).toContain(id);
    // First seen failed: one change, delivered to the bus while the webhook kept failing.
    expect(
      aws.events.filter((entry) => (entry.detail as unknown as TaskChangeEvent).taskId === id),
    ).toHaveLength(1);
  });

  it('is posted once when redriven, and never again when delivered twice more', async () => {
    for (let redelivery = 0; redelivery < 3; redelivery++) {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: webhookChannel.queueUrl, MessageBody: deadLetters[0] }),
      );
      expect((await cycle()).failures).toEqual([]);
    }

    const posts = postedBodies().filter((post) => JSON.stringify(post).includes(id));
    expect(posts).toHaveLength(1);
  });
});
