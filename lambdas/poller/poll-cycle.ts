// The poller's use case: for every configured (Region, task type), read the complete listing,
// diff it against the stored snapshots and record each decision with a conditional write. A
// failure in one listing is reported and changes nothing for it; the others carry on.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  type ListingMarker,
  markerAfterListing,
  planListing,
  rebaselineStarted,
  trustPolicy,
} from '../domain/baseline';
import { BASELINE_REASONS, diffListing, type ListingDecision } from '../domain/changes';
import { buildEvent } from '../domain/event';
import type { TaskTypeName } from '../domain/task';
import { ListingError, listTasks } from '../adapters/task-lister';
import type { SnapshotStore, WriteOutcome } from '../adapters/snapshot-store';
import type { PollerConfig } from '../shared/config';
import { mapWithConcurrency } from '../shared/concurrency';
import { taskTypeDescriptor } from '../task-types';

/** Listings read at the same time. */
const LISTING_CONCURRENCY = 6;
/** Snapshot writes in flight per listing. */
const WRITE_CONCURRENCY = 8;
/** Share of the invocation's time kept for the writes of the last listings and the report... */
const RESERVE_FRACTION = 0.25;
/** ... and at least this much. */
const MIN_RESERVE_MS = 2_000;
const DAY_SECONDS = 86_400;

/** What the poll cycle needs from the outside world. */
export interface PollDependencies {
  ec2For(region: string): EC2Client;
  store: Pick<SnapshotStore, 'loadListing' | 'recordChange' | 'recordSilently' | 'putMarker'>;
  logger: Logger;
  metrics: Metrics;
  now(): Date;
  /** Milliseconds left in the invocation (Lambda's `getRemainingTimeInMillis`): the poll's time budget. */
  remainingMs(): number;
  /** Undocumented states already logged in this container, as `taskType:state`. */
  unknownStatesLogged: Set<string>;
}

/** Outcome of one (Region, task type). */
export interface ListingReport {
  region: string;
  taskType: TaskTypeName;
  ok: boolean;
  /** True when the listing was judged as a baseline: the first one, or a re-baseline after a gap. */
  baseline: boolean;
  /** True when that baseline followed a gap in complete listings longer than the trust window. */
  rebaseline: boolean;
  tasks: number;
  pages: number;
  skipped: number;
  changes: number;
  silentWrites: number;
  /** Writes another poll won; that poll records the change. */
  conflicts: number;
  /** Finished tasks a baseline saw whose record has not landed yet (judged as in a baseline until it does). */
  unsettled: number;
  error?: { code: string; message: string };
}

/** Outcome of a poll cycle. */
export interface PollReport {
  startedAt: string;
  durationMs: number;
  listings: ListingReport[];
  changes: number;
  failures: number;
  /** Objects listed without what identifies them, in all listings. */
  unidentified: number;
  /** Finished tasks baselines saw but could not record yet, in all listings. */
  unsettled: number;
}

/** Another poll changed the listing's marker while this one judged the listing. */
export class MarkerConflictError extends Error {
  constructor() {
    super('another poll is judging this listing; it is left to that poll this cycle');
    this.name = 'MarkerConflictError';
  }
}

/** Runs one poll cycle over every configured Region and task type. */
export async function runPollCycle(config: PollerConfig, deps: PollDependencies): Promise<PollReport> {
  const started = deps.now();
  const scopes = config.regions.flatMap((region) =>
    config.taskTypes.map((taskType) => ({ region, taskType })),
  );
  const listingTimeoutMs = listingShareMs(deps.remainingMs(), scopes.length);
  const listings = await mapWithConcurrency(scopes, LISTING_CONCURRENCY, ({ region, taskType }) =>
    pollListing(region, taskType, config, deps, started, listingTimeoutMs),
  );
  const durationMs = deps.now().getTime() - started.getTime();
  deps.metrics.addMetric('PollDuration', MetricUnit.Milliseconds, durationMs);
  const report: PollReport = {
    startedAt: started.toISOString(),
    durationMs,
    listings,
    changes: listings.reduce((sum, listing) => sum + listing.changes, 0),
    failures: listings.filter((listing) => !listing.ok).length,
    unidentified: listings.reduce((sum, listing) => sum + listing.skipped, 0),
    unsettled: listings.reduce((sum, listing) => sum + listing.unsettled, 0),
  };
  deps.metrics.addMetric('ChangesRecorded', MetricUnit.Count, report.changes);
  deps.metrics.addMetric('ListingFailures', MetricUnit.Count, report.failures);
  // Every poll, 0 included: the alarms fire when either stays above 0 for an hour.
  deps.metrics.addMetric('UnidentifiedTasks', MetricUnit.Count, report.unidentified);
  deps.metrics.addMetric('UnsettledBaselineTasks', MetricUnit.Count, report.unsettled);
  return report;
}

