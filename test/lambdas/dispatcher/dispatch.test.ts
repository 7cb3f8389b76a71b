import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { OrganizationAccount } from '../../../lambdas/domain/accounts';
import type { PollUnit } from '../../../lambdas/domain/unit';
import { type DispatchDependencies, runDispatch } from '../../../lambdas/dispatcher/dispatch';
import type { DispatcherConfig } from '../../../lambdas/shared/config';
import { memoryCoverage } from '../../support/memory-coverage';

const SELF = '999999999999';
const config: DispatcherConfig = {
  tableName: 't',
  queueUrl: 'q',
  account: SELF,
  accounts: { mode: 'organization' },
  excludeAccounts: ['777777777777'],
  regions: ['us-east-1', 'eu-west-1'],
  memberRoleName: 'reader',
  pollIntervalSeconds: 60,
};

function harness(listed: OrganizationAccount[], regions: Record<string, string[] | Error> = {}) {
  const coverage = memoryCoverage();
  const stored = coverage.stored;
  const sent: PollUnit[][] = [];
  const metrics = new Metrics({ namespace: 'Test' });
  const metric = jest.spyOn(metrics, 'addMetric');
  let clock = new Date('2026-12-02T12:00:00Z');
  const calls = Object.assign(coverage.calls, { accountsOf: 0, enabledRegions: 0 });
  const deps: DispatchDependencies = {
    accountsOf: async () => {
      calls.accountsOf += 1;
      return listed;
    },
    enabledRegions: async (account) => {
      calls.enabledRegions += 1;
      const answer = regions[account] ?? ['us-east-1'];
      if (answer instanceof Error) throw answer;
      return answer;
    },
    coverage: coverage.store,
    send: async (units) => {
      sent.push([...units]);
    },
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics,
    now: () => clock,
  };
  return {
    deps,
    stored,
    sent,
    calls,
    metric,
    advance(ms: number) {
      clock = new Date(clock.getTime() + ms);
    },
  };
}

it('sends one unit per active account and Region, reading Organizations every cycle', async () => {
  const organization: OrganizationAccount[] = [
    { id: '111111111111', name: 'prod', state: 'ACTIVE' },
    { id: '222222222222', name: 'gone', state: 'SUSPENDED' },
    { id: '777777777777', name: 'excluded', state: 'ACTIVE' },
  ];
  const h = harness(organization);

  const first = await runDispatch(config, h.deps);
  organization.push({ id: '333333333333', name: 'joined', state: 'ACTIVE' });
  h.advance(60_000);
  const second = await runDispatch(config, h.deps);

  expect(first.units.map((unit) => `${unit.account}#${unit.region}#${unit.accountName}`)).toEqual([
    '111111111111#us-east-1#prod',
    '111111111111#eu-west-1#prod',
  ]);
  expect(second.units.map((unit) => unit.account)).toEqual([
    '111111111111',
    '111111111111',
    '333333333333',
    '333333333333',
  ]);
  expect(h.calls.accountsOf).toBe(2);
  expect(h.stored.get('222222222222')?.failure).toMatchObject({
    kind: 'account-inactive',
    code: 'SUSPENDED',
  });
  expect(h.stored.has('777777777777')).toBe(false);
  // Each cycle reports the account it sent no unit for, with its failure, written or not.
  for (const report of [first, second]) {
    expect(report.failures).toEqual([
      {
        account: '222222222222',
        name: 'gone',
        failure: expect.objectContaining({ kind: 'account-inactive', code: 'SUSPENDED' }),
      },
    ]);
  }
  expect(h.metric).toHaveBeenCalledWith('UnmonitoredAccounts', 'Count', 1);
});

it('writes coverage only when it changes: a second idle cycle writes nothing', async () => {
  const h = harness([{ id: '111111111111', name: 'prod', state: 'ACTIVE' }]);

  await runDispatch(config, h.deps);
  const afterFirst = h.calls.puts;
  h.advance(60_000);
  const report = await runDispatch(config, h.deps);

  expect(afterFirst).toBe(1);
  expect(report.coverageWrites).toBe(0);
});

it("hands each unit the account's coverage as it stands after the dispatch, written or stored", async () => {
  const h = harness([{ id: '111111111111', name: 'prod', state: 'ACTIVE' }]);

  const first = await runDispatch(config, h.deps);
  h.advance(60_000);
  const second = await runDispatch(config, h.deps);

  // First cycle: the item it wrote; second: the stored one, unchanged.
  expect(first.units.map((unit) => unit.coverage)).toEqual([
    h.stored.get('111111111111'),
    h.stored.get('111111111111'),
  ]);
  expect(second.units[0]?.coverage).toEqual(h.stored.get('111111111111'));
  expect(h.sent[1]?.[0]?.coverage?.name).toBe('prod');
});

it('polls the deployment account alone with accounts=self, without Organizations', async () => {
  const h = harness([]);

  const report = await runDispatch({ ...config, accounts: { mode: 'self' } }, h.deps);

  expect(h.calls.accountsOf).toBe(0);
  expect(report.units.map((unit) => unit.account)).toEqual([SELF, SELF]);
});

it("reads enabled Regions daily, and records a missing role as the account's failure with no unit", async () => {
  const denied = Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
  const h = harness(
    [
      { id: '111111111111', state: 'ACTIVE' },
      { id: '333333333333', state: 'ACTIVE' },
    ],
    { '111111111111': ['eu-west-1', 'us-east-1'], '333333333333': denied },
  );
  const enabled = { ...config, regions: 'enabled' as const };

  const first = await runDispatch(enabled, h.deps);
  h.advance(60 * 60_000);
  await runDispatch(enabled, h.deps);
  h.advance(24 * 60 * 60_000);
  await runDispatch(enabled, h.deps);

  expect(first.units.map((unit) => `${unit.account}#${unit.region}`)).toEqual([
    '111111111111#eu-west-1',
    '111111111111#us-east-1',
  ]);
  // 111… read on the first cycle and a day later; 333… tried every cycle until its role exists.
  expect(h.calls.enabledRegions).toBe(5);
  expect(h.stored.get('333333333333')?.failure).toMatchObject({ kind: 'role-missing', code: 'AccessDenied' });
  expect(first.unmonitored).toBe(1);
});
