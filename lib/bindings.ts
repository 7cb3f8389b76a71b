// Bindings: each sets a function's variable and grants what that variable is used for, in one
// call (after Powertools' bindTable and AWS Solutions Constructs), so a function's configuration and
// its permissions cannot drift apart.
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { TaskTypeName } from '../lambdas/domain/task';
import { ENV } from '../lambdas/shared/config';
import { QUOTA_LIMIT_ACTIONS, watchedQuotaGroups } from '../lambdas/domain/quota';
import { listingActionsOf } from '../lambdas/task-types/metadata';
import { type Listings, listingPartitionsStatement } from './listing-partitions';
import { allowPublishing } from './topic-publishing';

/** Sets TASK_TYPES and allows exactly the listing actions of those types. */
export function bindTaskListing(fn: lambda.Function, taskTypes: readonly TaskTypeName[]): void {
  fn.addEnvironment(ENV.taskTypes, taskTypes.join(','));
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: listingActionsOf(taskTypes),
      // The EC2 Describe* APIs support no resource-level permissions: "*" is the only resource.
      resources: ['*'],
    }),
  );
}

/**
 * Allows reading the VM Import/Export limits from Service Quotas when the task types let the poll
 * count a quota group (every type of the group polled); without one the poll never calls it.
 */
export function bindQuotaLimits(fn: lambda.Function, taskTypes: readonly TaskTypeName[]): void {
  if (watchedQuotaGroups(taskTypes).length === 0) return;
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: [...QUOTA_LIMIT_ACTIONS],
      // ListServiceQuotas names no resource: "*" is the only one.
      resources: ['*'],
    }),
  );
}

/** Sets TABLE_NAME and allows exactly the given actions on the listings' partitions of the table. */
export function bindTable(
  fn: lambda.Function,
  table: dynamodb.ITable,
  actions: readonly string[],
  listings: Listings,
): void {
  fn.addEnvironment(ENV.tableName, table.tableName);
  fn.addToRolePolicy(listingPartitionsStatement(table, actions, listings));
}

/** Sets TOPIC_ARN and allows publishing to the (encrypted) event topic. */
export function bindPublishing(fn: lambda.Function, topic: sns.ITopic, key: kms.IKey): void {
  fn.addEnvironment(ENV.topicArn, topic.topicArn);
  allowPublishing(fn, topic, key);
}

/** Sets variables that need no permission: settings the function reads. */
export function bindSettings(fn: lambda.Function, variables: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(variables)) fn.addEnvironment(name, value);
}