/**
 * The time one listing may take to read: the invocation's time, less a reserve for the writes of
 * the last listings and the report, shared among the rounds of listings read side by side. Even
 * if every endpoint hangs, every listing is abandoned in time and the poll completes and reports.
 */
export function listingShareMs(remainingMs: number, listings: number): number {
  const reserve = Math.max(MIN_RESERVE_MS, remainingMs * RESERVE_FRACTION);
  const rounds = Math.max(1, Math.ceil(listings / LISTING_CONCURRENCY));
  return Math.max(0, Math.floor((remainingMs - reserve) / rounds));
}

async function pollListing(
  region: string,
  taskType: TaskTypeName,
  config: PollerConfig,
  deps: PollDependencies,
  detectedAt: Date,
  listingTimeoutMs: number,
): Promise<ListingReport> {
  const report: ListingReport = {
    region,
    taskType,
    ok: false,
    baseline: false,
    rebaseline: false,
    tasks: 0,
    pages: 0,
    skipped: 0,
    changes: 0,
    silentWrites: 0,
    conflicts: 0,
    unsettled: 0,
  };
  const descriptor = taskTypeDescriptor(taskType);
  const policy = trustPolicy(config.retentionDays);
  try {
    // Snapshots first, listing second: a write another poll makes after this read bumps a
    // version, so a listing older than the stored state can only lose its conditional writes,
    // never overwrite newer state (or infer a disappearance from a listing taken before a task began).
    const { stored, marker: storedMarker } = await deps.store.loadListing(region, taskType);
    let marker: ListingMarker | undefined = storedMarker;
    // Until this listing is judged, what the marker says stays unsettled.
    report.unsettled = marker?.unsettled.length ?? 0;
    const plan = planListing(marker, detectedAt, policy);
    const listing = await listTasks(
      descriptor,
      deps.ec2For(region),
      { region, account: config.account },
      listingTimeoutMs,
    );
    Object.assign(report, {
      tasks: listing.tasks.length,
      pages: listing.pages,
      skipped: listing.skipped.length,
    });
    for (const skipped of listing.skipped) {
      deps.logger.warn('Skipped a task the API returned without what identifies it', {
        taskType,
        region,
        reason: skipped.reason,
      });
    }
    if (listing.skipped.length > 0) {
      const metric = deps.metrics.singleMetric();
      metric.addDimensions({ taskType });
      metric.addMetric('InvalidTasks', MetricUnit.Count, listing.skipped.length);
    }
    observeListing(listing.tasks, taskType, deps);

    report.baseline = plan.mode !== 'steady';
    report.rebaseline = plan.mode === 'rebaseline';
    if (plan.mode === 'rebaseline' && plan.starts && marker) {
      // Recorded before any snapshot is written, so that a retry of this re-baseline trusts what
      // this one wrote, and re-discovers nothing.
      const started = rebaselineStarted(marker, detectedAt);
      if ((await deps.store.putMarker(region, taskType, started)) === 'conflict')
        throw new MarkerConflictError();
      marker = { ...started, version: started.version + 1 };
      deps.logger.warn('Re-baselining a listing after a gap in complete listings', {
        taskType,
        region,
        lastCompleteAt: storedMarker?.lastCompleteAt,
      });
    }
    const decisions = diffListing({
      listed: listing.tasks,
      stored,
      baseline: report.baseline,
      untrustedBefore: plan.mode === 'rebaseline' ? plan.untrustedBefore : undefined,
      unsettled: plan.mode === 'steady' ? plan.unsettled : undefined,
      progressStep: config.progressStep,
      detectedAt,
      disappearAfterMisses: config.disappearAfterMisses,
      // A stored task an unidentified object could be is not judged missing; the others are.
      unidentified: listing.skipped.map((skipped) => skipped.resources),
    });
    const failures: unknown[] = [];
    const unsettled = new Set<string>();
    await mapWithConcurrency(decisions, WRITE_CONCURRENCY, async (decision) => {
      try {
        const outcome = await write(decision, config, deps, detectedAt);
        if (outcome === 'conflict') report.conflicts += 1;
        else if (decision.kind === 'change') report.changes += 1;
        else report.silentWrites += 1;
      } catch (error) {
        failures.push(error);
        // A finished task the baseline could not record stays judged as in a baseline until it
        // is; every other task of the listing is judged normally from now on.
        if (decision.kind === 'silent' && BASELINE_REASONS.includes(decision.reason)) {
          unsettled.add(decision.task.taskId);
        }
      }
    });
    report.unsettled = unsettled.size;
    const next = markerAfterListing(marker, plan, detectedAt, policy, unsettled);
    // A conflict means another poll recorded the listing meanwhile: its marker holds.
    if (next) await deps.store.putMarker(region, taskType, next);
    if (unsettled.size > 0) {
      deps.logger.warn(
        'Finished tasks a baseline saw are not recorded yet; they stay judged as in a baseline',
        {
          taskType,
          region,
          taskIds: [...unsettled].slice(0, 20),
          unsettledSince: next?.unsettledSince ?? marker?.unsettledSince,
        },
      );
    }
    if (failures.length > 0) throw failures[0];
    report.ok = true;
  } catch (error) {
    report.error = describeError(error);
    // `message` is reserved by the Powertools logger, hence `errorMessage`.
    deps.logger.error('Listing failed; nothing inferred from it this cycle', {
      taskType,
      region,
      code: report.error.code,
      errorMessage: report.error.message,
    });
    const metric = deps.metrics.singleMetric();
    metric.addDimensions({ taskType, region });
    metric.addMetric('ListingFailed', MetricUnit.Count, 1);
  }
  return report;
}

