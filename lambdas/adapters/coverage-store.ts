// DynamoDB adapter of the accounts' coverage (organization mode): one item per account in one
// partition (see table-layout.ts), read all at once, written one at a time and only when changed.
import { type DynamoDBClient, GetItemCommand, PutItemCommand, paginateQuery } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AccountCoverage } from '../domain/coverage';
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

  /** One account's coverage, if stored. */
  async load(account: string): Promise<AccountCoverage | undefined> {
    const { Item: item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall({ [PK]: COVERAGE_PARTITION_KEY, [SK]: coverageSortKey(account) }),
      }),
    );
    return item && fromItem(item);
  }

  /** Writes an account's coverage (the last writer wins: each write is a complete, recent view). */
  async put(coverage: AccountCoverage): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall(
          {
            [PK]: COVERAGE_PARTITION_KEY,
            [SK]: coverageSortKey(coverage.account),
            coverage: JSON.stringify(coverage),
          },
          { removeUndefinedValues: true },
        ),
      }),
    );
  }
}

function fromItem(item: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue>): AccountCoverage {
  return JSON.parse(String(unmarshall(item).coverage)) as AccountCoverage;
}
