// `ec2-task-monitor status` and `history`: read the table the way the poller left it.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StoredTask } from '../../lambdas/domain/changes';
import { TASK_TYPE_NAMES, type TaskTypeName } from '../../lambdas/domain/task';
import { SnapshotStore } from '../../lambdas/adapters/snapshot-store';
import { ConfigurationError, ENV, parseTaskTypes } from '../../lambdas/shared/config';
import { sdkClientConfig } from '../../lambdas/shared/sdk-clients';
import { partitionKey } from '../../lambdas/shared/table-layout';
import { applyStackOptions, resolveVariables, type StackOptions } from '../deployed-stack';
import { renderHistory, renderStatus } from '../render';

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
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * The table, Regions and task types, from the environment or the deployed stack (see
 * deployed-stack.ts). REGIONS falls back to AWS_REGION and TASK_TYPES to every type.
 * @param required further variables the command cannot run without (TOPIC_ARN for redrive)
 */
export async function resolveScope(stack: StackOptions, required: readonly string[] = []): Promise<Scope> {
  applyStackOptions(stack);
  const variables = await resolveVariables(
    { required: [ENV.tableName, ...required], optional: [ENV.accountId, ENV.regions, ENV.taskTypes] },
    stack,
  );
  const regions = list(variables[ENV.regions] ?? process.env.AWS_REGION);
  if (regions.length === 0)
    throw new ConfigurationError(`${ENV.regions} (or AWS_REGION, or --region) is not set`);
  const account = variables[ENV.accountId];
  // The table's keys carry the account; the deployed poller's environment names it.
  if (!account) throw new ConfigurationError(`${ENV.accountId} (the account the monitor polls) is not set`);
  const types = list(variables[ENV.taskTypes]);
  return scopeOf(
    variables[ENV.tableName] as string,
    account,
    regions,
    types.length > 0 ? parseTaskTypes(types, ENV.taskTypes) : undefined,
  );
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

/** Runs the status command; returns the exit code. */
export async function statusCommand(options: ReadOptions): Promise<number> {
  const tasks = await readAllSnapshots(await resolveScope(options.stack));
  process.stdout.write(
    options.json ? `${JSON.stringify(tasks, null, 2)}\n` : `${renderStatus(tasks, options)}\n`,
  );
  return 0;
}

/** Runs the history command; returns the exit code. */
export async function historyCommand(taskId: string, options: ReadOptions): Promise<number> {
  const scope = await resolveScope(options.stack);
  const timelines = await Promise.all(
    scope.regions.flatMap((region) =>
      scope.taskTypes.map((type) => scope.store.history(region, type, taskId)),
    ),
  );
  const entries = timelines.flat();
  if (options.json) process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
  else
    process.stdout.write(
      entries.length > 0
        ? `${renderHistory(entries, options)}\n`
        : `No recorded changes for task ${taskId} in ${scope.regions.join(', ')}.\n`,
    );
  return entries.length > 0 ? 0 : 1;
}
