// Quota headroom of VM Import/Export: EC2 allows a number of concurrent tasks per account and Region,
// shared by groups of task APIs, and refuses the next one with ResourceCountLimitExceeded. The
// monitor already lists every task of those APIs at each poll, so it can count the tasks in use and
// warn before a pipeline that submits tasks hits the limit: one QuotaNearlyExhausted when the count
// reaches the warning share of the limit, one QuotaAvailable when it drops back below. Pure: the
// counting, the level and the event; the poll reads the limits and records the level.
import type { Phase } from './phase';
import type { TaskTypeName } from './task';
import { deterministicUuid, SCHEMA_VERSION } from './event';

/** The VM Import/Export quota groups the monitor watches. */
export type QuotaGroupName = 'vm-image-tasks' | 'vm-conversion-tasks';

/** One quota shared by a group of task types. */
export interface QuotaGroup {
  readonly name: QuotaGroupName;
  /** The monitor's task types whose unfinished tasks count against the quota. */
  readonly taskTypes: readonly TaskTypeName[];
  /** The documented default, used when Service Quotas cannot be read. */
  readonly defaultLimit: number;
  /** What the texts call the tasks: "concurrent VM import/export image tasks". */
  readonly label: string;
  /**
   * How the quota is recognised among the EC2 quotas Service Quotas lists, by its name: the quota
   * codes are not in the offline references this was written from, the names say what they count.
   */
  readonly quotaName: RegExp;
}

/**
 * The two quotas (EC2 service quotas page; ../shared/reference/organization-scale.md): ImportImage,
 * ImportSnapshot and ExportImage share 20 concurrent tasks per Region (the monitor's import-image,
 * import-snapshot and export-image listings); ImportInstance and ImportVolume (both conversion
 * tasks, DescribeConversionTasks) and CreateInstanceExportTask (export-instance,
 * DescribeExportTasks) share 5.
 */
export const QUOTA_GROUPS: readonly QuotaGroup[] = [
  {
    name: 'vm-image-tasks',
    taskTypes: ['import-image', 'import-snapshot', 'export-image'],
    defaultLimit: 20,
    label: 'concurrent VM import/export image tasks',
    quotaName: /(import|export).*(image|snapshot)|(image|snapshot).*(import|export)/i,
  },
  {
    name: 'vm-conversion-tasks',
    taskTypes: ['conversion', 'export-instance'],
    defaultLimit: 5,
    label: 'concurrent VM import/export conversion tasks',
    quotaName: /(import|export).*(instance|volume|conversion)|conversion.*task/i,
  },
];

/** Every quota group name. */
export const QUOTA_GROUP_NAMES: readonly QuotaGroupName[] = QUOTA_GROUPS.map((group) => group.name);

/**
 * Phases that hold a slot of the quota: a task EC2 has accepted and not finished. A transitional
 * state (`cancelling`, `deleting`) is `running` until its end is certain, and EC2 frees the slot
 * only when the task ends, so it counts too.
 */
export const IN_USE_PHASES: readonly Phase[] = ['pending', 'running'];

/** The IAM actions reading the limits calls (the poller's, the worker's and the member role's policies). */
export const QUOTA_LIMIT_ACTIONS: readonly string[] = ['servicequotas:ListServiceQuotas'];

/**
 * The metric of the tasks in use: one series per account, Region and quota group (dimensions
 * `account`, `region`, `quota` besides `service`), sent only while tasks are in use and once at 0.
 */
export const QUOTA_IN_USE_METRIC = 'QuotaTasksInUse';

/** The warning share by default: 80 % of the limit. */
export const DEFAULT_QUOTA_WARNING_SHARE = 0.8;

/** What the warning share may be, as error messages say it. */
export const QUOTA_WARNING_SHARE_ALLOWED = 'a number greater than 0 and at most 1 (0.8 is 80 %), or off';

/**
 * Reads the warning share from a number or its text (`0.8`, from `-c quotaWarningShare=0.8`);
 * undefined for `off` (no quota events).
 * @throws RangeError for anything else
 */
export function quotaWarningShareOf(value: unknown): number | undefined {
  const text = typeof value === 'string' ? value.trim() : value;
  if (text === 'off') return undefined;
  const share = typeof text === 'string' && /^\d*\.?\d+$/.test(text) ? Number(text) : text;
  if (typeof share !== 'number' || !Number.isFinite(share) || share <= 0 || share > 1) {
    throw new RangeError(`${JSON.stringify(value)} is not a warning share`);
  }
  return share;
}

/** A group's level: whether its warning is raised. */
export type QuotaLevel = 'available' | 'nearly-exhausted';

/** The change types of quota events. */
export type QuotaChangeType = 'QuotaNearlyExhausted' | 'QuotaAvailable';

/** Every quota change type. */
export const QUOTA_CHANGE_TYPES: readonly QuotaChangeType[] = ['QuotaNearlyExhausted', 'QuotaAvailable'];

/** Where a limit comes from: Service Quotas, or the documented default when it could not be read. */
export type LimitSource = 'service-quotas' | 'documented-default';

