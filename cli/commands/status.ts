// `ec2-task-monitor status` and `history`: read the table the way the poller left it, for every
// account it holds (organization mode: each account with a coverage item) or the one `--account` names.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CoverageStore } from '../../lambdas/adapters/coverage-store';
import { ACCOUNT_ID_PATTERN } from '../../lambdas/domain/accounts';
import type { StoredTask } from '../../lambdas/domain/changes';
import { type QuotaUse, quotaUses, watchedQuotaGroups } from '../../lambdas/domain/quota';
import { TASK_TYPE_NAMES, type TaskTypeName } from '../../lambdas/domain/task';
import { SnapshotStore } from '../../lambdas/adapters/snapshot-store';
import { ConfigurationError, ENV, parseTaskTypes } from '../../lambdas/shared/config';
import { sdkClientConfig } from '../../lambdas/shared/sdk-clients';
import { partitionKey } from '../../lambdas/shared/table-layout';
import { applyStackOptions, resolveVariables, type StackOptions } from '../deployed-stack';
import { renderHistory, renderQuotas, renderStatus } from '../render';

/** The table and the listings a command reads. */
export interface Scope {
  store: SnapshotStore;
  regions: string[];
  taskTypes: TaskTypeName[];
}

/** Options of the commands that read the deployed monitor. */
export interface ReadOptions {
  json: boolean;
  color: boolean;
  stack: StackOptions;
  /** Organization mode: read only this account (12 digits). Default: every account the table holds. */
  account?: string;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * What to read: one scope per account, from the environment or the deployed stack (see
 * deployed-stack.ts). The accounts are the table's coverage items (organization mode: every
 * watched account, each with its own Regions) or, without any, the polled account (ACCOUNT_ID);
 * `account` keeps just that one. REGIONS falls back to AWS_REGION and TASK_TYPES to every type.
 * @param required further variables the command cannot run without (TOPIC_ARN for redrive)
 */
export async function resolveScopes(
  stack: StackOptions,
  options: { required?: readonly string[]; account?: string } = {},
): Promise<Scope[]> {
  const { account } = options;
  if (account !== undefined && !ACCOUNT_ID_PATTERN.test(account)) {
    throw new ConfigurationError(`--account: ${JSON.stringify(account)} is not an account id (12 digits)`);
  }
  applyStackOptions(stack);
  const variables = await resolveVariables(
    {
      required: [ENV.tableName, ...(options.required ?? [])],
      optional: [ENV.accountId, ENV.regions, ENV.taskTypes],
    },
    stack,
  );
  const tableName = variables[ENV.tableName] as string;
  const regions = list(variables[ENV.regions] ?? process.env.AWS_REGION);
  if (regions.length === 0)
    throw new ConfigurationError(`${ENV.regions} (or AWS_REGION, or --region) is not set`);
  const types = list(variables[ENV.taskTypes]);
  const taskTypes = types.length > 0 ? parseTaskTypes(types, ENV.taskTypes) : undefined;
  const coverage = await new CoverageStore(new DynamoDBClient(sdkClientConfig()), tableName).loadAll();
  // The table's keys carry the account; in self mode the deployed poller's environment names it.
  const accounts =
    coverage.size > 0
      ? [...coverage.values()].map((item) => ({ account: item.account, regions: [...item.regions] }))
      : [{ account: variables[ENV.accountId], regions }];
  const chosen = account === undefined ? accounts : accounts.filter((item) => item.account === account);
  if (account !== undefined && chosen.length === 0) {
    // An account the coverage does not know (yet), or self mode's own under its id: read it in REGIONS.
    chosen.push({ account, regions });
  }
  return chosen.map((item) => {
    if (!item.account)
      throw new ConfigurationError(`${ENV.accountId} (the account the monitor polls) is not set`);
    return scopeOf(tableName, item.account, item.regions.length > 0 ? item.regions : regions, taskTypes);
  });
}

/** A table's listings of one account: its Regions and task types (every one by default). */
export function scopeOf(
  tableName: string,
  account: string,
  regions: string[],
  taskTypes: TaskTypeName[] = [...TASK_TYPE_NAMES],
): Scope {
  return {
    store: new SnapshotStore(new DynamoDBClient(sdkClientConfig()), tableName, account),
    regions,
    taskTypes,
  };
}

/** Every stored snapshot of the configured Regions and task types. */
export async function readAllSnapshots(scope: Scope): Promise<StoredTask[]> {
  const partitions = scope.regions.flatMap((region) =>
    scope.taskTypes.map((type) => partitionKey({ account: scope.store.account, region }, type)),
  );
  const results = await Promise.all(partitions.map((pk) => scope.store.querySnapshots(pk)));
  return results.flatMap((map) => [...map.values()]);
}

/**
 * The VM Import/Export quotas of a scope: the tasks in use from its snapshots, the limits recorded
 * on each unit's state item (one read per Region), none when no quota group is polled.
 */
export async function readQuotaUses(scope: Scope, tasks: readonly StoredTask[]): Promise<QuotaUse[]> {
  if (watchedQuotaGroups(scope.taskTypes).length === 0) return [];
  const units = await Promise.all(
    scope.regions.map(async (region) => {
      const unit = { account: scope.store.account, region };
      return { ...unit, quota: (await scope.store.loadUnitState(unit)).quota };
    }),
  );
  return quotaUses(tasks, units, scope.taskTypes);
}

/** Runs the status command; returns the exit code. */
export async function statusCommand(options: ReadOptions): Promise<number> {
  const scopes = await resolveScopes(options.stack, { account: options.account });
  const tasks = (await Promise.all(scopes.map(readAllSnapshots))).flat();
  if (options.json) {
    process.stdout.write(`${JSON.stringify(tasks, null, 2)}\n`);
    return 0;
  }
  const uses = (await Promise.all(scopes.map((scope) => readQuotaUses(scope, tasks)))).flat();
  const quotas = renderQuotas(uses, options);
  process.stdout.write(`${renderStatus(tasks, options)}\n${quotas ? `\n${quotas}\n` : ''}`);
  return 0;
}

/** Runs the history command; returns the exit code. */
export async function historyCommand(taskId: string, options: ReadOptions): Promise<number> {
  const scopes = await resolveScopes(options.stack, { account: options.account });
  const timelines = await Promise.all(
    scopes.flatMap((scope) =>
      scope.regions.flatMap((region) =>
        scope.taskTypes.map((type) => scope.store.history(region, type, taskId)),
      ),
    ),
  );
  const entries = timelines.flat();
  if (options.json) process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
  else {
    const where = [...new Set(scopes.flatMap((scope) => scope.regions))].join(', ');
    process.stdout.write(
      entries.length > 0
        ? `${renderHistory(entries, options)}\n`
        : `No recorded changes for task ${taskId} in ${where}.\n`,
    );
  }
  return entries.length > 0 ? 0 : 1;
}
