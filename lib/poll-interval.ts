// How often the poller runs, read from its schedule expression, and the window the "poller not
// running" alarm watches: long enough that a silent window means the poller stopped, not that a
// poll was merely late. Pure: Durations in, Durations out.
import { Duration } from 'aws-cdk-lib';
import { fail } from './settings/settings-error';

/** Length of the alarm periods; also the shortest period of the "not running" alarm. */
export const ALARM_PERIOD = Duration.minutes(5);

/** The "not running" alarm fires only after at least this long without a poll. */
const MIN_SILENCE = Duration.minutes(15);

/**
 * Longest poll interval the "not running" alarm can watch: CloudWatch evaluates at most one day
 * of data, and a one-day window must hold at least two polls so that one late poll is not an alarm.
 */
export const MAX_WATCHED_INTERVAL = Duration.hours(12);

const DAY_MINUTES = 24 * 60;
const UNIT_MINUTES: Readonly<Record<string, number>> = { minute: 1, hour: 60, day: DAY_MINUTES };
const RATE = /^rate\((\d+) (minute|hour|day)s?\)$/;
const STEP = /^(\*|\d+)\/(\d+)$/;

/** Longest gap between two firings of a minute field (`*`, `0/N`, `*\/N`, `M/N` or `M`) repeated every hour. */
function minuteFieldGap(field: string): number | undefined {
  if (field === '*') return 1;
  if (/^\d+$/.test(field)) return Number(field) < 60 ? 60 : undefined;
  const step = STEP.exec(field);
  if (!step) return undefined;
  const start = step[1] === '*' ? 0 : Number(step[1]);
  const every = Number(step[2]);
  if (start > 59 || every < 1) return undefined;
  // From the last firing of an hour to the first of the next one.
  const fired = Math.floor((59 - start) / every);
  return Math.max(every, 60 - fired * every);
}

/**
 * The longest expected gap between two polls, read from an EventBridge schedule expression:
 * `rate(N unit)`, or a cron expression that fires every hour at fixed minutes (`cron(0/5 * * * ? *)`,
 * `cron(15 * * * ? *)`). Undefined for any other cron, whose gaps cannot be read without a calendar.
 */
export function pollIntervalOf(expression: string): Duration | undefined {
  const rate = RATE.exec(expression.trim());
  if (rate) return Duration.minutes(Number(rate[1]) * (UNIT_MINUTES[rate[2] as string] as number));
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (!cron) return undefined;
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = (cron[1] as string).trim().split(/\s+/);
  const anyDay = (field?: string) => field === '*' || field === '?';
  if (hours !== '*' || month !== '*' || year !== '*' || !anyDay(dayOfMonth) || !anyDay(dayOfWeek))
    return undefined;
  const gap = minuteFieldGap(minutes ?? '');
  return gap === undefined ? undefined : Duration.minutes(gap);
}

/**
 * Validates an expected poll interval given as a construct prop: whole minutes, from one minute
 * to {@link MAX_WATCHED_INTERVAL}.
 */
export function parsePollInterval(interval: Duration): Duration {
  const seconds = interval.toSeconds();
  if (seconds % 60 !== 0 || seconds < 60 || seconds > MAX_WATCHED_INTERVAL.toSeconds()) {
    fail(
      'expectedPollInterval',
      `${interval.toHumanString()} is not valid`,
      'whole minutes from 1 minute to 12 hours',
    );
  }
  return interval;
}

/** How the "not running" alarm reads Invocations. */
export interface SilenceWindow {
  /** Period of each datapoint. */
  readonly period: Duration;
  /** Consecutive periods without an invocation before the alarm fires. */
  readonly evaluationPeriods: number;
}

/**
 * The window of the "not running" alarm for a poll interval: periods of max(5 minutes,
 * 3 × interval), as many as make at least 15 minutes, with the period capped at one day (which
 * still holds two polls of an interval up to 12 hours). Undefined beyond {@link MAX_WATCHED_INTERVAL}.
 *
 * Examples: every minute → 3 periods of 5 minutes; every 5 minutes → 1 period of 15 minutes;
 * every hour → 1 period of 3 hours; every 12 hours → 1 period of one day.
 */
export function silenceWindowOf(interval: Duration): SilenceWindow | undefined {
  const minutes = interval.toMinutes();
  if (minutes < 1 || minutes > MAX_WATCHED_INTERVAL.toMinutes()) return undefined;
  const periodMinutes = Math.min(DAY_MINUTES, Math.max(ALARM_PERIOD.toMinutes(), 3 * minutes));
  return {
    period: Duration.minutes(periodMinutes),
    evaluationPeriods: Math.ceil(MIN_SILENCE.toMinutes() / periodMinutes),
  };
}

/** How an alarm on "lasts more than an hour" reads a metric that only the poller emits, one value per poll. */
export interface LastingWindow {
  /** Period of each datapoint: at least two poll intervals, so that every period holds a poll. */
  readonly period: Duration;
  /** Consecutive periods in which every poll must have seen the condition. */
  readonly evaluationPeriods: number;
}

/**
 * The window of the alarms on a condition that must not last longer than `lasting` (an hour
 * unless given), for a poll interval. A period without a poll is missing data, which must not
 * reset the count (or the alarm could never fire on a slow schedule), so each period spans two
 * intervals: a poll that lands a few seconds late, or a schedule phase on a period boundary, still
 * leaves one in every period. The periods together cover at least `lasting` (at least two of them),
 * capped at the one day CloudWatch evaluates. Undefined (no interval known) gives the every-minute
 * default: for an hour, 12 periods of 5 minutes.
 *
 * Examples for an hour: every minute → 12 periods of 5 minutes; every 5 minutes → 6 of 10 minutes;
 * every 15 minutes → 2 of 30 minutes; every hour → 2 of 2 hours; every 12 hours → 1 of one day.
 * For 15 minutes: every minute → 3 of 5 minutes; every 15 minutes → 2 of 30 minutes.
 */
export function lastingWindowOf(
  interval: Duration | undefined,
  lasting: Duration = Duration.hours(1),
): LastingWindow {
  const minutes = Math.min(MAX_WATCHED_INTERVAL.toMinutes(), interval?.toMinutes() ?? 1);
  const periodMinutes = Math.min(DAY_MINUTES, Math.max(ALARM_PERIOD.toMinutes(), 2 * minutes));
  const periodsLasting = Math.max(2, Math.ceil(lasting.toMinutes() / periodMinutes));
  return {
    period: Duration.minutes(periodMinutes),
    evaluationPeriods: Math.min(Math.floor(DAY_MINUTES / periodMinutes), periodsLasting),
  };
}
