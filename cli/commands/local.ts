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
import { TASK_TYPE_NAMES } from '../../lambdas/domain/task';
import { UsageError } from '../errors';

/** Where the local mode writes the environment other commands need to reach its engines. */
export const LOCAL_ENV_FILE = path.resolve(__dirname, '..', '..', '.local', 'ec2-task-monitor.env');

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
the real poller and publisher handlers on a short schedule against a scripted scenario.
Shows the tasks' status table and each event as an email subscriber would read it. Ctrl-C stops
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
  try {
    Object.assign(process.env, endpointEnvironment(engines), { AWS_REGION: LOCAL_REGION });
    out(
      `  DynamoDB ${engines.endpoints.dynamodb}   SNS/SQS ${engines.endpoints.sns}   EC2 ${engines.endpoints.ec2}`,
    );
    out(
      `Creating the stack's table and topic from its synthesized template (Regions: ${regions.join(', ')})...`,
    );
    const deployment = await deployLocally(engines, { context: { regions: regions.join(',') } });
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
    const handlers = loadHandlers();
    const delivery = streamDeliveryFor(deployment.tableName);
    const inboxReader = new Inbox(engines.endpoints.sqs, inbox.queueUrl);
    const emailReader = new Inbox(engines.endpoints.sqs, emailPreview.queueUrl);
    const store = new SnapshotStore(new DynamoDBClient({}), deployment.tableName);
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
  } finally {
    out('Stopping the engines...');
    rmSync(LOCAL_ENV_FILE, { force: true });
    await engines.stop();
    out('Stopped.');
  }
  return 0;
}
