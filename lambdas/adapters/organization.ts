// AWS Organizations, read: the accounts a selection covers. Called once at the start of every
// cycle by the dispatcher, never cached across cycles, so an account that joins is watched from
// the next cycle and one that leaves or is suspended stops being polled. Only listing calls:
// ListAccounts (the organization), ListAccountsForParent and ListOrganizationalUnitsForParent (an
// OU or root, recursively) and DescribeAccount (an account named in the list).
import {
  DescribeAccountCommand,
  type OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  type Account,
} from '@aws-sdk/client-organizations';
import type { AccountSelection, OrganizationAccount } from '../domain/accounts';
import { mapWithConcurrency } from '../shared/concurrency';

/** Organizations allows few calls per second per account: the walk stays gentle. */
const WALK_CONCURRENCY = 4;
/** Organizations' largest page for these calls. */
const PAGE_SIZE = 20;

function fromAccount(account: Account): OrganizationAccount | undefined {
  if (!account.Id) return undefined;
  return { id: account.Id, name: account.Name, state: account.State, status: account.Status };
}

/** Reads the accounts of a selection from Organizations. */
export class OrganizationDirectory {
  constructor(private readonly client: OrganizationsClient) {}

  /**
   * Every account the selection covers, whatever its state (the domain decides which are polled).
   * An account named in a list that Organizations does not know is left out (the domain reports it
   * as NOT_FOUND). A selection of `self` covers no account of the organization.
   */
  async accountsOf(selection: AccountSelection): Promise<OrganizationAccount[]> {
    if (selection.mode === 'self') return [];
    if (selection.mode === 'organization')
      return this.collect(paginateListAccounts({ client: this.client, pageSize: PAGE_SIZE }, {}));
    const found = new Map<string, OrganizationAccount>();
    const underParents = await mapWithConcurrency([...selection.parentIds], WALK_CONCURRENCY, (parent) =>
      this.accountsUnder(parent),
    );
    for (const account of underParents.flat()) found.set(account.id, account);
    const named = selection.accountIds.filter((id) => !found.has(id));
    const described = await mapWithConcurrency(named, WALK_CONCURRENCY, (id) => this.describe(id));
    for (const account of described) if (account) found.set(account.id, account);
    return [...found.values()];
  }

  /** The accounts under an OU or root, nested OUs included. */
  private async accountsUnder(parentId: string): Promise<OrganizationAccount[]> {
    const direct = await this.collect(
      paginateListAccountsForParent({ client: this.client, pageSize: PAGE_SIZE }, { ParentId: parentId }),
    );
    const children: string[] = [];
    for await (const page of paginateListOrganizationalUnitsForParent(
      { client: this.client, pageSize: PAGE_SIZE },
      { ParentId: parentId },
    )) {
      for (const unit of page.OrganizationalUnits ?? []) if (unit.Id) children.push(unit.Id);
    }
    const nested = await mapWithConcurrency(children, WALK_CONCURRENCY, (child) => this.accountsUnder(child));
    return [...direct, ...nested.flat()];
  }

  private async describe(accountId: string): Promise<OrganizationAccount | undefined> {
    try {
      const { Account: account } = await this.client.send(
        new DescribeAccountCommand({ AccountId: accountId }),
      );
      return account && fromAccount(account);
    } catch (error) {
      if ((error as Error).name === 'AccountNotFoundException') return undefined;
      throw error;
    }
  }

  private async collect(pages: AsyncIterable<{ Accounts?: Account[] }>): Promise<OrganizationAccount[]> {
    const accounts: OrganizationAccount[] = [];
    for await (const page of pages) {
      for (const account of page.Accounts ?? []) {
        const read = fromAccount(account);
        if (read) accounts.push(read);
      }
    }
    return accounts;
  }
}
