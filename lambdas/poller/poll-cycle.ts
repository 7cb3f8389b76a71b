// The poller's use case: for every unit (account, Region) and task type, read the complete
// listing, diff it against the stored snapshots and record each decision with a conditional write.
// A failure in one listing is reported and changes nothing for it; the others carry on.
//
// At rest nothing is read or written: a listing whose fingerprint is the one recorded after the
// last listing whose every decision was written, and that left nothing to the next, is left
// alone. The container keeps each unit's state and each listing's snapshots between invocations;
// a new container reads one small item per unit, and the snapshots of a listing only when it changed.
// Every snapshot write is conditioned on the version read and on coming from a later listing than
// the stored one, so a stale copy or a stale listing only ever loses its writes; a lost write drops
// the container's copy and the listing is judged again against what is stored.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { markerAfterListing, planListing, rebaselineStarted, trustPolicy } from '../domain/baseline';
import {
  BASELINE_REASONS,
  type DetectedChange,
  diffListing,
  type ListingDecision,
  type StoredTask,
} from '../domain/changes';
import { buildEvent } from '../domain/event';
import { isSettled, listingFingerprint, type ListingState } from '../domain/listing-state';
import { countInUse } from '../domain/quota';
import { isTerminal, type Phase, PHASES } from '../domain/phase';
import {
  isSameWatch,
  isWatchQuiet,
  judgeStillTasks,
  type ObservationFields,
  observationFields,
  stallWatchOf,
} from '../domain/stall';
import type { TaskTypeName } from '../domain/task';
import { ListingError, listTasks } from '../adapters/task-lister';
import type { SnapshotStore, SnapshotWrite, UnitState, WriteOutcome } from '../adapters/snapshot-store';
import type { PollerConfig, PollSettings } from '../shared/config';
import { type Limiter, limiter, mapWithConcurrency } from '../shared/concurrency';
import { POLLER_LOG_MESSAGES } from '../shared/log-messages';
import { partitionKey, type Unit, unitStateKey } from '../shared/table-layout';
import { taskTypeDescriptor } from '../task-types';
import type { QuotaHeadroom, QuotaReport } from './quota-headroom';

/** Listings read at the same time. */
const LISTING_CONCURRENCY = 6;
/** Silent snapshot writes (each a PutItem) in flight in the whole poll. */
const WRITE_CONCURRENCY = 48;
/**
 * Changes recorded by one write (see SnapshotStore.recordChanges): 50 of a transaction's 100
 * items. One transaction per change made most of the time of a poll with many changes.
 */
const CHANGES_PER_WRITE = 25;
/**
 * Writes of changes in flight in the whole poll, apart from the other writes: 200 changes. More
 * made DynamoDB Local no faster, and each prepares its 25 events and items at once.
 */
const CHANGE_WRITE_CONCURRENCY = 8;
/** Share of the invocation's time kept after the poll's deadline for the writes in flight and the report... */
const RESERVE_FRACTION = 0.1;
/** ... and at least this much. */
const MIN_RESERVE_MS = 1_000;
/** Share of a listing's slot of time kept for writing its decisions rather than reading it. */
const WRITE_SHARE = 0.25;
const DAY_SECONDS = 86_400;

/** What the poll cycle needs from the outside world. */
export interface PollDependencies {
  ec2For(region: string): EC2Client;
  store: Pick<
    SnapshotStore,
    'loadUnitState' | 'loadSnapshots' | 'recordChanges' | 'recordSilently' | 'putListingState'
  >;
  /**
   * What the container keeps between polls; without it every poll reads as a new container does.
   * @default - none
   */
  cache?: PollCache;
  logger: Logger;
  metrics: Metrics;
  now(): Date;
  /** Milliseconds left in the invocation (Lambda's `getRemainingTimeInMillis`): the poll's time budget. */
  remainingMs(): number;
  /** Undocumented states already logged in this container, as `taskType:state`. */
  unknownStatesLogged: Set<string>;
  /**
   * The container's quota watch (quota-headroom.ts), run after the listings.
   * @default - none: no quota metric, no quota event
   */
  quota?: Pick<QuotaHeadroom, 'afterPoll'>;
}

