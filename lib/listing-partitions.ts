// Least privilege on the monitor's table: the poller and the publisher may touch only the
// partitions of the listings this deployment polls (dynamodb:LeadingKeys), never a channel's
// delivery records nor a listing it does not poll. The keys come from the table layout, so the
// policy follows the layout in one place.
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { TaskTypeName } from '../lambdas/domain/task';
import { listingPartitionKeys, unitPartitionPatterns } from '../lambdas/shared/table-layout';

/**
 * Above this many keys the condition names the `<account>#<region>#*` pattern and the unit state
 * key of each Region instead of every key: IAM allows 10,240 characters of inline policy per role,
 * and 35 Regions × 9 task types would take about 10,000 for the keys alone.
 */
export const MAX_LISTED_PARTITIONS = 100;

/** Any 12-digit account id, as a `StringLike` pattern. */
export const ANY_ACCOUNT = '?'.repeat(12);

/**
 * The `dynamodb:LeadingKeys` values of the listings polled in an account and their units' states:
 * every key, or patterns per Region.
 */
export function listingPartitionPatterns(
  account: string,
  regions: readonly string[],
  taskTypes: readonly TaskTypeName[],
): string[] {
  const keys = listingPartitionKeys(account, regions, taskTypes);
  return keys.length <= MAX_LISTED_PARTITIONS
    ? keys
    : regions.flatMap((region) => unitPartitionPatterns(account, region));
}

/**
 * The listings a function works on: every (Region, task type) of one account, or of any account
 * ({@link ANY_ACCOUNT}).
 */
export interface Listings {
  /**
   * The account whose listings they are: the stack's, or in organization mode {@link ANY_ACCOUNT}
   * (every watched account, whose ids the stack does not know at synth).
   */
  readonly account: string;
  readonly regions: readonly string[];
  readonly taskTypes: readonly TaskTypeName[];
}

/**
 * A statement allowing `actions` on the table, for items of the polled listings' partitions only.
 * Query, GetItem, PutItem, UpdateItem and each item of TransactWriteItems are all checked
 * against the condition.
 */
export function listingPartitionsStatement(
  table: dynamodb.ITable,
  actions: readonly string[],
  listings: Listings,
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [...actions],
    resources: [table.tableArn],
    conditions: {
      'ForAllValues:StringLike': {
        'dynamodb:LeadingKeys': listingPartitionPatterns(
          listings.account,
          listings.regions,
          listings.taskTypes,
        ),
      },
    },
  });
}
