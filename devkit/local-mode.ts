// `ec2-task-monitor local` (npm start): the whole pipeline on embedded engines. Starts DynamoDB
// Local, the SNS/SQS emulator and the EC2 simulator on loopback, creates the stack's table and
// topic from its own template, subscribes an SQS inbox, and runs the real poller and publisher
// handlers on a short schedule against a scripted scenario. The output is for a person to follow:
// each emailed event in full, one line for every other event, the status table when it changed,
// and one line when the scenario is over.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import {
  claimEnvFile,
  type ClaimedEnvFile,
  EnvironmentError,
  type LocalOptions,
  plural,
  readAllSnapshots,
  renderEmail,
  renderEventLine,
  scenarioFinishedLine,
  scopeOf,
  statusTableWhenChanged,
  UsageError,
} from '#cli';
import { STACK_NAME } from '#monitor';
import { loadHandlers, runCycle, streamDeliveryFor } from '#runtime';
import {
  endpointEnvironment,
  EngineStartError,
  type LocalEngines,
  startLocalEngines,
} from './engines/engines';
import { deployLocally, LOCAL_REGION, subscribeQueue } from './local-deployment';
import { Inbox } from './engines/inbox';
import { DEMO_SCENARIO_PATH, parseScenario } from './ec2-simulator';
import { startStackStandIn, stackStandInEnvironment } from './stand-ins/stack-stand-in';
import { awsStandInsEnvironment, startAwsStandIns } from './stand-ins/aws-stand-ins';
import { startSlackStandIn } from './stand-ins/slack-stand-in';

/** Name of the secret holding the local Slack stand-in's webhook URL. */
const LOCAL_WEBHOOK_SECRET = 'ec2-task-monitor/local-slack-webhook';

/** Every channel on, with placeholder Slack ids (no Slack is reached; Chatbot is read from its topic). */
const LOCAL_CHANNELS = {
  slackWorkspaceId: 'T0LOCAL',
  slackChannelId: 'C0LOCAL',
  slackWebhookSecretName: LOCAL_WEBHOOK_SECRET,
  eventBus: 'create',
};

/** What the local mode reads of a Slack post: its header block's text. */
interface SlackPost {
  blocks: Array<{ type: string; text?: { text: string } }>;
}

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}

/** Runs the local mode (`ec2-task-monitor local`); returns the exit code when stopped. */
export async function runLocalMode(options: LocalOptions): Promise<number> {
  const file = options.scenario ?? DEMO_SCENARIO_PATH;
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
  let engines: LocalEngines;
  try {
    engines = await startLocalEngines(options.ports);
  } catch (error) {
    if (error instanceof EngineStartError) throw new EnvironmentError(error.message);
    throw error;
  }
  const standIns: Array<{ stop(): Promise<void> }> = [];
  let envFile: ClaimedEnvFile | undefined;
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
    const stackApis = await startStackStandIn();
    standIns.push(stackApis);
    out(`  Slack webhook stand-in ${slack.url}   Secrets Manager + EventBridge stand-in ${aws.endpoint}`);
    const deployment = await deployLocally(engines, {
      context: { regions: regions.join(','), ...LOCAL_CHANNELS },
    });
    // The stack as `status --stack-name` reads it: its outputs and its poller's environment.
    stackApis.putStack({
      name: STACK_NAME,
      outputs: deployment.outputs,
      functions: { [deployment.functionNames.poller]: deployment.pollerEnv },
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
    envFile = claimEnvFile({
      ...endpointEnvironment(engines),
      ...stackStandInEnvironment(stackApis),
      AWS_REGION: LOCAL_REGION,
      ...Object.fromEntries(functionSettings),
    });
    out(`Other commands reach these engines after: source ${path.relative(process.cwd(), envFile.path)}`);
    out(`  e.g. npx ec2-task-monitor status, npx ec2-task-monitor poll --once`);
    const handlers = loadHandlers(undefined, deployment.channels);
    const chatReaders = chatQueues.map((queue) => new Inbox(engines.endpoints.sqs, queue.queueUrl));
    let posts = 0;
    let busEntries = 0;
    let changes = 0;
    let alerts = 0;
    let finishedSaid = false;
    const statusTable = statusTableWhenChanged();
    const delivery = streamDeliveryFor(deployment.tableName);
    const inboxReader = new Inbox(engines.endpoints.sqs, inbox.queueUrl);
    const emailReader = new Inbox(engines.endpoints.sqs, emailPreview.queueUrl);
    const scope = scopeOf(deployment.tableName, regions);
    engines.ec2.loadScenario(scenario);
    out(`Scenario (${plural(scenario.tasks.length, 'task')}): ${scenario.description ?? file}`);
    out(
      `Each cycle polls once and delivers what changed, then pauses ${options.interval} s; the scenario moves one tick per cycle. Ctrl-C stops.\n`,
    );

    for (let cycle = 1; !stopping && (options.cycles === undefined || cycle <= options.cycles); cycle++) {
      if (cycle > 1) engines.ec2.tick();
      const outcome = await runCycle(handlers, delivery);
      const emailed = new Set((await emailReader.drain()).map((message) => message.event.eventId));
      for (const message of await inboxReader.drain()) {
        changes++;
        if (emailed.has(message.event.eventId)) {
          alerts++;
          out(`${message.event.changeType}, sent to email subscribers:`);
          out(renderEmail(message.event, options));
        } else {
          out(renderEventLine(message.event, options));
        }
      }
      for (const reader of chatReaders) {
        for (const body of await reader.drainBodies()) {
          out(
            `  Chatbot (chat topic): ${(JSON.parse(body) as { content: { title: string } }).content.title}`,
          );
        }
      }
      for (const post of slack.posts.slice(posts)) {
        const header = (post.body as SlackPost).blocks.find((block) => block.type === 'header');
        out(`  Slack webhook post: ${header?.text?.text ?? '(no header)'}`);
      }
      posts = slack.posts.length;
      if (aws.events.length > busEntries) {
        const entries = aws.events.length - busEntries;
        out(
          `  EventBridge: ${entries} "EC2 Task Change" ${entries === 1 ? 'entry' : 'entries'} put on the bus`,
        );
        busEntries = aws.events.length;
      }
      for (const failure of outcome.failures) out(`! ${failure}`);
      const tasks = await readAllSnapshots(scope);
      // A quiet cycle prints nothing: the table only when a task's row changed.
      const table = statusTable(tasks, options);
      if (table !== undefined) {
        out(`== ${clock()}  cycle ${cycle}, scenario tick ${engines.ec2.currentTick}  ==`);
        out(`${table}\n`);
      }
      if (engines.ec2.scenarioFinished && !finishedSaid) {
        finishedSaid = true;
        const counts = { tasks: scenario.tasks.length, changes, alerts };
        const runsOn =
          options.cycles === undefined ? 'Ctrl-C to stop' : `stopping after cycle ${options.cycles}`;
        out(`${scenarioFinishedLine(counts)}; ${runsOn}`);
      }
      if (stopping || (options.cycles !== undefined && cycle >= options.cycles)) break;
      await new Promise<void>((resolve) => {
        // Ctrl-C ends the pause at once, and its timer with it (a pending timer would keep the
        // process alive for the rest of the interval after everything stopped).
        const timer = setTimeout(resolve, options.interval * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    inboxReader.close();
    emailReader.close();
    chatReaders.forEach((reader) => reader.close());
  } finally {
    out('Stopping the engines...');
    envFile?.release();
    for (const standIn of standIns) await standIn.stop();
    await engines.stop();
    out('Stopped.');
  }
  return 0;
}