/**
 * What a container keeps between invocations: each unit's state and each listing's snapshots as
 * this container last read or wrote them. Dropped (per unit or listing) whenever a write finds that
 * another writer changed them, or a write's outcome is unknown.
 */
export interface PollCache {
  /** By the unit state item's key: the read, in flight or done, that the unit's listings share. */
  unitStates: Map<string, Promise<UnitState>>;
  /** By listing partition key, each keyed by task id. */
  snapshots: Map<string, Map<string, StoredTask>>;
  /** By listing partition key: the "Tasks seen" line this container last logged, and when. */
  tasksSeenLogged: Map<string, { line: string; at: number }>;
}

/** An empty container cache. */
export function newPollCache(): PollCache {
  return { unitStates: new Map(), snapshots: new Map(), tasksSeenLogged: new Map() };
}

/**
 * How often a listing's unchanged "Tasks seen" line is logged again: often enough that the saved
 * query's default hour always finds every listing, rare enough that an idle poll logs nothing (18
 * lines a poll were 10 KB, $0.21 a month for 2 Regions).
 */
const TASKS_SEEN_REPEAT_MS = 55 * 60 * 1000;

/** Outcome of one (account, Region, task type). */
export interface ListingReport {
  account: string;
  region: string;
  taskType: TaskTypeName;
  ok: boolean;
  /** True when the listing was judged as a baseline: the first one, or a re-baseline after a gap. */
  baseline: boolean;
  /** True when that baseline followed a gap in complete listings longer than the trust window. */
  rebaseline: boolean;
  /** True when the listing was the one last recorded and left nothing to decide: nothing read or written. */
  settled: boolean;
  tasks: number;
  /** Listed tasks not finished (any phase but a terminal one): what keeps the listing fast-polled. */
  unfinished: number;
  pages: number;
  skipped: number;
  changes: number;
  silentWrites: number;
  /** Writes another poll won; that poll records the change. */
  conflicts: number;
  /** Decisions not written because the poll's time ran out; the next poll decides them again. */
  deferred: number;
  /** Finished tasks a baseline saw whose record has not landed yet (judged as in a baseline until it does). */
  unsettled: number;
  /** Tasks holding a slot of a VM Import/Export quota (pending or running), when the listing was read completely. */
  inUse?: number;
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
  /** What the quota watch counted and recorded; absent without one. */
  quota?: QuotaReport;
}

/** Another poll changed the listing's marker while this one judged the listing. */
export class MarkerConflictError extends Error {
  constructor() {
    super('another poll is judging this listing; it is left to that poll this cycle');
    this.name = 'MarkerConflictError';
  }
}

/** Runs one poll cycle over every configured Region and task type of the function's own account. */
export async function runPollCycle(config: PollerConfig, deps: PollDependencies): Promise<PollReport> {
  return pollUnits(
    config.regions.map((region) => ({ account: config.account, region })),
    config,
    deps,
  );
}

/**
 * Polls units (each an account and a Region): every configured task type of each, the listings
 * side by side within one deadline taken from the invocation's remaining time.
 */
export async function pollUnits(
  units: readonly Unit[],
  config: PollSettings,
  deps: PollDependencies,
): Promise<PollReport> {
  return pollListings(
    units.flatMap((unit) => config.taskTypes.map((taskType) => ({ unit, taskType }))),
    config,
    deps,
  );
}

/** One listing: a task type of a unit. */
export interface ListingScope {
  unit: Unit;
  taskType: TaskTypeName;
}

/**
 * Polls the given listings side by side within one deadline taken from the invocation's remaining
 * time. A fast re-poll (`fastPoll`) sends only ChangesRecorded and ListingFailures (each when above
 * 0): the series every poll sends once (their alarms read Minimum) stay the scheduled poll's.
 */
