// The poller's invocation with detection within seconds: the poll its trigger asks for (every
// listing on the schedule, the one listing of a task-creating API call), then, while listings hold
// unfinished tasks, a re-poll of just those listings every `fastPollSeconds`, until the next
// scheduled run is due. Every poll goes through the same listing, diff and conditional-write code
// (`pollListings`): an unchanged re-poll matches the listing's fingerprint and reads and writes
// nothing, a change is recorded once, and the polls of an invocation run one after another, so with
// the poller's reserved concurrency of 1 no two polls of one listing ever overlap.
import {
  FAST_POLL_ALLOWANCE_MS,
  fastPollWindow,
  type FastPollWindow,
  nextFastPollAt,
  type Trigger,
  triggerOf,
} from '../domain/fast-poll';
import type { PollerConfig, PollSettings } from '../shared/config';
import {
  type ListingScope,
  type PollDependencies,
  type PollReport,
  pollListings,
  runPollCycle,
} from './poll-cycle';

/** What the adaptive invocation needs besides what every poll needs. */
export interface AdaptivePollDependencies extends PollDependencies {
  /** Waits; the handler's is a timer, a test's moves its clock. */
  sleep(ms: number): Promise<void>;
  /** What the container remembers of the schedule: the last scheduled time it ran (API calls count their period from it). */
  schedule: { lastScheduledAt?: Date };
}

/** The invocation's report: its first poll's, with every fast re-poll after it. */
export interface AdaptivePollReport extends PollReport {
  trigger: Trigger['kind'];
  /** The re-polls of the listings with unfinished tasks, in order; empty at rest. */
  fastPolls: PollReport[];
}

/** The listings of a report still holding unfinished tasks (a failed listing is left to the next scheduled poll). */
export function unfinishedListings(report: PollReport): ListingScope[] {
  return report.listings
    .filter((listing) => listing.ok && listing.unfinished > 0)
    .map(({ account, region, taskType }) => ({ unit: { account, region }, taskType }));
}

/**
 * Runs one invocation of the poller for its event: a scheduled or one-off invocation polls every
 * listing; an API call's polls its listing (when it is one the poller watches). Then, unless
 * `fastPollSeconds` is off or the invocation is a one-off, re-polls the listings with unfinished
 * tasks at each whole `fastPollSeconds` of the period, while one fits before the next scheduled run.
 */
export async function runAdaptivePoll(
  event: unknown,
  config: PollerConfig,
  deps: AdaptivePollDependencies,
): Promise<AdaptivePollReport> {
  const trigger = triggerOf(event);
  const first =
    trigger.kind === 'api-call'
      ? await pollListings(watchedListing(trigger, config), config, deps, { fastPoll: true })
      : await runPollCycle(config, deps);
  const report: AdaptivePollReport = { ...first, trigger: trigger.kind, fastPolls: [] };
  if (trigger.kind === 'once' || config.fastPollSeconds === undefined) return report;
  const window = fastPollWindow(
    trigger,
    deps.now(),
    { fastPollSeconds: config.fastPollSeconds, pollIntervalSeconds: config.pollIntervalSeconds },
    deps.schedule.lastScheduledAt,
  );
  if (trigger.kind === 'schedule') deps.schedule.lastScheduledAt = trigger.scheduledAt;
  report.fastPolls = await fastPolls(unfinishedListings(first), window, config, deps);
  return report;
}

/** The API call's listing, when the poller watches its account, Region and task type; else none. */
function watchedListing(
  trigger: Extract<Trigger, { kind: 'api-call' }>,
  config: PollerConfig,
): ListingScope[] {
  const watched =
    trigger.account === config.account &&
    config.regions.includes(trigger.region) &&
    config.taskTypes.includes(trigger.taskType);
  return watched
    ? [{ unit: { account: trigger.account, region: trigger.region }, taskType: trigger.taskType }]
    : [];
}

/**
 * Re-polls `listings` at each tick of the window while any holds unfinished tasks, one poll at a
 * time; each re-poll keeps only the listings still unfinished. Stops when no tick fits before the
 * window's end or the invocation's time. The poller's invocation and the worker's unit both use it.
 */
export async function fastPolls(
  listings: ListingScope[],
  window: FastPollWindow,
  config: PollSettings,
  deps: PollDependencies & Pick<AdaptivePollDependencies, 'sleep'>,
): Promise<PollReport[]> {
  const reports: PollReport[] = [];
  let hot = listings;
  while (hot.length > 0) {
    const now = deps.now().getTime();
    const tick = nextFastPollAt(window, now);
    if (tick === undefined) break;
    // The invocation's own time: the re-poll must end well inside it, as it must end before the window.
    const wait = tick - now;
    if (deps.remainingMs() - wait < FAST_POLL_ALLOWANCE_MS) break;
    if (wait > 0) await deps.sleep(wait);
    const endsAt = window.end;
    const report = await pollListings(
      hot,
      config,
      {
        ...deps,
        remainingMs: () => Math.min(deps.remainingMs(), endsAt - deps.now().getTime()),
      },
      { fastPoll: true },
    );
    reports.push(report);
    hot = unfinishedListings(report);
  }
  return reports;
}
