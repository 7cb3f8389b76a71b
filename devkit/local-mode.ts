// `ec2-task-monitor local` (npm start): the whole pipeline on embedded engines. Starts DynamoDB
// Local, the SNS/SQS emulator and the EC2 simulator on loopback, creates the stack's table, topic
// and queues from its own template, subscribes an SQS inbox, and runs the real handlers on a short
// schedule against a scripted scenario. By default the stack is in organization mode and watches
// a local organization (devkit/local-organization.ts): each cycle is the dispatcher, every unit
// through the worker, then the publisher, as `poll --once` runs it. The output is for a person to
// follow: each emailed event in full, one line for every other event, the status table and (in
// organization mode) the accounts' coverage when they changed, and one line when the scenario is over.
// The demo's time is the scenario clock (devkit/scenario-clock.ts): each cycle stands for the
// scenario's minutesPerTick, the simulator's `$now` and the handlers (built on it through the
// runtime's `now`) read it, so an hour's stall or an estimate's minutes pass in a few cycles.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import {
  claimEnvFile,
  type ClaimedEnvFile,
  EnvironmentError,
  type LocalOptions,
  plural,
  readAccounts,
  readAllSnapshots,
  readQuotaUses,
  renderAccounts,
  renderEmail,
  renderEventLine,
  renderQuotas,
  resolveScopes,
  scenarioFinishedLine,
  statusTableWhenChanged,
  UsageError,
} from '#cli';
import { CHANNELS, STACK_NAME } from '#monitor';
import {
  loadHandlers,
  loadOrganizationHandlers,
  runCycle,
  runOrganizationCycle,
  streamDeliveryFor,
} from '#runtime';
import {
  endpointEnvironment,
  EngineStartError,
  type LocalEngines,
  startLocalEngines,
} from './engines/engines';
import { deployLocally, LOCAL_REGION, subscribeQueue } from './local-deployment';
import { type LocalOrganization, startLocalOrganization } from './local-organization';
import { Inbox } from './engines/inbox';
import { DEFAULT_MINUTES_PER_TICK, DEMO_SCENARIO_PATH, parseScenario } from './ec2-simulator';
import { ScenarioClock, scenarioTimeLabel } from './scenario-clock';
import { startStackStandIn, stackStandInEnvironment } from './stand-ins/stack-stand-in';
import { startChannelStandIns } from './stand-ins/channel-stand-ins';
import { missingEnginePackages, missingEnginesMessage } from './engines/engine-packages';