export async function pollListings(
  scopes: readonly ListingScope[],
  config: PollSettings,
  deps: PollDependencies,
  { fastPoll = false }: { fastPoll?: boolean } = {},
): Promise<PollReport> {
  const started = deps.now();
  const remaining = deps.remainingMs();
  const context: PollContext = {
    detectedAt: started,
    deadline: started.getTime() + remaining - reserveMs(remaining),
    notStarted: scopes.length,
    writes: limiter(WRITE_CONCURRENCY),
    changeWrites: limiter(CHANGE_WRITE_CONCURRENCY),
    // Without the container's cache, each unit's state is still read at most once per poll.
    unitStates: deps.cache?.unitStates ?? new Map(),
  };
  const listings = await mapWithConcurrency(scopes, LISTING_CONCURRENCY, ({ unit, taskType }) =>
    pollListing(unit, taskType, config, deps, context),
  );
  // Counted from the listings just read: no other EC2 or DynamoDB call.
  // A fast poll reads some listings only: a quota whose types it did not all read is left alone.
  const units = [...new Map(scopes.map(({ unit }) => [`${unit.account}#${unit.region}`, unit])).values()];
  const quota = await deps.quota?.afterPoll({
    units,
    listings,
    unitStates: context.unitStates,
    detectedAt: started,
    retentionDays: config.retentionDays,
    deadline: context.deadline,
    now: deps.now,
    logger: deps.logger,
    metrics: deps.metrics,
  });
  const durationMs = deps.now().getTime() - started.getTime();
  const report: PollReport = {
    startedAt: started.toISOString(),
    durationMs,
    listings,
    changes: listings.reduce((sum, listing) => sum + listing.changes, 0),
    failures: listings.filter((listing) => !listing.ok).length,
    unidentified: listings.reduce((sum, listing) => sum + listing.skipped, 0),
    unsettled: listings.reduce((sum, listing) => sum + listing.unsettled, 0),
    ...(quota ? { quota } : {}),
  };
  // One EMF document per poll, no dimension but `service`: three series at rest (ChangesRecorded
  // is sent only when something changed; the poll's duration is Lambda's own Duration, free). ListingFailures and the two below are sent every poll,
  // 0 included: their alarms tell "back to 0" from "no poll" and fire when one stays above 0.
  if (report.changes > 0) deps.metrics.addMetric('ChangesRecorded', MetricUnit.Count, report.changes);
  if (fastPoll) {
    if (report.failures > 0) deps.metrics.addMetric('ListingFailures', MetricUnit.Count, report.failures);
    return report;
  }
  deps.metrics.addMetric('ListingFailures', MetricUnit.Count, report.failures);
  deps.metrics.addMetric('UnidentifiedTasks', MetricUnit.Count, report.unidentified);
  deps.metrics.addMetric('UnsettledBaselineTasks', MetricUnit.Count, report.unsettled);
  return report;
}

/** Time kept after the poll's deadline for the writes in flight, the report and the metrics. */
function reserveMs(remainingMs: number): number {
  return Math.max(MIN_RESERVE_MS, remainingMs * RESERVE_FRACTION);
}

/** What the listings of one poll share. */
interface PollContext {
  detectedAt: Date;
  /** Epoch ms after which no listing starts reading and no write starts. */
  deadline: number;
  /** Listings not started yet, this one included when it starts. */
  notStarted: number;
  /** Snapshot writes in flight across every listing: silent updates, ... */
  writes: Limiter;
  /** ... and changes. */
  changeWrites: Limiter;
  /** Each unit's state: the container's cache, or one for this poll only. */
  unitStates: PollCache['unitStates'];
}

/**
 * The time a listing starting now may take to read: what is left until the poll's deadline, less
 * the share kept for writing decisions, divided among the rounds of listings still to start (this
 * one included). Computed when each listing starts, so time a fast listing leaves is given to the
 * later ones; and even if every endpoint hangs, every listing is abandoned in time.
 */
function listingShareMs(msToDeadline: number, listingsNotStarted: number): number {
  const rounds = Math.max(1, Math.ceil(listingsNotStarted / LISTING_CONCURRENCY));
  return Math.max(0, Math.floor((msToDeadline * (1 - WRITE_SHARE)) / rounds));
}

/** The last listing time this container gave out (epoch ms). */
let lastListedAt = 0;

/**
 * When a listing begins: now, and in a container always later than its previous listing's time,
 * so that two listings of one container never share a time (the later one must win).
 */
