// `ec2-task-monitor redrive`: publishes the recorded changes that never went out.
import { readPublisherConfig } from '../../lambdas/shared/config';
import { loadHandlers } from '../cycle';
import { redriveUnpublished } from '../redrive';
import { renderHistory } from '../render';
import { scopeFromEnvironment } from './status';

export const REDRIVE_HELP = `Usage: ec2-task-monitor redrive [--dry-run]

Finds the recorded changes that were never marked published (for example a stream batch the
publisher gave up on, now in the dead-letter queue) and publishes them, oldest first, through
the publisher's handler: the same claims and marks make each go out once. Run it after fixing
what made publishing fail.

Reads TABLE_NAME, TOPIC_ARN, REGIONS (default: AWS_REGION) and TASK_TYPES (default: all).

Options:
  --dry-run   list the unpublished changes, publish nothing

Exit codes: 0 every unpublished change published (or listed, with --dry-run); 1 the publisher
stopped on a failure (stderr says which); 2 bad configuration.`;

/** Runs the redrive command; returns the exit code. */
export async function redriveCommand(options: { dryRun: boolean; color: boolean }): Promise<number> {
  const scope = scopeFromEnvironment();
  if (!options.dryRun) readPublisherConfig();
  const publish = options.dryRun ? undefined : loadHandlers().publish;
  const result = await redriveUnpublished(scope.store, scope, publish);
  if (options.dryRun) {
    process.stdout.write(`${renderHistory(result.found, options)}\n`);
    return 0;
  }
  process.stdout.write(
    `${result.found.length} unpublished changes found, ${result.delivered} handed to the publisher.\n`,
  );
  if (result.failure) {
    process.stderr.write(`${result.failure}\n`);
    return 1;
  }
  return 0;
}