/** Runs the local mode (`ec2-task-monitor local`); returns the exit code when stopped. */
export async function runLocalMode(options: LocalOptions): Promise<number> {
  const missing = missingEnginePackages();
  if (missing.length > 0) throw new EnvironmentError(missingEnginesMessage(missing));
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
    // Every channel is on, as a user would set it, each delivering to the dev kit's stand-in for
    // its destination (placeholder ids: no Slack or Teams is reached).
    const channels = await startChannelStandIns(CHANNELS);
    standIns.push(channels);
    Object.assign(process.env, channels.environment);
    const stackApis = await startStackStandIn();
    standIns.push(stackApis);
    if (channels.description) out(`  ${channels.description}`);
    let organization: LocalOrganization | undefined;
    if (options.organization) {
      organization = await startLocalOrganization(engines.ec2, regions);
      standIns.push(organization);
      Object.assign(process.env, organization.environment);
      out(
        `  An organization of four accounts (stand-ins for Organizations, STS and Account at ${organization.standIn.endpoint}):`,
      );
      for (const line of organization.description) out(`    ${line}`);
    }
    const deployment = await deployLocally(engines, {
      context: {
        regions: regions.join(','),
        ...(organization ? { accounts: 'organization' } : {}),
        ...channels.context,
      },
    });
    await channels.attach(engines, deployment);
    // The stack as `status --stack-name` reads it: its outputs and its poller's environment.
    stackApis.putStack({
      name: STACK_NAME,
      outputs: deployment.outputs,
      functions: { [deployment.functionNames.poller]: deployment.pollerEnv },
    });
    const inbox = await subscribeQueue(engines, deployment.topicArn, 'inbox');
    const emailPreview = await subscribeQueue(
      engines,
      deployment.topicArn,
      'email-preview',
      deployment.definition.emailFilterPolicy,
    );
    // The functions' environment, as the stack sets it, except their log level: their JSON logs
    // would drown the live view (see run() in cli/main.ts).
    // In organization mode the dispatcher's too: they agree where they overlap but for REGIONS,
    // which only the dispatcher reads (the worker gets each unit's Region).
    const functionEnv = {
      ...deployment.pollerEnv,
      ...deployment.publisherEnv,
      ...deployment.organization?.dispatcherEnv,
    };
    const logLevel = process.env.POWERTOOLS_LOG_LEVEL;
    Object.assign(process.env, functionEnv);
    if (logLevel) process.env.POWERTOOLS_LOG_LEVEL = logLevel;
    // The functions' settings and the endpoints; not their Lambda-only tuning (log level, NODE_OPTIONS).
    const functionSettings = Object.entries(functionEnv).filter(
      ([name]) => !name.startsWith('POWERTOOLS_') && name !== 'NODE_OPTIONS',
    );
    envFile = claimEnvFile({
      ...endpointEnvironment(engines),
      ...organization?.environment,
      ...stackStandInEnvironment(stackApis),
      AWS_REGION: LOCAL_REGION,
      ...Object.fromEntries(functionSettings),
    });
    out(`Other commands reach these engines after: source ${path.relative(process.cwd(), envFile.path)}`);
    out(
      `  e.g. npx ec2-task-monitor status, npx ec2-task-monitor poll --once${organization ? ', npx ec2-task-monitor accounts' : ''}`,
    );
    const delivery = streamDeliveryFor(deployment.tableName);
    // Starts now, down to the whole minute: the scenario plays the hours ahead.
    const clock = new ScenarioClock({ minutesPerTick: scenario.minutesPerTick ?? DEFAULT_MINUTES_PER_TICK });
    // The handlers load once, as a function's execution environment keeps its state between cycles.
    let runOneCycle: () => Promise<{ failures: string[] }>;
    if (organization) {
      const handlers = loadOrganizationHandlers(undefined, deployment.channels, clock.now);
      runOneCycle = () => runOrganizationCycle(handlers, delivery);
    } else {
      const handlers = loadHandlers(undefined, deployment.channels, clock.now);
      runOneCycle = () => runCycle(handlers, delivery);
    }
    let changes = 0;
    let alerts = 0;
    let finishedSaid = false;
    const statusTable = statusTableWhenChanged();
    const accountsTable = whenChanged();
    const failureLines = whenChanged();
    const quotaTable = whenChanged();
    const inboxReader = new Inbox(engines.endpoints.sqs, inbox.queueUrl);
    const emailReader = new Inbox(engines.endpoints.sqs, emailPreview.queueUrl);
    engines.ec2.loadScenario(scenario, { now: clock.now });
    out(`Scenario (${plural(scenario.tasks.length, 'task')}): ${scenario.description ?? file}`);
    out(
      `Each cycle polls once and delivers what changed, then pauses ${options.interval} s; the scenario moves one tick per cycle.`,
    );
    out(
      `Scenario time: each cycle stands for ${plural(clock.minutesPerTick, 'minute')}, from ${scenarioTimeLabel(clock.now())} (the tasks', the handlers' and the events' clock). Ctrl-C stops.\n`,
    );

    for (let cycle = 1; !stopping && (options.cycles === undefined || cycle <= options.cycles); cycle++) {
      if (cycle > 1) {
        clock.advance();
        engines.ec2.tick();
      }
      const outcome = await runOneCycle();
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
      for (const line of await channels.drain()) out(line);
      // A failure that recurs (an account without its role) is said again only when the set changes.
      if (failureLines(outcome.failures.join('\n')) !== undefined)
        for (const failure of outcome.failures) out(`! ${failure}`);
      // Every watched account's tasks (organization mode: each account with a coverage item).
      const scopes = await resolveScopes({});
      const tasks = (await Promise.all(scopes.map(readAllSnapshots))).flat();
      // A quiet cycle prints nothing: the table only when a task's row changed.
      const table = statusTable(tasks, options);
      // The quotas with tasks in use (or a warning raised): the rows of idle accounts and Regions
      // would bury the one that matters; `status` shows them all.
      const uses = (await Promise.all(scopes.map((scope) => readQuotaUses(scope, tasks)))).flat();
      const quotas = quotaTable(
        renderQuotas(
          uses.filter((use) => use.inUse > 0 || use.level === 'nearly-exhausted'),
          options,
        ),
      );
      const coverage = organization
        ? accountsTable(renderAccounts(await readAccounts(deployment.tableName), options))
        : undefined;
      if (table !== undefined || quotas || coverage !== undefined) {
        out(
          `== scenario time ${scenarioTimeLabel(clock.cycleStartedAt)}  cycle ${cycle}, scenario tick ${engines.ec2.currentTick}  ==`,
        );
        if (table !== undefined) out(`${table}\n`);
        if (quotas) out(`Quotas (npx ec2-task-monitor status):\n${quotas}\n`);
        if (coverage !== undefined) out(`Accounts (npx ec2-task-monitor accounts):\n${coverage}\n`);
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
  } finally {
    out('Stopping the engines...');
    envFile?.release();
    for (const standIn of standIns) await standIn.stop();
    await engines.stop();
    out('Stopped.');
  }
  return 0;
}

/** Passes a text on only when it differs from the last one given: a quiet cycle prints nothing. */
function whenChanged(): (text: string) => string | undefined {
  let last: string | undefined;
  return (text) => {
    if (text === last) return undefined;
    last = text;
    return text;
  };
}
