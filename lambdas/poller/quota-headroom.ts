// Quota headroom, at the end of every poll: the tasks in use per (account, Region, quota group) come
// from the listings the poll has just read (no other EC2 or DynamoDB call), the metric follows the
// count, and a crossing of the warning share is recorded on the unit's state item with its event
// in the outbox, so it is published once, like a task change. At rest (nothing running, no level
// raised) nothing is called, read, written or sent.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  emptyQuotaState,
  inUseByGroup,
  QUOTA_IN_USE_METRIC,
  type QuotaGroupName,
  quotaCrossings,
  quotaSummary,
} from '../domain/quota';
import type { QuotaLimitsReader } from '../adapters/service-quotas';
import type { QuotaStore } from '../adapters/quota-store';
import type { UnitState } from '../adapters/snapshot-store';
import { type Unit, unitStateKey } from '../shared/table-layout';
import type { TaskTypeName } from '../domain/task';

const DAY_SECONDS = 86_400;

/** What a listing of the poll tells the quota. */
export interface QuotaListing {
  account: string;
  region: string;
  taskType: TaskTypeName;
  /** Tasks holding a slot, when the listing was read completely; else undefined. */
  inUse?: number;
}

/** What {@link QuotaHeadroom.afterPoll} needs from the poll. */
export interface QuotaPoll {
  units: readonly Unit[];
  listings: readonly QuotaListing[];
  /** Each unit's state as the poll read it (by the state item's key); a unit without one is skipped. */
  unitStates: Map<string, Promise<UnitState>>;
  detectedAt: Date;
  retentionDays: number;
  /** Epoch ms after which nothing is written: the next poll decides it again. */
  deadline: number;
  now(): Date;
  logger: Logger;
  metrics: Metrics;
}

/** What the quota did in a poll. */
export interface QuotaReport {
  /** Tasks in use per `<account>#<region>#<group>`, for the groups counted this poll. */
  inUse: Record<string, number>;
  /** Quota events recorded. */
  crossings: number;
}

/** Options of {@link QuotaHeadroom}. */
export interface QuotaHeadroomOptions {
  limits: QuotaLimitsReader;
  store: Pick<QuotaStore, 'recordCrossing'>;
  /** The share of a limit that raises the warning, 0 < share ≤ 1; undefined: no quota events (the metric stays). */
  warningShare: number | undefined;
}

/** A container's quota watch: what it needs, and the counts it last sent as metrics. */
export class QuotaHeadroom {
  /** The count last sent per series: a series that reached 0 is sent once more, then no longer. */
  private readonly sent = new Map<string, number>();

  constructor(private readonly options: QuotaHeadroomOptions) {}

  /** Counts, sends the metric and records the crossings of every unit of a poll. */
  async afterPoll(poll: QuotaPoll): Promise<QuotaReport> {
    const report: QuotaReport = { inUse: {}, crossings: 0 };
    for (const unit of poll.units) {
      const counts = inUseByGroup(
        poll.listings.filter((listing) => listing.account === unit.account && listing.region === unit.region),
      );
      if (counts.size === 0) continue;
      for (const [group, count] of counts) {
        report.inUse[`${unit.account}#${unit.region}#${group}`] = count;
        this.sendMetric(unit, group, count, poll.metrics);
      }
      if (this.options.warningShare !== undefined) {
        report.crossings += await this.recordCrossings(unit, counts, this.options.warningShare, poll);
      }
    }
    return report;
  }

  /**
   * One EMF document per series (its dimensions are the account, Region and group, which the
   * poll's own document, with the one dimension `service`, cannot carry), only while tasks are in
   * use and once when the count drops to 0: a unit with nothing running adds no series.
   */
  private sendMetric(unit: Unit, group: QuotaGroupName, count: number, metrics: Metrics): void {
    const key = `${unit.account}#${unit.region}#${group}`;
    const last = this.sent.get(key);
    if (count === 0 && (last === undefined || last === 0)) {
      this.sent.delete(key);
      return;
    }
    this.sent.set(key, count);
    const single = metrics.singleMetric();
    single.addDimensions({ account: unit.account, region: unit.region, quota: group });
    single.addMetric(QUOTA_IN_USE_METRIC, MetricUnit.Count, count);
  }

  private async recordCrossings(
    unit: Unit,
    counts: ReadonlyMap<QuotaGroupName, number>,
    warningShare: number,
    poll: QuotaPoll,
  ): Promise<number> {
    const key = unitStateKey(unit).pk;
    let unitState: UnitState | undefined;
    try {
      unitState = await poll.unitStates.get(key);
    } catch {
      unitState = undefined; // the listings reported the failed read already
    }
    if (!unitState) return 0;
    const state = (unitState.quota ??= emptyQuotaState());
    // A limit is needed only where a task holds a slot or a warning is raised: a unit at rest calls nothing.
    const needed = [...counts].some(
      ([group, count]) => count > 0 || state.levels.get(group)?.level === 'nearly-exhausted',
    );
    if (!needed) return 0;
    const limits = await this.options.limits(unit.account, unit.region);
    const crossings = quotaCrossings(state, {
      account: unit.account,
      accountName: unit.accountName,
      region: unit.region,
      counts,
      limits,
      share: warningShare,
      detectedAt: poll.detectedAt,
    });
    let recorded = 0;
    for (const crossing of crossings) {
      // Past the deadline the next poll decides it again, from the same stored level.
      if (poll.now().getTime() > poll.deadline) break;
      const expiresAt = Math.floor(poll.detectedAt.getTime() / 1000) + poll.retentionDays * DAY_SECONDS;
      let outcome: 'written' | 'conflict';
      try {
        outcome = await this.options.store.recordCrossing(unit, crossing, state.version, expiresAt);
      } catch (error) {
        // Unknown whether it landed: the unit's state is read again by the next poll.
        poll.unitStates.delete(key);
        poll.logger.error('Quota level not recorded; the next poll decides it again', {
          account: unit.account,
          region: unit.region,
          quota: crossing.group.name,
          code: (error as Error).name,
          errorMessage: (error as Error).message,
        });
        break;
      }
      if (outcome === 'conflict') {
        // Another poll recorded a level meanwhile: read the unit's state again next time.
        poll.unitStates.delete(key);
        break;
      }
      state.version += 1;
      state.levels.set(crossing.group.name, crossing.level);
      recorded += 1;
      poll.logger.info('Quota level changed', {
        account: unit.account,
        region: unit.region,
        quota: crossing.group.name,
        changeType: crossing.event.changeType,
        inUse: crossing.level.inUse,
        limit: crossing.level.limit,
        limitSource: crossing.event.quota.limitSource,
        summary: quotaSummary(crossing.event),
        eventId: crossing.event.eventId,
      });
    }
    return recorded;
  }
}