function listingTime(now: Date, detectedAt: Date): Date {
  lastListedAt = Math.max(now.getTime(), detectedAt.getTime(), lastListedAt + 1);
  return new Date(lastListedAt);
}

/** The unit's state: the one kept, or else one read shared by every listing of the unit. */
function unitStateOf(unit: Unit, deps: PollDependencies, context: PollContext): Promise<UnitState> {
  const key = unitStateKey(unit).pk;
  let loading = context.unitStates.get(key);
  if (!loading) {
    loading = deps.store.loadUnitState(unit);
    // A failed read is not kept: the next listing of the unit tries again.
    loading.catch(() => context.unitStates.delete(key));
    context.unitStates.set(key, loading);
  }
  return loading;
}

async function pollListing(
  unit: Unit,
  taskType: TaskTypeName,
  config: PollSettings,
  deps: PollDependencies,
  context: PollContext,
): Promise<ListingReport> {
  const { region } = unit;
  const { detectedAt } = context;
  const report: ListingReport = {
    account: unit.account,
    region,
    taskType,
    ok: false,
    baseline: false,
    rebaseline: false,
    settled: false,
    tasks: 0,
    unfinished: 0,
    pages: 0,
    skipped: 0,
    changes: 0,
    silentWrites: 0,
    conflicts: 0,
    deferred: 0,
    unsettled: 0,
  };
  const descriptor = taskTypeDescriptor(taskType);
  const policy = trustPolicy(config.retentionDays);
  const listingKey = partitionKey(unit, taskType);
  const notStarted = context.notStarted--;
  const stallAfter = config.stallAfter?.[taskType];
  try {
    const unitState = await unitStateOf(unit, deps, context);
    const storedState = unitState.get(taskType);
    let marker: ListingState | undefined = storedState;
    // Until this listing is judged, what the marker says stays unsettled.
    report.unsettled = marker?.unsettled.length ?? 0;
    const plan = planListing(marker, detectedAt, policy);
    const listedAt = listingTime(deps.now(), detectedAt);
    const msToDeadline = context.deadline - listedAt.getTime();
    const listing = await listTasks(
      descriptor,
      deps.ec2For(region),
      { region, account: unit.account },
      listingShareMs(msToDeadline, notStarted),
    );
    Object.assign(report, {
      tasks: listing.tasks.length,
      unfinished: listing.tasks.filter((task) => !isTerminal(task.phase)).length,
      pages: listing.pages,
      skipped: listing.skipped.length,
      inUse: countInUse(listing.tasks),
    });
    for (const skipped of listing.skipped) {
      deps.logger.warn(POLLER_LOG_MESSAGES.taskSkipped, {
        account: unit.account,
        taskType,
        region,
        reason: skipped.reason,
      });
    }
    observeListing(listing.tasks, { unit, taskType, listingKey }, deps, detectedAt);
    const unidentified = listing.skipped.map((skipped) => skipped.resources);
    const fingerprint = listingFingerprint(listing.tasks, unidentified, config);

    const quiet = isWatchQuiet(marker?.stall, listing.tasks, stallAfter, detectedAt);
    if (marker && plan.mode === 'steady' && isSettled(marker, fingerprint) && quiet) {
      // Nothing changed since the last recorded listing: no read, no write, unless the heartbeat
      // is due (once a day).
      report.settled = true;
      const heartbeat = markerAfterListing(marker, plan, detectedAt, policy, new Set());
      if (heartbeat) {
        await writeListingState(unit, taskType, { ...marker, ...heartbeat }, unitState, deps);
      }
      report.unsettled = 0;
      report.ok = true;
      return report;
    }

    report.baseline = plan.mode !== 'steady';
    report.rebaseline = plan.mode === 'rebaseline';
    if (plan.mode === 'rebaseline' && plan.starts && marker) {
      // Recorded before any snapshot is written, so that a retry of this re-baseline trusts what
      // this one wrote, and re-discovers nothing.
      const started: ListingState = { ...rebaselineStarted(marker, detectedAt), fingerprint: undefined };
      if ((await writeListingState(unit, taskType, started, unitState, deps)) === 'conflict')
        throw new MarkerConflictError();
      marker = { ...started, version: started.version + 1 };
      deps.logger.warn('Re-baselining a listing after a gap in complete listings', {
        taskType,
        region,
        lastCompleteAt: storedState?.lastCompleteAt,
      });
    }
    const diff = (stored: ReadonlyMap<string, StoredTask>) => {
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
        unidentified,
      });
      if (report.baseline) return decisions;
      const decided = new Set(decisions.map((decision) => decision.task.taskId));
      const still = judgeStillTasks({
        listed: listing.tasks,
        stored,
        decided,
        afterMinutes: stallAfter,
        detectedAt,
      });
      return [...decisions, ...still];
    };

    const failures: unknown[] = [];
    const unsettled = new Set<string>();
    let pendingMiss = false;
    /** Decisions left to another writer: the listing is not wholly recorded by this poll. */
    let unresolved = 0;
    /** Tasks whose decision this poll wrote, deferred or failed to write: judged once, never again. */
    const handled = new Set<string>();
    // The container's snapshots of the listing, or a read of them (the listed ids split a large
    // listing's read into ranges read side by side).
    const listedIds = listing.tasks.map((task) => task.taskId);
    const load = () => deps.store.loadSnapshots(unit, taskType, listedIds);
    let stored = deps.cache?.snapshots.get(listingKey) ?? (await load());
    // The last snapshots judged against, for the stall watch recorded with the fingerprint.
    let snapshots: Map<string, StoredTask> = stored;
    for (let attempt = 0; ; attempt++) {
      snapshots = stored;
      deps.cache?.snapshots.set(listingKey, snapshots);
      // A snapshot from a listing that began after this one is newer: this listing loses to it.
      const decisions = diff(snapshots).filter((decision) => {
        if (handled.has(decision.task.taskId)) return false;
        const current = snapshots.get(decision.task.taskId);
        const newer = current?.observedAt !== undefined && current.observedAt >= listedAt.toISOString();
        if (newer) {
          report.conflicts += 1;
          unresolved += 1;
        }
        return !newer;
      });
      let conflicts = 0;
      await Promise.all(
        writeGroups(decisions).map((group) =>
          (group[0]?.kind === 'change' ? context.changeWrites : context.writes)(async () => {
            // Past the deadline a write waits for the next poll, which decides it again.
            if (deps.now().getTime() > context.deadline) {
              report.deferred += group.length;
              for (const decision of group) handled.add(decision.task.taskId);
              return;
            }
            // What a stall and an estimate need, from the snapshot each decision was judged against.
            const fields = group.map((decision) =>
              observationFields(snapshots.get(decision.task.taskId), decision, detectedAt),
            );
            const outcomes = await write(group, fields, config, deps, { detectedAt, listedAt, unit }).catch(
              (reason: unknown) => group.map((): PromiseRejectedResult => ({ status: 'rejected', reason })),
            );
            group.forEach((decision, index) => {
              const result = outcomes[index] as PromiseSettledResult<WriteOutcome>;
              const outcome = result.status === 'fulfilled' ? result.value : undefined;
              if (outcome === 'conflict') {
                conflicts += 1;
                report.conflicts += 1;
                return;
              }
              handled.add(decision.task.taskId);
              if (outcome === 'written') {
                if (decision.kind === 'change') report.changes += 1;
                else report.silentWrites += 1;
                if (decision.kind === 'silent' && decision.reason === 'missed') pendingMiss = true;
                snapshots.set(
                  decision.task.taskId,
                  writtenSnapshot(decision, fields[index] as ObservationFields, detectedAt, listedAt),
                );
                return;
              }
              failures.push((result as PromiseRejectedResult).reason);
              // The write may have landed or not: what the container holds of the listing is unsure.
              deps.cache?.snapshots.delete(listingKey);
              // A finished task the baseline could not record stays judged as in a baseline until
              // it is; every other task of the listing is judged normally from now on.
              if (decision.kind === 'silent' && BASELINE_REASONS.includes(decision.reason)) {
                unsettled.add(decision.task.taskId);
              }
            });
          }),
        ),
      );
      if (conflicts === 0) break;
      // Another writer changed snapshots since they were read: read them again and judge this
      // listing once more against what is stored (but for the tasks handled above), so that what is
      // published as `previous` is always the stored state. A second conflict is left to that writer.
      deps.cache?.snapshots.delete(listingKey);
      if (attempt > 0) {
        unresolved += conflicts;
        break;
      }
      stored = await load();
    }
    report.unsettled = unsettled.size;
    // Only a listing whose every decision is recorded may be left alone next time it looks the
    // same; a task missing once needs the next listing too, so that listing records no fingerprint.
    // (A finished task waiting to be recorded keeps the marker's unsettled list, which isSettled reads.)
    const clean = failures.length === 0 && unresolved === 0 && report.deferred === 0 && !pendingMiss;
    const next = markerAfterListing(marker, plan, detectedAt, policy, unsettled);
    const state: ListingState = { ...(next ?? (marker as ListingState)), fingerprint };
    if (!clean) delete state.fingerprint;
    // Recorded with the fingerprint: what a later poll needs to notice a stall without reading.
    state.stall = stallWatchOf(snapshots.values(), stallAfter);
    if (state.stall === undefined) delete state.stall;
    if (next || marker?.fingerprint !== state.fingerprint || !isSameWatch(marker?.stall, state.stall)) {
      // A conflict means another poll recorded the listing meanwhile: its state holds.
      await writeListingState(unit, taskType, state, unitState, deps);
    }
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
    deps.logger.error(POLLER_LOG_MESSAGES.listingFailed, {
      account: unit.account,
      taskType,
      region,
      code: report.error.code,
      errorMessage: report.error.message,
    });
  }
  return report;
}

