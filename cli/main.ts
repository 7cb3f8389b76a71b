// The `ec2-task-monitor` command line: parses arguments, dispatches to a command, and maps errors
// to exit codes (0 done, 1 something failed, 2 bad configuration, usage or environment). Each
// command's module is loaded only when it runs, so `--help` and usage errors load no AWS code.
import { handlerTimeout, parseCommandLine, port, positiveInteger, positiveNumber, text } from './arguments';
import { EXIT } from './errors';
import { describeFailure } from './failures';
import { COMMANDS, HELP } from './usage';
import type { StackOptions } from './deployed-stack';

/** Runs the CLI with the given arguments; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const line = parseCommandLine(argv);
  if ('help' in line) {
    process.stdout.write(`${line.help === 'main' ? HELP : COMMANDS[line.help].help}\n`);
    // `ec2-task-monitor` alone is a usage mistake; asking for help is not.
    return line.help === 'main' && argv.length === 0 ? EXIT.configuration : EXIT.ok;
  }
  const { command, values, positionals } = line;
  const color = !values['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const stack: StackOptions = {
    stackName: text(values['stack-name']),
    region: text(values.region),
    profile: text(values.profile),
  };
  switch (command) {
    case 'poll': {
      const { pollCommand } = await import('./commands/poll');
      return pollCommand({
        once: values.once === true,
        interval: positiveNumber('interval', values.interval),
        json: values.json === true,
        timeout: handlerTimeout(values.timeout),
      });
    }
    case 'status': {
      const { statusCommand } = await import('./commands/status');
      return statusCommand({ json: values.json === true, color, stack, account: text(values.account) });
    }
    case 'accounts': {
      const { accountsCommand } = await import('./commands/accounts');
      return accountsCommand({ json: values.json === true, color, stack });
    }
    case 'history': {
      const { historyCommand } = await import('./commands/status');
      return historyCommand(positionals[0] as string, {
        json: values.json === true,
        color,
        stack,
        account: text(values.account),
      });
    }
    case 'redrive': {
      const { redriveCommand } = await import('./commands/redrive');
      return redriveCommand({
        dryRun: values['dry-run'] === true,
        color,
        stack,
        account: text(values.account),
      });
    }
    case 'local': {
      const options = {
        scenario: text(values.scenario),
        interval: positiveNumber('interval', values.interval) ?? 3,
        cycles: positiveInteger('cycles', values.cycles),
        organization: values['single-account'] !== true,
        ports: {
          dynamodb: port('dynamodb-port', values['dynamodb-port']),
          sqs: port('sns-port', values['sns-port']),
          ec2: port('ec2-port', values['ec2-port']),
        },
        color,
      };
      const { localCommand } = await import('./commands/local');
      return localCommand(options);
    }
  }
}

/** Runs the CLI as a process: the user's mistakes and the machine's shortcomings are one line, never a stack trace. */
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
    const known = describeFailure(error);
    if (known) {
      process.stderr.write(`ec2-task-monitor: ${known}\n`);
      process.exitCode = EXIT.configuration;
      return;
    }
    process.stderr.write(
      `ec2-task-monitor: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = EXIT.failed;
  }
}
