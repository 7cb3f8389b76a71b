// The dispatcher given CloudTrail's record of a task-creating call (cloudTrailTrigger in
// organization mode): one unit for a watched account and Region, in the unit's group, deduplicated
// by the event; nothing for an excluded, unknown, inactive or no longer watched account, a Region
// not watched, or a malformed record, which never starts a cycle either.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { AccountCoverage } from '../../../lambdas/domain/coverage';
import { type PollUnit, unitDeduplicationId, unitGroupId } from '../../../lambdas/domain/unit';
import { isApiCallEvent, runTrigger, type TriggerDependencies } from '../../../lambdas/dispatcher/trigger';
import type { DispatcherConfig } from '../../../lambdas/shared/config';
import { memoryCoverage } from '../../support/memory-coverage';

const PROD = '111111111111';
const EXCLUDED = '777777777777';
const config: DispatcherConfig = {
  tableName: 't',
  queueUrl: 'q',
  account: '999999999999',
  accounts: { mode: 'organization' },
  excludeAccounts: [EXCLUDED],
  regions: ['us-east-1', 'eu-west-1'],
  memberRoleName: 'reader',
  pollIntervalSeconds: 60,
};
const NOW = '2026-12-02T12:03:17.250Z';

/** CloudTrail's record of an ImportImage call, as a member account's rule forwards it. */
function importImageCall(account: string, region: string, detail: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: '6f1c2a47-5b9e-4e3f-a3a0-1d2c3b4a5e6f',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account,
    time: '2026-12-02T12:03:15Z',
    region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      eventTime: '2026-12-02T12:03:15Z',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'ImportImage',
      awsRegion: region,
      requestID: '0c7d5a3e-2b1f-4e6a-9d8c-7b6a5f4e3d2c',
      eventID: '3f1e9d2c-8b7a-4c6d-95e4-a3b2c1d0e9f8',
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
      ...detail,
    },
  };
}

function harness(stored: AccountCoverage[], lastCycleStart?: string) {
  const coverage = memoryCoverage(new Map(stored.map((item) => [item.account, item])));
  const sent: PollUnit[][] = [];
  const deps: TriggerDependencies = {
    coverage: coverage.store,
    send: async (units) => {
      sent.push([...units]);
    },
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'Test' }),
    now: () => new Date(NOW),
    ...(lastCycleStart ? { lastCycleStart: new Date(lastCycleStart) } : {}),
  };
  return { deps, sent, calls: coverage.calls };
}

/** Prod's coverage as the last cycle left it: both Regions watched. */
const prod: AccountCoverage = {
  account: PROD,
  name: 'prod',
  regions: ['us-east-1', 'eu-west-1'],
  lastCompletePollAt: '2026-12-02T12:03:01.000Z',
  writtenAt: '2026-12-02T09:00:00.000Z',
};

it('queues one unit of the watched account and Region, polling the call’s type, in the unit’s group', async () => {
  const h = harness([prod], '2026-12-02T12:03:02.000Z');

  const report = await runTrigger(importImageCall(PROD, 'eu-west-1'), config, h.deps);

  const unit: PollUnit = {
    account: PROD,
    accountName: 'prod',
    region: 'eu-west-1',
    // The period the call is handled in began at this container's last dispatch.
    cycleStart: '2026-12-02T12:03:02.000Z',
    trigger: {
      taskType: 'import-image',
      call: 'ImportImage',
      eventId: '3f1e9d2c-8b7a-4c6d-95e4-a3b2c1d0e9f8',
    },
  };
  expect(report).toEqual({ unit });
  expect(h.sent).toEqual([[unit]]);
  expect(unitGroupId(unit)).toBe(`${PROD}#eu-west-1`);
  expect(unitDeduplicationId(unit)).toBe(`${PROD}#eu-west-1#3f1e9d2c-8b7a-4c6d-95e4-a3b2c1d0e9f8`);
  // One GetItem, no coverage write.
  expect(h.calls).toMatchObject({ loads: 1, puts: 0 });
});

it('counts the period from the whole minute when this container has dispatched no cycle yet', async () => {
  const h = harness([prod]);

  const report = await runTrigger(importImageCall(PROD, 'us-east-1'), config, h.deps);

  expect(report.unit?.cycleStart).toBe('2026-12-02T12:03:00.000Z');
});

it.each([
  ['an excluded account, without reading its coverage', EXCLUDED, 'us-east-1', [prod], 'excluded', 0],
  ['an account the monitor never watched', '222222222222', 'us-east-1', [prod], 'unknown-account', 1],
  [
    'an account Organizations reported inactive',
    PROD,
    'us-east-1',
    [
      {
        ...prod,
        failure: {
          kind: 'account-inactive' as const,
          code: 'SUSPENDED',
          message: 'suspended',
          at: '2026-12-02T12:03:00.000Z',
        },
      },
    ],
    'account-inactive',
    1,
  ],
  [
    'an account no cycle renewed for over a day',
    PROD,
    'us-east-1',
    [{ ...prod, writtenAt: '2026-12-01T12:00:00.000Z' }],
    'no-longer-watched',
    1,
  ],
  ['a Region the last cycle did not watch', PROD, 'ap-southeast-2', [prod], 'region-not-watched', 1],
])('sends nothing for %s', async (_name, account, region, stored, reason, loads) => {
  const h = harness(stored);

  const report = await runTrigger(importImageCall(account, region), config, h.deps);

  expect(report).toEqual({ skipped: reason });
  expect(h.sent).toEqual([]);
  expect(h.calls).toMatchObject({ loads, puts: 0 });
});

it.each([
  ['a call that failed', importImageCall(PROD, 'us-east-1', { errorCode: 'Client.InvalidParameter' })],
  [
    'a call that creates no task',
    importImageCall(PROD, 'us-east-1', { eventName: 'DescribeImportImageTasks' }),
  ],
  ['a record without an event id', importImageCall(PROD, 'us-east-1', { eventID: undefined })],
  ['a record without a detail', { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ec2' }],
])('ignores %s: no read, no unit, no cycle', async (_name, event) => {
  const h = harness([prod]);

  const report = await runTrigger(event, config, h.deps);

  expect(isApiCallEvent(event)).toBe(true);
  expect(report).toEqual({ skipped: 'malformed' });
  expect(h.sent).toEqual([]);
  expect(h.calls.loads).toBe(0);
});

it('tells a CloudTrail record from the schedule’s event and from `poll --once`', () => {
  expect(isApiCallEvent(importImageCall(PROD, 'us-east-1'))).toBe(true);
  expect(isApiCallEvent({ 'detail-type': 'Scheduled Event', time: NOW })).toBe(false);
  expect(isApiCallEvent(undefined)).toBe(false);
});