/** A group's limit in one account and Region. */
export interface QuotaLimit {
  value: number;
  source: LimitSource;
}

/** What one listing of a poll tells the quota: its type, and the tasks in use when it was read completely. */
export interface ListingCount {
  taskType: TaskTypeName;
  /** Tasks in an {@link IN_USE_PHASES} phase; undefined when the listing was not read completely. */
  inUse?: number;
}

/** The number of listed tasks that hold a slot. */
export function countInUse(tasks: readonly { phase: Phase }[]): number {
  return tasks.filter((task) => IN_USE_PHASES.includes(task.phase)).length;
}

/**
 * Tasks in use per quota group of one unit, from the poll's listings of that unit. A group is
 * counted only when every one of its task types was polled and read completely in this poll: a
 * failed listing or a type left out of the settings would make the count too low, and a count too
 * low could clear a warning that still holds. Groups that cannot be counted are absent.
 */
export function inUseByGroup(listings: readonly ListingCount[]): Map<QuotaGroupName, number> {
  const counts = new Map<QuotaGroupName, number>();
  for (const group of QUOTA_GROUPS) {
    let total = 0;
    let known = true;
    for (const taskType of group.taskTypes) {
      const listing = listings.find((candidate) => candidate.taskType === taskType);
      if (listing?.inUse === undefined) {
        known = false;
        break;
      }
      total += listing.inUse;
    }
    if (known) counts.set(group.name, total);
  }
  return counts;
}

/** The groups a deployment polling these task types can count: those whose every type it polls. */
export function watchedQuotaGroups(taskTypes: readonly TaskTypeName[]): QuotaGroup[] {
  return QUOTA_GROUPS.filter((group) => group.taskTypes.every((type) => taskTypes.includes(type)));
}

/** The smallest count that raises the warning: the share of the limit, rounded up, at least 1. */
export function warningCount(limit: number, share: number): number {
  return Math.max(1, Math.ceil(limit * share - 1e-9));
}

/**
 * The level a count puts a group at: nearly exhausted from {@link warningCount} on, available
 * below it. The level is what is stored, so a count that stays on one side emits nothing: one
 * event per crossing, however many polls the count stays there.
 */
export function levelOf(inUse: number, limit: number, share: number): QuotaLevel {
  return inUse >= warningCount(limit, share) ? 'nearly-exhausted' : 'available';
}

/** A group's level as stored on the unit's state item. */
export interface StoredQuotaLevel {
  level: QuotaLevel;
  /** The count and the limit when the level was recorded (for people reading the item and `status`). */
  inUse: number;
  limit: number;
  /** When the level began (ISO-8601). */
  since: string;
}

/** What a unit's quota state holds: each group's level, and the version of the unit's quota record. */
export interface UnitQuotaState {
  levels: Map<QuotaGroupName, StoredQuotaLevel>;
  /** Quota events recorded in the unit so far; each write expects it and adds one. */
  version: number;
}

/** An empty quota state: no level recorded, version 0. */
export function emptyQuotaState(): UnitQuotaState {
  return { levels: new Map(), version: 0 };
}

/** A level change to record, with the event it publishes. */
export interface QuotaCrossing {
  group: QuotaGroup;
  level: StoredQuotaLevel;
  event: QuotaEvent;
}

/** What {@link quotaCrossings} needs of one unit at one poll. */
export interface QuotaObservation {
  account: string;
  accountName?: string;
  region: string;
  counts: ReadonlyMap<QuotaGroupName, number>;
  limits: ReadonlyMap<QuotaGroupName, QuotaLimit>;
  /** The warning share, 0 < share ≤ 1. */
  share: number;
  detectedAt: Date;
}

/**
 * The groups whose level this poll changes, each with the event to publish. A group never recorded
 * counts as available, so a unit with nothing running writes nothing, and a deployment that finds
 * a Region already near its limit says so once. Versions follow the order of {@link QUOTA_GROUPS},
 * one per crossing after the stored one.
 */
export function quotaCrossings(state: UnitQuotaState, observation: QuotaObservation): QuotaCrossing[] {
  const crossings: QuotaCrossing[] = [];
  let version = state.version;
  for (const group of QUOTA_GROUPS) {
    const inUse = observation.counts.get(group.name);
    const limit = observation.limits.get(group.name);
    if (inUse === undefined || limit === undefined) continue;
    const stored = state.levels.get(group.name)?.level ?? 'available';
    const level = levelOf(inUse, limit.value, observation.share);
    if (level === stored) continue;
    version += 1;
    const since = observation.detectedAt.toISOString();
    crossings.push({
      group,
      level: { level, inUse, limit: limit.value, since },
      event: buildQuotaEvent({ ...observation, group, inUse, limit, level, version }),
    });
  }
  return crossings;
}

/** One crossing of a quota's warning share in one account and Region, as published on the topic. */
export interface QuotaEvent {
  schemaVersion: typeof SCHEMA_VERSION;
  /** Same for every delivery: a UUID derived from the account, Region and the unit's quota version. */
  eventId: string;
  changeType: QuotaChangeType;
  /** ISO-8601 time of the poll that counted the tasks. */
  detectedAt: string;
  account: string;
  /** The account's name in AWS Organizations (organization mode), when it has one. */
  accountName?: string;
  region: string;
  quota: QuotaStatus;
}

