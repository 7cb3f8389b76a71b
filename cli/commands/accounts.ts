// `ec2-task-monitor accounts`: every account organization mode watches, with its coverage (watched
// Regions, last complete poll, the last failure and its code), from the coverage items.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CoverageStore } from '../../lambdas/adapters/coverage-store';
import type { AccountCoverage } from '../../lambdas/domain/coverage';
import { leavesUnmonitored } from '../../lambdas/domain/coverage';
import { ENV } from '../../lambdas/shared/config';
import { sdkClientConfig } from '../../lambdas/shared/sdk-clients';
import { applyStackOptions, resolveVariables } from '../deployed-stack';
import { type RenderOptions, table } from '../render';
import type { ReadOptions } from './status';

/** The accounts as a table: one line per account, by account id, the unmonitored ones marked. */
export function renderAccounts(accounts: readonly AccountCoverage[], options: RenderOptions): string {
  if (accounts.length === 0) {
    return 'No account coverage recorded: the monitor watches its own account only (accounts=self), or has not run a cycle yet.';
  }
  const rows = [...accounts]
    .sort((a, b) => a.account.localeCompare(b.account))
    .map((coverage) => [
      coverage.account,
      coverage.name ?? '',
      leavesUnmonitored(coverage.failure) ? 'UNMONITORED' : coverage.failure ? 'partial' : 'watched',
      coverage.regions.length > 4 ? `${coverage.regions.length} Regions` : coverage.regions.join(','),
      coverage.lastCompletePollAt ?? 'never',
      coverage.failure
        ? `${coverage.failure.code}${coverage.failure.region ? ` in ${coverage.failure.region}` : ''} (${coverage.failure.kind}) at ${coverage.failure.at}`
        : '',
    ]);
  return table(
    [['ACCOUNT', 'NAME', 'COVERAGE', 'REGIONS', 'LAST COMPLETE POLL', 'LAST FAILURE'], ...rows],
    options,
  );
}

/** Every account's coverage item in the table, as the dispatcher and the workers left them. */
export async function readAccounts(tableName: string): Promise<AccountCoverage[]> {
  const client = new DynamoDBClient(sdkClientConfig());
  try {
    return [...(await new CoverageStore(client, tableName).loadAll()).values()];
  } finally {
    client.destroy();
  }
}

/** Runs the accounts command; returns the exit code (1 when an account is unmonitored). */
export async function accountsCommand(options: ReadOptions): Promise<number> {
  applyStackOptions(options.stack);
  const variables = await resolveVariables({ required: [ENV.tableName], optional: [] }, options.stack);
  const accounts = await readAccounts(variables[ENV.tableName] as string);
  process.stdout.write(
    options.json ? `${JSON.stringify(accounts, null, 2)}\n` : `${renderAccounts(accounts, options)}\n`,
  );
  return accounts.some((coverage) => leavesUnmonitored(coverage.failure)) ? 1 : 0;
}
