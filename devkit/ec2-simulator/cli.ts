// Why: the local demo and manual testing run the simulator as its own process:
// `node --import tsx devkit/ec2-simulator/cli.ts --port 4567 --scenario demo --tick-seconds 5`.
import { parseArgs } from 'node:util';
import { readScenarioFile } from './scenario-file';
import { startEc2Simulator } from './simulator';
import { isApiName, type ApiName } from './task-types';

const USAGE = `Usage: node --import tsx devkit/ec2-simulator/cli.ts [options]

  --port N               port to listen on (default 4567; 0 picks a free one)
  --host H               interface to listen on (default 127.0.0.1)
  --scenario FILE|demo   scenario to load ('demo' is scenarios/demo.json)
  --tick-seconds S       seconds between ticks when a scenario is loaded (default 5; 0 = tick only via POST /_simulator/tick)
  --loop                 restart the scenario when it has finished
  --page-size-cap API=N  largest page for one paginated API (repeatable)
  --help                 this text

Point the SDK at the printed URL: AWS_ENDPOINT_URL_EC2=<url>. Stop with Ctrl-C (SIGINT) or SIGTERM.`;

/** Runs the CLI; resolves once the simulator is listening. Exported for reuse, e.g. a demo script. */
export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', default: '4567' },
      host: { type: 'string', default: '127.0.0.1' },
      scenario: { type: 'string' },
      'tick-seconds': { type: 'string', default: '5' },
      loop: { type: 'boolean', default: false },
      'page-size-cap': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  const tickSeconds = Number(values['tick-seconds']);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port: expected 0–65535, got ${values.port}`);
  if (!Number.isFinite(tickSeconds) || tickSeconds < 0) {
    throw new UsageError(`--tick-seconds: expected a number ≥ 0, got ${values['tick-seconds']}`);
  }
  const pageSizeCap: Partial<Record<ApiName, number>> = {};
  for (const entry of values['page-size-cap']) {
    const [api, size] = entry.split('=');
    if (!isApiName(api) || !/^\d+$/.test(size ?? '')) {
      throw new UsageError(`--page-size-cap: expected API=N like DescribeStoreImageTasks=2, got ${entry}`);
    }
    pageSizeCap[api] = Number(size);
  }

  const scenario = values.scenario === undefined ? undefined : await readScenarioFile(values.scenario);
  const sim = await startEc2Simulator({ port, host: values.host, pageSizeCap });
  if (scenario) {
    sim.loadScenario(scenario);
    if (tickSeconds > 0) {
      sim.startTicking(tickSeconds * 1000, {
        loop: values.loop,
        onTick: (tick) =>
          console.log(
            `tick ${tick}: ${sim.listTasks().length} tasks${sim.scenarioFinished ? ' (scenario finished)' : ''}`,
          ),
      });
    }
  }
  console.log(`EC2 simulator listening on ${sim.url}`);
  console.log(`AWS_ENDPOINT_URL_EC2=${sim.url}`);
  if (scenario) {
    console.log(
      `scenario: ${scenario.description ?? values.scenario} (${scenario.tasks.length} tasks${tickSeconds > 0 ? `, a tick every ${tickSeconds} s` : ''})`,
    );
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => console.log(`stopped (${signal})`),
      (error: unknown) => {
        console.error(`error while stopping: ${String(error)}`);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** A bad command line: print the usage too. */
class UsageError extends Error {}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(message);
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(USAGE);
      process.exitCode = 2;
    } else {
      process.exitCode = 1;
    }
  });
}
