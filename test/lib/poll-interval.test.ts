// The poll interval read from the schedule, and the window of the "poller not running" alarm:
// at least 15 minutes, at least three intervals, within CloudWatch's one-day evaluation limit.
import { Duration } from 'aws-cdk-lib';
import { lastingWindowOf, parsePollInterval, pollIntervalOf, silenceWindowOf } from '../../lib/poll-interval';
import { SettingsError } from '../../lib/settings';

describe('pollIntervalOf', () => {
  it.each([
    ['rate(1 minute)', 1],
    ['rate(5 minutes)', 5],
    ['rate(1 hour)', 60],
    ['rate(12 hours)', 720],
    ['rate(1 day)', 1440],
    ['cron(* * * * ? *)', 1],
    ['cron(0/5 * * * ? *)', 5],
    ['cron(*/10 * ? * * *)', 10],
    // 0, 7, ..., 56, then 0: the longest gap is 7.
    ['cron(0/7 * * * ? *)', 7],
    // 30 and 50, then 30 the next hour: the longest gap is 40.
    ['cron(30/20 * * * ? *)', 40],
    ['cron(15 * * * ? *)', 60],
  ])('reads %s as every %i minutes', (expression, minutes) => {
    expect(pollIntervalOf(expression)?.toMinutes()).toBe(minutes);
  });

  it.each([
    'cron(0 8 ? * MON-FRI *)',
    'cron(0 */2 * * ? *)',
    'cron(0,30 * * * ? *)',
    'cron(0/5 8-17 * * ? *)',
    'cron(0/5 * * * ? 2030)',
    'cron(0/5 * 1 * ? *)',
    'at(2030-01-01T00:00:00)',
  ])('has no fixed interval for %s', (expression) => {
    expect(pollIntervalOf(expression)).toBeUndefined();
  });
});

describe('silenceWindowOf', () => {
  it.each([
    // interval, period, evaluation periods: periods of max(5 min, 3 × interval), at least 15 min in all.
    [1, 5, 3],
    [2, 6, 3],
    [4, 12, 2],
    [5, 15, 1],
    [10, 30, 1],
    [60, 180, 1],
    [8 * 60, 1440, 1],
    // Capped at one day, which still holds two polls.
    [12 * 60, 1440, 1],
  ])('every %i minutes: %i-minute periods, %i of them', (interval, period, evaluationPeriods) => {
    const window = silenceWindowOf(Duration.minutes(interval));

    expect(window?.period.toMinutes()).toBe(period);
    expect(window?.evaluationPeriods).toBe(evaluationPeriods);
    expect(period * evaluationPeriods).toBeGreaterThanOrEqual(Math.max(15, Math.min(3 * interval, 1440)));
  });

  it('watches nothing longer than 12 hours: one day would hold a single poll', () => {
    expect(silenceWindowOf(Duration.hours(13))).toBeUndefined();
    expect(silenceWindowOf(Duration.days(1))).toBeUndefined();
  });
});

describe('lastingWindowOf', () => {
  it.each([
    // lasting, interval (undefined: not known), period, evaluation periods: periods of two
    // intervals (at least 5 minutes), at least two of them, covering what must not last.
    [60, undefined, 5, 12],
    [60, 1, 5, 12],
    [60, 5, 10, 6],
    [60, 15, 30, 2],
    [60, 60, 120, 2],
    [60, 12 * 60, 1440, 1],
    [15, undefined, 5, 3],
    [15, 1, 5, 3],
    [15, 5, 10, 2],
    [15, 15, 30, 2],
  ])(
    '%i minutes, polls every %s minutes: %i-minute periods, %i of them',
    (lasting, interval, period, count) => {
      const window = lastingWindowOf(
        interval === undefined ? undefined : Duration.minutes(interval),
        Duration.minutes(lasting),
      );

      expect(window.period.toMinutes()).toBe(period);
      expect(window.evaluationPeriods).toBe(count);
    },
  );

  it('watches an hour unless told otherwise', () => {
    expect(lastingWindowOf(Duration.minutes(5))).toEqual(
      lastingWindowOf(Duration.minutes(5), Duration.hours(1)),
    );
  });
});

describe('parsePollInterval', () => {
  it('accepts whole minutes from 1 minute to 12 hours', () => {
    expect(parsePollInterval(Duration.minutes(1)).toMinutes()).toBe(1);
    expect(parsePollInterval(Duration.hours(12)).toMinutes()).toBe(720);
  });

  it.each([Duration.seconds(30), Duration.seconds(90), Duration.hours(13)])(
    'rejects %s naming the prop',
    (interval) => {
      expect(() => parsePollInterval(interval)).toThrow(SettingsError);
      expect(() => parsePollInterval(interval)).toThrow(
        /^expectedPollInterval: .* is not valid; allowed: whole minutes from 1 minute to 12 hours$/,
      );
    },
  );
});