/**
 * Writes a listing's state and keeps the container's copy of the unit's state in step; on a
 * conflict (another poll wrote it) the copy is dropped, so the next poll reads the item again.
 */
async function writeListingState(
  unit: Unit,
  taskType: TaskTypeName,
  state: ListingState,
  unitState: UnitState,
  deps: PollDependencies,
): Promise<WriteOutcome> {
  try {
    const outcome = await deps.store.putListingState(unit, taskType, state);
    if (outcome === 'written') unitState.set(taskType, { ...state, version: state.version + 1 });
    else deps.cache?.unitStates.delete(unitStateKey(unit).pk);
    return outcome;
  } catch (error) {
    deps.cache?.unitStates.delete(unitStateKey(unit).pk);
    throw error;
  }
}

/** The snapshot a written decision leaves, as a read would return it. */
function writtenSnapshot(
  decision: ListingDecision,
  { stillSince, stalledAt, progressAnchor }: ObservationFields,
  detectedAt: Date,
  listedAt: Date,
): StoredTask {
  const snapshot: StoredTask = {
    task: decision.task,
    version: decision.expectedVersion + 1,
    gone: decision.gone,
    writtenAt: detectedAt.toISOString(),
    observedAt: listedAt.toISOString(),
    stillSince,
    ...(stalledAt === undefined ? {} : { stalledAt }),
    ...(progressAnchor === undefined ? {} : { progressAnchor }),
  };
  if (decision.stateSince !== undefined) snapshot.stateSince = decision.stateSince;
  const misses = decision.kind === 'silent' ? decision.misses : undefined;
  if (misses !== undefined && misses > 0) snapshot.misses = misses;
  return snapshot;
}

