// DynamoDB adapter of the accounts' coverage (organization mode): one item per account in one
// partition (see table-layout.ts), read all at once, written one at a time and only when changed.
// Several units of one account (its Regions) run at once, in one container or in several, each
// from its own copy of the item: every write is conditioned on the copy it started from, so a
// unit never wipes what another recorded meanwhile (a Region's failure); it reads the item again
// and decides once more.
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  paginateQuery,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type AccountCoverage, coverageChanged } from '../domain/coverage';
import { COVERAGE_PARTITION_KEY, coverageSortKey, TABLE_LAYOUT } from '../shared/table-layout';

const { partitionKey: PK, sortKey: SK } = TABLE_LAYOUT;

/** Reads and writes the coverage items. */
export class CoverageStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Every account's coverage, by account id (eventually consistent: a cycle-old view is enough). */
  async loadAll(): Promise<Map<string, AccountCoverage>> {
    const all = new Map<string, AccountCoverage>();
    for await (const page of paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: marshall({ ':pk': COVERAGE_PARTITION_KEY }),
      },
    )) {
      for (const item of page.Items ?? []) {
        const coverage = fromItem(item);
        all.set(coverage.account, coverage);
      }
    }
    return all;
  }

  /** One account's coverage, if stored (strongly consistent: it is read to write after it). */
  async load(account: string): Promise<AccountCoverage | undefined> {
    const { Item: item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall({ [PK]: COVERAGE_PARTITION_KEY, [SK]: coverageSortKey(account) }),
        ConsistentRead: true,
      }),
    );
    return item && fromItem(item);
  }

  /**
   * Writes an account's coverage if the stored item is still the one written at `replacing`
   * (its `writtenAt`; undefined: no item yet).
   * @returns false when another writer got there first (nothing written)
   */
  async put(coverage: AccountCoverage, replacing: string | undefined): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(
            {
              [PK]: COVERAGE_PARTITION_KEY,
              [SK]: coverageSortKey(coverage.account),
              writtenAt: coverage.writtenAt,
              coverage: JSON.stringify(coverage),
            },
            { removeUndefinedValues: true },
          ),
          ...(replacing === undefined
            ? { ConditionExpression: 'attribute_not_exists(#sk)', ExpressionAttributeNames: { '#sk': SK } }
            : {
                ConditionExpression: '#writtenAt = :replacing',
                ExpressionAttributeNames: { '#writtenAt': 'writtenAt' },
                ExpressionAttributeValues: marshall({ ':replacing': replacing }),
              }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/** What {@link recordCoverage} needs: a {@link CoverageStore}, or a stand-in of it in tests. */
export interface CoverageWriter {
  load(account: string): Promise<AccountCoverage | undefined>;
  put(coverage: AccountCoverage, replacing: string | undefined): Promise<boolean>;
}

/** How often a unit decides again after losing its write to another; a few Regions race at most. */
const COVERAGE_ATTEMPTS = 5;

/**
 * Records what a unit or the dispatcher learnt about an account, starting from the copy it has
 * (`known`): `apply` gives the coverage after it, written when {@link coverageChanged} says an
 * operator would see a difference. After a lost race `apply` is called again on the item as now
 * stored. Each write's `writtenAt` is later than the one it replaces, so a copy never matches an
 * item written after it.
 * @returns the account's coverage as this caller now knows it (with the stored `writtenAt` when
 *   nothing was written), and whether this call wrote it
 * @throws Error when the item kept changing under it {@link COVERAGE_ATTEMPTS} times
 */
export async function recordCoverage(
  store: CoverageWriter,
  known: AccountCoverage | undefined,
  apply: (stored: AccountCoverage | undefined) => AccountCoverage,
  now: Date,
): Promise<{ coverage: AccountCoverage; written: boolean }> {
  let stored = known;
  for (let attempt = 1; attempt <= COVERAGE_ATTEMPTS; attempt += 1) {
    const next = apply(stored);
    if (!coverageChanged(stored, next, now)) {
      return { coverage: { ...next, writtenAt: stored?.writtenAt ?? next.writtenAt }, written: false };
    }
    const written = { ...next, writtenAt: laterThan(now.toISOString(), stored?.writtenAt) };
    if (await store.put(written, stored?.writtenAt)) return { coverage: written, written: true };
    stored = await store.load(next.account);
  }
  throw new Error(`the coverage of an account kept changing under ${COVERAGE_ATTEMPTS} attempts to write it`);
}

function laterThan(wanted: string, previous: string | undefined): string {
  if (previous === undefined || Date.parse(wanted) > Date.parse(previous)) return wanted;
  return new Date(Date.parse(previous) + 1).toISOString();
}

function fromItem(item: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue>): AccountCoverage {
  return JSON.parse(String(unmarshall(item).coverage)) as AccountCoverage;
}
