// `ec2-task-monitor redrive`: publishes the recorded changes that never went out.
import { ENV } from '../../lambdas/shared/config';
import { loadHandlers } from '../../runtime/cycle';
import { redriveUnpublished } from '../../runtime/redrive';
import { plural, renderHistory } from '../render';
import type { ReadOptions } from './status';
import { resolveScope } from './status';

/** Runs the redrive command; returns the exit code. */
export async function redriveCommand(
  options: Omit<ReadOptions, 'json'> & { dryRun: boolean },
): Promise<number> {
  // Publishing needs the topic; listing does not.
  const scope = await resolveScope(options.stack, options.dryRun ? [] : [ENV.topicArn]);
  const publish = options.dryRun ? undefined : loadHandlers().publish;
  const result = await redriveUnpublished(scope.store, scope, publish);
  if (result.found.length === 0) {
    process.stdout.write('Nothing to redrive: every recorded change was published.\n');
    return 0;
  }
  if (options.dryRun) {
    process.stdout.write(
      `${renderHistory(result.found, options)}\n${plural(result.found.length, 'unpublished change')} would be published by \`ec2-task-monitor redrive\`.\n`,
    );
    return 0;
  }
  process.stdout.write(
    `${plural(result.found.length, 'unpublished change')} found, ${result.delivered} handed to the publisher.\n`,
  );
  if (result.failure) {
    process.stderr.write(`${result.failure}\n`);
    return 1;
  }
  return 0;
}