/**
 * The listing's decisions as the writes that record them: changes together, up to
 * {@link CHANGES_PER_WRITE} a write, and each silent update on its own.
 */
function writeGroups(decisions: readonly ListingDecision[]): ListingDecision[][] {
  const groups: ListingDecision[][] = [];
  const changes = decisions.filter((decision) => decision.kind === 'change');
  for (let start = 0; start < changes.length; start += CHANGES_PER_WRITE)
    groups.push(changes.slice(start, start + CHANGES_PER_WRITE));
  for (const decision of decisions) if (decision.kind === 'silent') groups.push([decision]);
  return groups;
}

/** Writes a group of {@link writeGroups}; returns each decision's outcome, or why it failed, in order. */
async function write(
  group: readonly ListingDecision[],
  fieldsOf: readonly ObservationFields[],
  config: PollSettings,
  deps: PollDependencies,
  { detectedAt, listedAt, unit }: { detectedAt: Date; listedAt: Date; unit: Unit },
): Promise<PromiseSettledResult<WriteOutcome>[]> {
  const nowSeconds = Math.floor(detectedAt.getTime() / 1000);
  const retention = config.retentionDays * DAY_SECONDS;
  const snapshotOf = (decision: ListingDecision, fields: ObservationFields): SnapshotWrite => ({
    task: decision.task,
    gone: decision.gone,
    expectedVersion: decision.expectedVersion,
    // A snapshot expires once its task has left EC2's listing, never while EC2 still lists it:
    // otherwise a finished task still listed would come back as new and alert again.
    expiresAt: decision.gone ? nowSeconds + retention : undefined,
    stateSince: decision.stateSince,
    misses: decision.kind === 'silent' ? decision.misses : undefined,
    stillSince: fields.stillSince,
    stalledAt: fields.stalledAt,
    progressAnchor: fields.progressAnchor,
    writtenAt: detectedAt.toISOString(),
    listedAt: listedAt.toISOString(),
  });
  const [first] = group;
  if (first?.kind === 'silent') {
    return Promise.allSettled([
      deps.store.recordSilently(snapshotOf(first, fieldsOf[0] as ObservationFields)),
    ]);
  }
  const changes = group.map((decision, index) => {
    const fields = fieldsOf[index] as ObservationFields;
    const { estimatedCompletion, stall } = fields;
    const change = decision as DetectedChange;
    return {
      write: snapshotOf(decision, fields),
      event: buildEvent({
        ...change,
        current:
          estimatedCompletion === undefined ? change.current : { ...change.current, estimatedCompletion },
        stall,
        version: decision.expectedVersion + 1,
        detectedAt,
        accountName: unit.accountName,
      }),
    };
  });
  const outcomes = await deps.store.recordChanges(changes, nowSeconds + retention);
  changes.forEach(({ event }, index) => {
    const outcome = outcomes[index];
    if (outcome?.status !== 'fulfilled' || outcome.value !== 'written') return;
    deps.logger.info(POLLER_LOG_MESSAGES.changeRecorded, {
      account: event.account,
      changeType: event.changeType,
      taskType: event.taskType,
      taskId: event.taskId,
      region: event.region,
      from: event.previous?.phase ?? null,
      to: event.current.phase,
      state: event.current.state,
      eventId: event.eventId,
    });
  });
  return outcomes;
}

