// `ec2-task-monitor poll`: runs the deployed code path from this machine, once or on an interval.
import { readPollerConfig, readPublisherConfig } from '../../lambdas/shared/config';
import { type CycleOutcome, loadHandlers, runCycle, streamDeliveryFor } from '../cycle';
import { EXIT, UsageError } from '../errors';

export const POLL_HELP = `Usage: ec2-task-monitor poll --once [--json]
       ec2-task-monitor poll --interval <seconds>

Runs one full cycle of the deployed code path: the poller's handler lists every configured task
type in every configured Region and records the changes, then every recorded change is read from
the table's stream and published to the topic by the publisher's handler.

Reads the same environment variables the stack sets on the functions:
  TABLE_NAME, TOPIC_ARN, REGIONS, TASK_TYPES, ACCOUNT_ID, PROGRESS_STEP, RETENTION_DAYS,
  DISAPPEAR_AFTER_MISSES
plus the AWS SDK's usual ones (AWS_REGION, credentials, AWS_ENDPOINT_URL_EC2, _DYNAMODB,
_DYNAMODB_STREAMS, _SNS for local engines).

Options:
  --once              one cycle, then exit
  --interval <s>      a cycle every <s> seconds until Ctrl-C
  --json              print the cycle report as JSON
  --timeout <s>       time each handler call gets, like the functions' timeout (default 60);
                      changes this process claimed but could not publish before dying are
                      free for another consumer after it

The functions' JSON logs are off on a terminal; POWERTOOLS_LOG_LEVEL=INFO (or WARN) shows them.

Exit codes: 0 every listing polled and every change delivered; 1 some listing or delivery
failed (the others were still done; one line per failure on stderr); 2 bad configuration.`;

/** Options of the poll command. */
export interface PollOptions {
  once: boolean;
  interval: number | undefined;
  json: boolean;
  /** Seconds each handler call gets (default 60). */
  timeout: number | undefined;
}

function summary(outcome: CycleOutcome): string {
  const { report, delivery } = outcome;
  return `Polled ${report.listings.length} listings in ${report.durationMs} ms: ${report.changes} changes recorded, ${delivery.delivered} stream records delivered, ${outcome.failures.length} failures.`;
}

/** Runs the poll command; returns the exit code. */
export async function pollCommand(options: PollOptions): Promise<number> {
  if (options.once === (options.interval !== undefined))
    throw new UsageError('poll needs either --once or --interval <seconds>');
  // Fail fast, before any call, with the variable named (exit code 2).
  const config = readPollerConfig();
  readPublisherConfig();
  const handlers = loadHandlers(options.timeout === undefined ? undefined : options.timeout * 1000);
  const delivery = streamDeliveryFor(config.tableName);
  const cycle = async (): Promise<number> => {
    const outcome = await runCycle(handlers, delivery);
    if (options.json)
      process.stdout.write(
        `${JSON.stringify({ ...outcome.report, delivery: outcome.delivery, failures: outcome.failures }, null, 2)}\n`,
      );
    else process.stdout.write(`${summary(outcome)}\n`);
    for (const failure of outcome.failures) process.stderr.write(`${failure}\n`);
    return outcome.failures.length === 0 ? EXIT.ok : EXIT.failed;
  };
  if (options.once) return cycle();
  let stopped = false;
  process.once('SIGINT', () => (stopped = true));
  while (!stopped) {
    await cycle();
    await new Promise((resolve) => setTimeout(resolve, (options.interval ?? 60) * 1000));
  }
  return EXIT.ok;
}
