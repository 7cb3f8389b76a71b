import {
  AccountNotFoundException,
  DescribeAccountCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { OrganizationDirectory } from '../../../lambdas/adapters/organization';

const organizations = mockClient(OrganizationsClient);
const directory = () => new OrganizationDirectory(new OrganizationsClient({ region: 'us-east-1' }));

beforeEach(() => organizations.reset());

it('lists the whole organization page by page, with State and the retired Status', async () => {
  organizations
    .on(ListAccountsCommand, {})
    .resolves({ Accounts: [{ Id: '111111111111', Name: 'a', State: 'ACTIVE' }], NextToken: 'next' })
    .on(ListAccountsCommand, { NextToken: 'next' })
    .resolves({ Accounts: [{ Id: '222222222222', Name: 'b', Status: 'SUSPENDED' }] });

  const accounts = await directory().accountsOf({ mode: 'organization' });

  expect(accounts).toEqual([
    { id: '111111111111', name: 'a', state: 'ACTIVE', status: undefined },
    { id: '222222222222', name: 'b', state: undefined, status: 'SUSPENDED' },
  ]);
  expect(organizations).toHaveReceivedCommandTimes(ListAccountsCommand, 2);
});

it('walks an OU recursively and describes only the named accounts not found under it', async () => {
  organizations
    .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-11111111' })
    .resolves({ Accounts: [{ Id: '111111111111', State: 'ACTIVE' }] })
    .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-22222222' })
    .resolves({ Accounts: [{ Id: '222222222222', State: 'ACTIVE' }] })
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-ab12-11111111' })
    .resolves({ OrganizationalUnits: [{ Id: 'ou-ab12-22222222' }] })
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-ab12-22222222' })
    .resolves({ OrganizationalUnits: [] })
    .on(DescribeAccountCommand, { AccountId: '333333333333' })
    .resolves({ Account: { Id: '333333333333', Name: 'named', State: 'ACTIVE' } })
    .on(DescribeAccountCommand, { AccountId: '444444444444' })
    .rejects(new AccountNotFoundException({ message: 'gone', $metadata: {} }));

  const accounts = await directory().accountsOf({
    mode: 'list',
    accountIds: ['222222222222', '333333333333', '444444444444'],
    parentIds: ['ou-ab12-11111111'],
  });

  expect(accounts.map((account) => account.id).sort()).toEqual([
    '111111111111',
    '222222222222',
    '333333333333',
  ]);
  // 222… was under the OU: not described again.
  expect(organizations).toHaveReceivedCommandTimes(DescribeAccountCommand, 2);
});

it('lets other Organizations errors through (the dispatcher reports them)', async () => {
  organizations
    .on(ListAccountsCommand)
    .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

  await expect(directory().accountsOf({ mode: 'organization' })).rejects.toThrow('denied');
});

it('reads nothing for self', async () => {
  expect(await directory().accountsOf({ mode: 'self' })).toEqual([]);
  expect(organizations.calls()).toHaveLength(0);
});
