// `ec2-task-monitor poll`: runs the deployed code path from this machine, once or on an interval.
import {
  POLLER_VARIABLES,
  PUBLISHER_VARIABLES,
  readPollerConfig,
  readPublisherConfig,
} from '../../lambdas/shared/config';
import { requireVariables } from '../deployed-stack';
import { type CycleOutcome, loadHandlers, runCycle, streamDeliveryFor } from '../../runtime/cycle';
import { EXIT, UsageError } from '../errors';
import { plural } from '../render';

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
  return `Polled ${plural(report.listings.length, 'listing')} in ${report.durationMs} ms: ${plural(report.changes, 'change')} recorded, ${plural(delivery.delivered, 'stream record')} delivered, ${plural(outcome.failures.length, 'failure')}.`;
}

/** Runs the poll command; returns the exit code. */
export async function pollCommand(options: PollOptions): Promise<number> {
  if (options.once === (options.interval !== undefined))
    throw new UsageError('poll needs either --once or --interval <seconds>');
  // Fail fast, before any call, with every missing variable named (exit code 2), then with the
  // first bad value.
  requireVariables([...new Set([...PUBLISHER_VARIABLES, ...POLLER_VARIABLES])]);
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