/**
 * Logs a listing's tasks by phase (the "Tasks seen" line the stack's Logs Insights queries read)
 * when they changed or {@link TASKS_SEEN_REPEAT_MS} after this container last logged them, and
 * each undocumented state once per container. A breakdown per task type and phase is a log line,
 * not a metric: as metrics it was up to 54 series at $0.30 a month each.
 */
function observeListing(
  tasks: readonly { phase: Phase; state: string }[],
  { unit, taskType, listingKey }: { unit: Unit; taskType: TaskTypeName; listingKey: string },
  deps: PollDependencies,
  now: Date,
) {
  if (tasks.length === 0) return;
  const byPhase = Object.fromEntries(PHASES.map((phase) => [phase, 0])) as Record<Phase, number>;
  for (const task of tasks) {
    byPhase[task.phase] += 1;
    const key = `${taskType}:${task.state}`;
    if (task.phase === 'unknown' && !deps.unknownStatesLogged.has(key)) {
      deps.unknownStatesLogged.add(key);
      deps.logger.warn('Undocumented task state mapped to phase unknown', { taskType, state: task.state });
    }
  }
  const fields = { ...unit, taskType, tasks: tasks.length, ...byPhase };
  const line = JSON.stringify(fields);
  const last = deps.cache?.tasksSeenLogged.get(listingKey);
  if (last?.line === line && now.getTime() - last.at < TASKS_SEEN_REPEAT_MS) return;
  deps.cache?.tasksSeenLogged.set(listingKey, { line, at: now.getTime() });
  deps.logger.info(POLLER_LOG_MESSAGES.tasksSeen, fields);
}

function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof ListingError) return { code: error.code, message: error.detail };
  if (error instanceof Error) return { code: error.name, message: error.message };
  return { code: 'Error', message: String(error) };
}
