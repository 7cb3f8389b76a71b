import { renderAccounts } from '../../cli/commands/accounts';
import type { AccountCoverage } from '../../lambdas/domain/coverage';

const ACCOUNTS: AccountCoverage[] = [
  {
    account: '333333333333',
    name: 'no-role',
    regions: ['us-east-1'],
    failure: { kind: 'role-missing', code: 'AccessDenied', message: 'x', at: '2026-12-02T12:00:00.000Z' },
    writtenAt: '2026-12-02T12:00:00.000Z',
  },
  {
    account: '111111111111',
    name: 'prod',
    regions: ['us-east-1', 'af-south-1'],
    lastCompletePollAt: '2026-12-02T12:01:00.000Z',
    failure: {
      kind: 'region-not-enabled',
      code: 'AuthFailure',
      region: 'af-south-1',
      message: 'x',
      at: '2026-12-02T12:01:00.000Z',
    },
    writtenAt: '2026-12-02T12:01:00.000Z',
  },
];

it('shows each account with its coverage, Regions, last complete poll and last failure', () => {
  const text = renderAccounts(ACCOUNTS, { color: false });

  expect(text.split('\n')).toEqual([
    'ACCOUNT       NAME     COVERAGE     REGIONS               LAST COMPLETE POLL        LAST FAILURE',
    '111111111111  prod     partial      us-east-1,af-south-1  2026-12-02T12:01:00.000Z  AuthFailure in af-south-1 (region-not-enabled) at 2026-12-02T12:01:00.000Z',
    '333333333333  no-role  UNMONITORED  us-east-1             never                     AccessDenied (role-missing) at 2026-12-02T12:00:00.000Z',
  ]);
});

it('says when there is no coverage at all', () => {
  expect(renderAccounts([], { color: false })).toMatch(/^No account coverage recorded/);
});

it('colours like the other tables, and not at all with --no-color', () => {
  const header =
    'ACCOUNT       NAME     COVERAGE     REGIONS               LAST COMPLETE POLL        LAST FAILURE';

  expect(renderAccounts(ACCOUNTS, { color: true }).split('\n')[0]).toBe(`\u001b[1m${header}\u001b[0m`);
  expect(renderAccounts(ACCOUNTS, { color: false })).not.toContain('\u001b[');
});