async function write(
  decision: ListingDecision,
  config: PollerConfig,
  deps: PollDependencies,
  detectedAt: Date,
): Promise<WriteOutcome> {
  const nowSeconds = Math.floor(detectedAt.getTime() / 1000);
  const retention = config.retentionDays * DAY_SECONDS;
  // A snapshot expires once its task has left EC2's listing, never while EC2 still lists it:
  // otherwise a finished task still listed would come back as new and alert again.
  const expiresAt = decision.gone ? nowSeconds + retention : undefined;
  const snapshot = {
    task: decision.task,
    gone: decision.gone,
    expectedVersion: decision.expectedVersion,
    expiresAt,
    stateSince: decision.stateSince,
    misses: decision.kind === 'silent' ? decision.misses : undefined,
    writtenAt: detectedAt.toISOString(),
  };
  if (decision.kind === 'silent') return deps.store.recordSilently(snapshot);
  const event = buildEvent({ ...decision, version: decision.expectedVersion + 1, detectedAt });
  const outcome = await deps.store.recordChange(snapshot, event, nowSeconds + retention);
  if (outcome === 'written') {
    deps.logger.info('Change recorded', {
      changeType: event.changeType,
      taskType: event.taskType,
      taskId: event.taskId,
      region: event.region,
      from: event.previous?.phase ?? null,
      to: event.current.phase,
      state: event.current.state,
      eventId: event.eventId,
    });
    const metric = deps.metrics.singleMetric();
    metric.addDimensions({ taskType: event.taskType, changeType: event.changeType });
    metric.addMetric('Changes', MetricUnit.Count, 1);
  }
  return outcome;
}

function observeListing(
  tasks: readonly { phase: string; state: string }[],
  taskType: TaskTypeName,
  deps: PollDependencies,
) {
  const byPhase = new Map<string, number>();
  for (const task of tasks) {
    byPhase.set(task.phase, (byPhase.get(task.phase) ?? 0) + 1);
    const key = `${taskType}:${task.state}`;
    if (task.phase === 'unknown' && !deps.unknownStatesLogged.has(key)) {
      deps.unknownStatesLogged.add(key);
      deps.logger.warn('Undocumented task state mapped to phase unknown', { taskType, state: task.state });
    }
  }
  for (const [phase, count] of byPhase) {
    const metric = deps.metrics.singleMetric();
    metric.addDimensions({ taskType, phase });
    metric.addMetric('TasksSeen', MetricUnit.Count, count);
  }
}

function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof ListingError) return { code: error.code, message: error.detail };
  if (error instanceof Error) return { code: error.name, message: error.message };
  return { code: 'Error', message: String(error) };
}
