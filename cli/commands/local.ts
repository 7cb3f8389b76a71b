// `ec2-task-monitor local` (npm start): the whole pipeline on embedded engines. Starts DynamoDB
// Local, the SNS/SQS emulator and the EC2 simulator on loopback, creates the stack's table and
// topic from its own template, subscribes an SQS inbox, and runs the real poller and publisher
// handlers on a short schedule against a scripted scenario, showing tasks and events live.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { endpointEnvironment, type LocalEngines, startLocalEngines } from '../../tools/local/engines';
import { deployLocally, LOCAL_REGION, subscribeQueue } from '../../tools/local/deployment';
import { Inbox } from '../../tools/local/inbox';
import { parseScenario } from '../../tools/ec2-simulator';
import { loadHandlers, runCycle, streamDeliveryFor } from '../cycle';
import { renderEmail, renderStatus } from '../render';
import { readAllSnapshots } from './status';
import { SnapshotStore } from '../../lambdas/adapters/snapshot-store';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sdkClientConfig } from '../../lambdas/shared/sdk-clients';
import { TASK_TYPE_NAMES } from '../../lambdas/domain/task';
import { UsageError } from '../errors';
import type { ChatbotNotification } from '../../lambdas/domain/chatbot-notification';
import type { SlackMessage } from '../../lambdas/domain/slack-message';
import { awsStandInsEnvironment, startAwsStandIns } from '../../tools/local/aws-stand-ins';
import { startSlackStandIn } from '../../tools/local/slack-stand-in';

/** Where the local mode writes the environment other commands need to reach its engines. */
export const LOCAL_ENV_FILE = path.resolve(__dirname, '..', '..', '.local', 'ec2-task-monitor.env');

/** Name of the secret holding the local Slack stand-in's webhook URL. */
const LOCAL_WEBHOOK_SECRET = 'ec2-task-monitor/local-slack-webhook';

/** Every channel on, with placeholder Slack ids (no Slack is reached; Chatbot is read from its topic). */
const LOCAL_CHANNELS = {
  slackWorkspaceId: 'T0LOCAL',
  slackChannelId: 'C0LOCAL',
  slackWebhookSecretName: LOCAL_WEBHOOK_SECRET,
  eventBus: 'create',
};

/** Writes `export NAME=value` lines, so that another shell can `source` them. */
function writeEnvFile(variables: Record<string, string>): void {
  mkdirSync(path.dirname(LOCAL_ENV_FILE), { recursive: true });
  const lines = Object.entries(variables).map(
    ([name, value]) => `export ${name}='${value.replace(/'/g, "'\\''")}'`,
  );
  writeFileSync(LOCAL_ENV_FILE, `${lines.join('\n')}\n`);
}

/** The built-in demo scenario. */
export const DEMO_SCENARIO = path.resolve(
  __dirname,
  '..',
  '..',
  'tools',
  'ec2-simulator',
  'scenarios',
  'demo.json',
);

export const LOCAL_HELP = `Usage: ec2-task-monitor local [options]      (what \`npm start\` runs)

Runs the whole pipeline with no AWS account: DynamoDB Local, an SNS/SQS emulator and the EC2
simulator on 127.0.0.1, the stack's table and topic created from its synthesized template, and
the real poller, publisher and notifier handlers on a short schedule against a scripted
scenario. Every channel is on: Chatbot messages are read from the chat topic, webhook posts go to
a local Slack stand-in, EventBridge entries to a local stand-in. Shows the tasks' status table,
each event as an email subscriber would read it, and what reached each channel. Ctrl-C stops
everything.

Options:
  --scenario <file>     scenario JSON (default: the built-in demo, tools/ec2-simulator/scenarios/demo.json)
  --interval <seconds>  seconds between cycles (default 3)
  --cycles <n>          stop after n cycles (default: run until Ctrl-C)
  --dynamodb-port <p>   DynamoDB Local port (default: a free one)
  --sns-port <p>        SNS/SQS emulator port (default: a free one)
  --ec2-port <p>        EC2 simulator port (default: a free one)
  --no-color            plain output`;

/** Options of the local command. */
export interface LocalOptions {
  scenario: string | undefined;
  interval: number;
  cycles: number | undefined;
  ports: { dynamodb?: number; sqs?: number; ec2?: number };
  color: boolean;
}

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}

