// `ec2-task-monitor status` and `history`: read the table the way the poller left it.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StoredTask } from '../../lambdas/domain/changes';
import { TASK_TYPE_NAMES, type TaskTypeName } from '../../lambdas/domain/task';
import { SnapshotStore } from '../../lambdas/adapters/snapshot-store';
import { ConfigurationError, ENV, parseTaskTypes } from '../../lambdas/shared/config';
import { sdkClientConfig } from '../../lambdas/shared/sdk-clients';
import { partitionKey } from '../../lambdas/shared/table-layout';
import { renderHistory, renderStatus } from '../render';

export const STATUS_HELP = `Usage: ec2-task-monitor status [--json]

Prints the current snapshot of every task the monitor recorded, read from DynamoDB.
Reads TABLE_NAME, REGIONS (default: AWS_REGION) and TASK_TYPES (default: all).`;

export const HISTORY_HELP = `Usage: ec2-task-monitor history <taskId> [--json]

Prints one task's timeline of recorded changes, oldest first, with whether each was published.
Reads TABLE_NAME, REGIONS (default: AWS_REGION) and TASK_TYPES (default: all).`;

export interface Scope {
  store: SnapshotStore;
  regions: string[];
  taskTypes: TaskTypeName[];
}

export function scopeFromEnvironment(): Scope {
  const tableName = process.env[ENV.tableName]?.trim();
  if (!tableName) throw new ConfigurationError(`${ENV.tableName} is not set`);
  const regions = (process.env[ENV.regions] ?? process.env.AWS_REGION ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (regions.length === 0) throw new ConfigurationError(`${ENV.regions} (or AWS_REGION) is not set`);
  const types = process.env[ENV.taskTypes]
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return {
    store: new SnapshotStore(new DynamoDBClient(sdkClientConfig()), tableName),
    regions,
    taskTypes: types ? parseTaskTypes(types, ENV.taskTypes) : [...TASK_TYPE_NAMES],
  };
}

/** Every stored snapshot of the configured Regions and task types. */
export async function readAllSnapshots(scope: Scope): Promise<StoredTask[]> {
  const partitions = scope.regions.flatMap((region) =>
    scope.taskTypes.map((type) => partitionKey(region, type)),
  );
  const results = await Promise.all(partitions.map((pk) => scope.store.querySnapshots(pk)));
  return results.flatMap((map) => [...map.values()]);
}

/** Runs the status command; returns the exit code. */
export async function statusCommand(options: { json: boolean; color: boolean }): Promise<number> {
  const tasks = await readAllSnapshots(scopeFromEnvironment());
  process.stdout.write(
    options.json ? `${JSON.stringify(tasks, null, 2)}\n` : `${renderStatus(tasks, options)}\n`,
  );
  return 0;
}

/** Runs the history command; returns the exit code. */
export async function historyCommand(
  taskId: string,
  options: { json: boolean; color: boolean },
): Promise<number> {
  const scope = scopeFromEnvironment();
  const timelines = await Promise.all(
    scope.regions.flatMap((region) =>
      scope.taskTypes.map((type) => scope.store.history(region, type, taskId)),
    ),
  );
  const entries = timelines.flat();
  process.stdout.write(
    options.json ? `${JSON.stringify(entries, null, 2)}\n` : `${renderHistory(entries, options)}\n`,
  );
  return entries.length > 0 ? 0 : 1;
}
