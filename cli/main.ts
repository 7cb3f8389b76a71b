// The `ec2-task-monitor` command line: parses arguments, dispatches to a command, and maps errors
// to exit codes (0 done, 1 something failed, 2 bad configuration or usage).
import { parseArgs } from 'node:util';
import { ConfigurationError } from '../lambdas/shared/config';
import { HISTORY_HELP, historyCommand, STATUS_HELP, statusCommand } from './commands/status';
import { LOCAL_HELP, localCommand } from './commands/local';
import { POLL_HELP, pollCommand } from './commands/poll';
import { REDRIVE_HELP, redriveCommand } from './commands/redrive';
import { EXIT, UsageError } from './errors';

const HELP = `Usage: ec2-task-monitor <command> [options]

Watches Amazon EC2's long-running tasks and publishes every state change to SNS.

Commands:
  poll --once        one full cycle of the deployed code path (poller, then publisher)
  status             the current snapshot of every task, from DynamoDB
  history <taskId>   one task's timeline of changes, oldest first
  redrive            publish the recorded changes that never went out (after a dead-letter alarm)
  local              the whole pipeline on local engines, no AWS account (npm start)

Run 'ec2-task-monitor <command> --help' for a command's options.`;

const HELPS: Record<string, string> = {
  poll: POLL_HELP,
  status: STATUS_HELP,
  history: HISTORY_HELP,
  local: LOCAL_HELP,
  redrive: REDRIVE_HELP,
};

function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new UsageError(`--${name} must be a positive number, got "${value}"`);
  return number;
}

function port(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535)
    throw new UsageError(`--${name} must be a port from 0 to 65535, got "${value}"`);
  return number;
}

/** Runs the CLI with the given arguments; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command ? EXIT.ok : EXIT.configuration;
  }
  const help = HELPS[command];
  if (!help)
    throw new UsageError(`unknown command "${command}"; commands: poll, status, history, redrive, local`);
  const { values, positionals } = parseArgs({
    args: [...rest],
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      once: { type: 'boolean' },
      interval: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      scenario: { type: 'string' },
      cycles: { type: 'string' },
      'dynamodb-port': { type: 'string' },
      'sns-port': { type: 'string' },
      'ec2-port': { type: 'string' },
      'no-color': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return EXIT.ok;
  }
  const color = !values['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR;
  switch (command) {
    case 'poll':
      return pollCommand({
        once: values.once === true,
        interval: positiveNumber('interval', values.interval),
        json: values.json === true,
        timeout: positiveNumber('timeout', values.timeout),
      });
    case 'status':
      return statusCommand({ json: values.json === true, color });
    case 'redrive':
      return redriveCommand({ dryRun: values['dry-run'] === true, color });
    case 'history': {
      const [taskId] = positionals;
      if (!taskId)
        throw new UsageError('history needs a task id, e.g. ec2-task-monitor history import-ami-0abc');
      return historyCommand(taskId, { json: values.json === true, color });
    }
    default:
      return localCommand({
        scenario: values.scenario,
        interval: positiveNumber('interval', values.interval) ?? 3,
        cycles: positiveNumber('cycles', values.cycles),
        ports: {
          dynamodb: port('dynamodb-port', values['dynamodb-port']),
          sqs: port('sns-port', values['sns-port']),
          ec2: port('ec2-port', values['ec2-port']),
        },
        color,
      });
  }
}

/** Runs the CLI as a process: prints errors without stack traces for the user's mistakes. */
export async function run(argv: readonly string[]): Promise<void> {
  // The handlers' JSON logs and EMF metrics are for CloudWatch. On a terminal the commands print
  // their own summary and one line per failure; POWERTOOLS_LOG_LEVEL=INFO shows the logs as well.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  // The functions run on Node.js 24 in Lambda; the SDK's notice about Node.js 20 is not news here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof ConfigurationError ||
      ((error as Error)?.name === 'TypeError' && String((error as Error).message).includes('Unknown option'))
    ) {
      process.stderr.write(`ec2-task-monitor: ${(error as Error).message}\n`);
      process.exitCode = EXIT.configuration;
      return;
    }
    process.stderr.write(
      `ec2-task-monitor: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = EXIT.failed;
  }
}