/** Runs the local mode; returns the exit code when stopped. */
export async function localCommand(options: LocalOptions): Promise<number> {
  const file = options.scenario ?? DEMO_SCENARIO;
  let scenario: ReturnType<typeof parseScenario>;
  try {
    scenario = parseScenario(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new UsageError(`scenario ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const regions = [...new Set(scenario.tasks.map((task) => task.region))];
  const out = (text: string) => process.stdout.write(`${text}\n`);

  let stopping = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopping = true;
    wake?.();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  out(`Starting DynamoDB Local, the SNS/SQS emulator and the EC2 simulator...`);
  const engines: LocalEngines = await startLocalEngines(options.ports);
  const standIns: Array<{ stop(): Promise<void> }> = [];
  try {
    Object.assign(process.env, endpointEnvironment(engines), { AWS_REGION: LOCAL_REGION });
    out(
      `  DynamoDB ${engines.endpoints.dynamodb}   SNS/SQS ${engines.endpoints.sns}   EC2 ${engines.endpoints.ec2}`,
    );
    out(
      `Creating the stack's table and topic from its synthesized template (Regions: ${regions.join(', ')})...`,
    );
    // The channels are on, as a user would set them: Slack through Chatbot (its chat topic read by
    // a queue here), Slack through a webhook (a local Slack stand-in, its URL in a local Secrets
    // Manager stand-in) and EventBridge (a local stand-in recording the entries).
    const slack = await startSlackStandIn();
    standIns.push(slack);
    const aws = await startAwsStandIns();
    standIns.push(aws);
    aws.putSecret(LOCAL_WEBHOOK_SECRET, slack.url);
    Object.assign(process.env, awsStandInsEnvironment(aws));
    out(`  Slack webhook stand-in ${slack.url}   Secrets Manager + EventBridge stand-in ${aws.endpoint}`);
    const deployment = await deployLocally(engines, {
      context: { regions: regions.join(','), ...LOCAL_CHANNELS },
    });
    const chatQueues = await Promise.all(
      Object.values(deployment.channelTopics).map((topicArn, index) =>
        subscribeQueue(engines, topicArn, `chat-${index}`, undefined, { raw: true }),
      ),
    );
    const inbox = await subscribeQueue(engines, deployment.topicArn, 'inbox');
    const emailPreview = await subscribeQueue(
      engines,
      deployment.topicArn,
      'email-preview',
      deployment.definition.emailFilterPolicy,
    );
    // The functions' environment, as the stack sets it, except their log level: their JSON logs
    // would drown the live view (see run() in cli/main.ts).
    const logLevel = process.env.POWERTOOLS_LOG_LEVEL;
    Object.assign(process.env, deployment.pollerEnv, deployment.publisherEnv);
    if (logLevel) process.env.POWERTOOLS_LOG_LEVEL = logLevel;
    // The functions' settings and the endpoints; not their Lambda-only tuning (log level, NODE_OPTIONS).
    const functionSettings = Object.entries({ ...deployment.pollerEnv, ...deployment.publisherEnv }).filter(
      ([name]) => !name.startsWith('POWERTOOLS_') && name !== 'NODE_OPTIONS',
    );
    writeEnvFile({
      ...endpointEnvironment(engines),
      AWS_REGION: LOCAL_REGION,
      ...Object.fromEntries(functionSettings),
    });
    out(`Other commands reach these engines after: source ${path.relative(process.cwd(), LOCAL_ENV_FILE)}`);
    out(`  e.g. npx ec2-task-monitor status, npx ec2-task-monitor poll --once`);
    const handlers = loadHandlers(undefined, deployment.channels);
    const chatReaders = chatQueues.map((queue) => new Inbox(engines.endpoints.sqs, queue.queueUrl));
    let posts = 0;
    let busEntries = 0;
    const delivery = streamDeliveryFor(deployment.tableName);
    const inboxReader = new Inbox(engines.endpoints.sqs, inbox.queueUrl);
    const emailReader = new Inbox(engines.endpoints.sqs, emailPreview.queueUrl);
    const store = new SnapshotStore(new DynamoDBClient(sdkClientConfig()), deployment.tableName);
    engines.ec2.loadScenario(scenario);
    out(
      `Scenario: ${scenario.description ?? file} (${scenario.tasks.length} tasks). A cycle every ${options.interval} s; Ctrl-C stops.\n`,
    );

    for (let cycle = 1; !stopping && (options.cycles === undefined || cycle <= options.cycles); cycle++) {
      if (cycle > 1) engines.ec2.tick();
      const outcome = await runCycle(handlers, delivery);
      const emailed = new Set((await emailReader.drain()).map((message) => message.event.eventId));
      for (const message of await inboxReader.drain()) {
        const note = emailed.has(message.event.eventId)
          ? 'sent to email subscribers'
          : 'not emailed (email filter)';
        out(`${message.event.changeType} - ${note}`);
        out(renderEmail(message.event, options));
      }
      for (const reader of chatReaders) {
        for (const body of await reader.drainBodies()) {
          out(`  Chatbot (chat topic): ${(JSON.parse(body) as ChatbotNotification).content.title}`);
        }
      }
      for (const post of slack.posts.slice(posts)) {
        const header = (post.body as SlackMessage).blocks.find((block) => block.type === 'header');
        out(`  Slack webhook post: ${header?.type === 'header' ? header.text.text : '(no header)'}`);
      }
      posts = slack.posts.length;
      if (aws.events.length > busEntries) {
        out(`  EventBridge: ${aws.events.length - busEntries} "EC2 Task Change" entries put on the bus`);
        busEntries = aws.events.length;
      }
      for (const failure of outcome.failures) out(`! ${failure}`);
      const tasks = await readAllSnapshots({ store, regions, taskTypes: [...TASK_TYPE_NAMES] });
      out(
        `== ${clock()}  cycle ${cycle}, scenario tick ${engines.ec2.currentTick}${engines.ec2.scenarioFinished ? ' (scenario finished)' : ''}  ==`,
      );
      out(`${renderStatus(tasks, options)}\n`);
      if (stopping || (options.cycles !== undefined && cycle >= options.cycles)) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, options.interval * 1000);
      });
    }
    inboxReader.close();
    emailReader.close();
    chatReaders.forEach((reader) => reader.close());
  } finally {
    out('Stopping the engines...');
    rmSync(LOCAL_ENV_FILE, { force: true });
    for (const standIn of standIns) await standIn.stop();
    await engines.stop();
    out('Stopped.');
  }
  return 0;
}
