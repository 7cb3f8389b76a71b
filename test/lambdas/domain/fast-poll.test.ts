import {
  creatingCallsOf,
  FAST_POLL_ALLOWANCE_MS,
  fastPollWindow,
  nextFastPollAt,
  TASK_CREATING_CALLS,
  triggerOf,
} from '../../../lambdas/domain/fast-poll';
import { TASK_TYPE_NAMES } from '../../../lambdas/domain/task';

const T = Date.parse('2026-12-02T20:00:00.000Z');
const pace = { fastPollSeconds: 15, pollIntervalSeconds: 60 };

describe('TASK_CREATING_CALLS', () => {
  it('names a creating call for every task type, the Mac one by its API name', () => {
    expect(new Set(Object.values(TASK_CREATING_CALLS))).toEqual(new Set(TASK_TYPE_NAMES));
    expect(TASK_CREATING_CALLS.CreateMacSystemIntegrityProtectionModificationTask).toBe('mac-modification');
    expect(creatingCallsOf(['conversion'])).toEqual(['ImportInstance', 'ImportVolume']);
  });
});

describe('triggerOf', () => {
  it('reads a scheduled event by its scheduled time', () => {
    expect(triggerOf({ 'detail-type': 'Scheduled Event', time: '2026-12-02T20:00:00Z' })).toEqual({
      kind: 'schedule',
      scheduledAt: new Date(T),
    });
  });

  it('reads a task-creating call, the account and Region it was made in', () => {
    const event = {
      'detail-type': 'AWS API Call via CloudTrail',
      account: '111111111111',
      region: 'us-east-1',
      detail: { eventName: 'ImportVolume', awsRegion: 'eu-west-1', recipientAccountId: '222222222222' },
    };
    expect(triggerOf(event)).toEqual({
      kind: 'api-call',
      account: '222222222222',
      region: 'eu-west-1',
      taskType: 'conversion',
      call: 'ImportVolume',
    });
  });

  it.each([
    ['no event', undefined],
    ['a scheduled event without a time', { 'detail-type': 'Scheduled Event' }],
    [
      'a call that failed',
      {
        'detail-type': 'AWS API Call via CloudTrail',
        account: '111111111111',
        region: 'us-east-1',
        detail: { eventName: 'ImportImage', errorCode: 'Client.InvalidParameter' },
      },
    ],
    [
      'a call that creates no task',
      {
        'detail-type': 'AWS API Call via CloudTrail',
        account: '1',
        region: 'r',
        detail: { eventName: 'RunInstances' },
      },
    ],
  ])('reads %s as a one-off poll', (_, event) => {
    expect(triggerOf(event)).toEqual({ kind: 'once' });
  });
});

describe('nextFastPollAt', () => {
  const window = fastPollWindow({ kind: 'schedule', scheduledAt: new Date(T) }, new Date(T + 700), pace);

  it('falls on whole fastPollSeconds of the period, the last one leaving its allowance before the next run', () => {
    expect(window).toEqual({ start: T, end: T + 60_000, everyMs: 15_000 });
    expect(nextFastPollAt(window, T + 700)).toBe(T + 15_000);
    expect(nextFastPollAt(window, T + 15_000)).toBe(T + 30_000);
    expect(nextFastPollAt(window, T + 44_000)).toBe(T + 45_000);
    expect(nextFastPollAt(window, T + 45_001)).toBeUndefined();
    expect(T + 45_000 + FAST_POLL_ALLOWANCE_MS).toBeLessThanOrEqual(window.end);
  });

  it('skips the ticks a long re-poll overran instead of doubling up', () => {
    expect(nextFastPollAt(window, T + 33_000)).toBe(T + 45_000);
  });
});

describe('fastPollWindow of an API call', () => {
  it('counts re-polls from the call’s own poll and ends where the period seen last by the container ends', () => {
    const lastScheduledAt = new Date(T + 2_000);
    const window = fastPollWindow(
      { kind: 'api-call', account: '1', region: 'r', taskType: 'bundle', call: 'BundleInstance' },
      new Date(T + 130_000),
      pace,
      lastScheduledAt,
    );
    expect(window).toEqual({ start: T + 130_000, end: T + 182_000, everyMs: 15_000 });
    expect(nextFastPollAt(window, T + 130_000)).toBe(T + 145_000);
    expect(nextFastPollAt(window, T + 160_000)).toBe(T + 175_000);
    expect(nextFastPollAt(window, T + 175_000)).toBeUndefined();
  });
});