/** The quota a {@link QuotaEvent} is about, and how full it is. */
export interface QuotaStatus {
  name: QuotaGroupName;
  /** "concurrent VM import/export image tasks". */
  description: string;
  /** The monitor's task types whose tasks count against it. */
  taskTypes: TaskTypeName[];
  /** Tasks pending or running when the poll counted them. */
  inUse: number;
  limit: number;
  limitSource: LimitSource;
  /** inUse / limit, rounded to 3 decimals. */
  usedShare: number;
  /** The setting: the share of the limit that raises the warning. */
  warningShare: number;
}

function buildQuotaEvent(input: {
  account: string;
  accountName?: string;
  region: string;
  group: QuotaGroup;
  inUse: number;
  limit: QuotaLimit;
  share: number;
  level: QuotaLevel;
  version: number;
  detectedAt: Date;
}): QuotaEvent {
  return {
    schemaVersion: SCHEMA_VERSION,
    eventId: quotaEventId(input.account, input.region, input.version),
    changeType: input.level === 'nearly-exhausted' ? 'QuotaNearlyExhausted' : 'QuotaAvailable',
    detectedAt: input.detectedAt.toISOString(),
    account: input.account,
    ...(input.accountName === undefined ? {} : { accountName: input.accountName }),
    region: input.region,
    quota: {
      name: input.group.name,
      description: input.group.label,
      taskTypes: [...input.group.taskTypes],
      inUse: input.inUse,
      limit: input.limit.value,
      limitSource: input.limit.source,
      usedShare: Math.round((input.inUse / input.limit.value) * 1000) / 1000,
      warningShare: input.share,
    },
  };
}

/** A UUID for a unit's quota event, distinct from every task event's (its first part is no account). */
function quotaEventId(account: string, region: string, version: number): string {
  return deterministicUuid(['quota', account, region, String(version)]);
}

/** True for a parsed value with the shape of a {@link QuotaEvent}. */
export function isQuotaEvent(value: unknown): value is QuotaEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Partial<QuotaEvent>;
  const quota = event.quota as Partial<QuotaStatus> | undefined;
  return (
    event.schemaVersion === SCHEMA_VERSION &&
    typeof event.eventId === 'string' &&
    QUOTA_CHANGE_TYPES.includes(event.changeType as QuotaChangeType) &&
    typeof event.account === 'string' &&
    (event.accountName === undefined || typeof event.accountName === 'string') &&
    typeof event.region === 'string' &&
    typeof quota === 'object' &&
    quota !== null &&
    QUOTA_GROUP_NAMES.includes(quota.name as QuotaGroupName) &&
    typeof quota.inUse === 'number' &&
    typeof quota.limit === 'number' &&
    quota.limit > 0
  );
}

/** One quota of one account in one Region as `status` shows it. */
export interface QuotaUse {
  account: string;
  region: string;
  group: QuotaGroup;
  inUse: number;
  limit: number;
  /** Whether the limit is the one last recorded with a level (read from Service Quotas then), or the documented default. */
  limitKnown: boolean;
  level: QuotaLevel;
}

/**
 * The quotas of the stored snapshots, per account, Region and group (the groups whose every type
 * `taskTypes` holds): the tasks in use as the last complete listings left them, against the limit
 * recorded with the group's level, or the documented default when no level was recorded.
 */
export function quotaUses(
  tasks: readonly {
    task: { account: string; region: string; taskType: TaskTypeName; phase: Phase };
    gone: boolean;
  }[],
  units: readonly { account: string; region: string; quota?: UnitQuotaState }[],
  taskTypes: readonly TaskTypeName[],
): QuotaUse[] {
  return units.flatMap((unit) =>
    watchedQuotaGroups(taskTypes).map((group) => {
      const inUse = tasks.filter(
        ({ task, gone }) =>
          !gone &&
          task.account === unit.account &&
          task.region === unit.region &&
          group.taskTypes.includes(task.taskType) &&
          IN_USE_PHASES.includes(task.phase),
      ).length;
      const stored = unit.quota?.levels.get(group.name);
      return {
        account: unit.account,
        region: unit.region,
        group,
        inUse,
        limit: stored?.limit || group.defaultLimit,
        limitKnown: Boolean(stored?.limit),
        level: stored?.level ?? 'available',
      };
    }),
  );
}

/** "17 of 20 concurrent VM import/export image tasks in use (85 %)". */
export function quotaSentence(quota: Pick<QuotaStatus, 'inUse' | 'limit' | 'description'>): string {
  const percent = Math.round((quota.inUse / quota.limit) * 100);
  return `${quota.inUse} of ${quota.limit} ${quota.description} in use (${percent} %)`;
}

/** The one-line summary every text starts from: "us-east-1: 17 of 20 concurrent VM import/export image tasks in use (85 %)". */
export function quotaSummary(event: Pick<QuotaEvent, 'region' | 'quota'>): string {
  return `${event.region}: ${quotaSentence(event.quota)}`;
}
