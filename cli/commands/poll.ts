// `ec2-task-monitor poll`: runs the deployed code path from this machine, once or on an interval.
import {
  DISPATCHER_VARIABLES,
  ENV,
  POLLER_VARIABLES,
  PUBLISHER_VARIABLES,
  readDispatcherConfig,
  readPollerConfig,
  readPublisherConfig,
  readWorkerConfig,
  WORKER_VARIABLES,
} from '../../lambdas/shared/config';
import { requireVariables } from '../deployed-stack';
import { type CycleOutcome, loadHandlers, runCycle, streamDeliveryFor } from '../../runtime/cycle';
import {
  loadOrganizationHandlers,
  type OrganizationCycleOutcome,
  runOrganizationCycle,
} from '../../runtime/organization-cycle';
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

function organizationSummary(outcome: OrganizationCycleOutcome): string {
  const { dispatch, units, delivery } = outcome;
  const accounts = dispatch.watched + dispatch.skipped;
  return `Dispatched ${plural(dispatch.units.length, 'unit')} for ${plural(accounts, 'account')}, polled by the worker in ${outcome.durationMs} ms: ${plural(units.delivered, 'unit')} done, ${plural(delivery.delivered, 'stream record')} delivered, ${plural(outcome.failures.length, 'failure')}.`;
}

/**
 * Whether the environment is organization mode's: the dispatcher's ACCOUNTS names anything but
 * the deployment account alone (a stack with accounts=self has no dispatcher and no ACCOUNTS).
 */
export function isOrganizationMode(env: NodeJS.ProcessEnv = process.env): boolean {
  const accounts = env[ENV.accounts]?.trim();
  return accounts !== undefined && accounts !== '' && accounts !== 'self';
}

/** One cycle of the kind the environment describes, printed; returns the exit code. */
type Cycle = () => Promise<number>;

function singleAccountCycle(options: PollOptions, timeoutMs: number | undefined): Cycle {
  // Fail fast, before any call, with every missing variable named (exit code 2), then with the
  // first bad value.
  requireVariables([...new Set([...PUBLISHER_VARIABLES, ...POLLER_VARIABLES])]);
  const config = readPollerConfig();
  readPublisherConfig();
  const handlers = loadHandlers(timeoutMs);
  const delivery = streamDeliveryFor(config.tableName);
  return async () => {
    const outcome = await runCycle(handlers, delivery);
    if (options.json)
      process.stdout.write(
        `${JSON.stringify({ ...outcome.report, delivery: outcome.delivery, failures: outcome.failures }, null, 2)}\n`,
      );
    else process.stdout.write(`${summary(outcome)}\n`);
    return report(outcome.failures);
  };
}

function organizationCycle(options: PollOptions, timeoutMs: number | undefined): Cycle {
  requireVariables([...new Set([...PUBLISHER_VARIABLES, ...DISPATCHER_VARIABLES, ...WORKER_VARIABLES])]);
  const config = readDispatcherConfig();
  readWorkerConfig();
  readPublisherConfig();
  const handlers = loadOrganizationHandlers(timeoutMs);
  const delivery = streamDeliveryFor(config.tableName);
  return async () => {
    const outcome = await runOrganizationCycle(handlers, delivery);
    if (options.json) {
      const { dispatch, units, delivery: delivered, durationMs, failures } = outcome;
      process.stdout.write(
        `${JSON.stringify({ dispatch, units, delivery: delivered, durationMs, failures }, null, 2)}\n`,
      );
    } else process.stdout.write(`${organizationSummary(outcome)}\n`);
    return report(outcome.failures);
  };
}

/** Writes one line per failure to stderr; returns the exit code. */
function report(failures: readonly string[]): number {
  for (const failure of failures) process.stderr.write(`${failure}\n`);
  return failures.length === 0 ? EXIT.ok : EXIT.failed;
}

/** Runs the poll command; returns the exit code. */
export async function pollCommand(options: PollOptions): Promise<number> {
  if (options.once === (options.interval !== undefined))
    throw new UsageError('poll needs either --once or --interval <seconds>');
  const timeoutMs = options.timeout === undefined ? undefined : options.timeout * 1000;
  const cycle = isOrganizationMode()
    ? organizationCycle(options, timeoutMs)
    : singleAccountCycle(options, timeoutMs);
  if (options.once) return cycle();
  let stopped = false;
  process.once('SIGINT', () => (stopped = true));
  while (!stopped) {
    await cycle();
    await new Promise((resolve) => setTimeout(resolve, (options.interval ?? 60) * 1000));
  }
  return EXIT.ok;
}
