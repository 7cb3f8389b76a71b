// `ec2-task-monitor redrive`: publishes the recorded changes that never went out.
import { ENV } from '../../lambdas/shared/config';
import { loadHandlers } from '../../runtime/cycle';
import { type RedriveResult, redriveUnpublished } from '../../runtime/redrive';
import { plural, renderHistory } from '../render';
import type { ReadOptions } from './status';
import { resolveScopes } from './status';

/** Runs the redrive command; returns the exit code. */
export async function redriveCommand(
  options: Omit<ReadOptions, 'json'> & { dryRun: boolean },
): Promise<number> {
  // Publishing needs the topic; listing does not.
  const scopes = await resolveScopes(options.stack, {
    required: options.dryRun ? [] : [ENV.topicArn],
    account: options.account,
  });
  const publish = options.dryRun ? undefined : loadHandlers().publish;
  // One account after another: a failure stops the redrive, as within an account.
  const result: RedriveResult = { found: [], delivered: 0 };
  for (const scope of scopes) {
    const part = await redriveUnpublished(scope.store, scope, publish);
    result.found.push(...part.found);
    result.delivered += part.delivered;
    if (part.failure) {
      result.failure = part.failure;
      break;
    }
  }
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
