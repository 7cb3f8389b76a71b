// An in-memory stand-in for SnapshotStore with the same conditional-write semantics (the version,
// and a write only from a later listing than the stored one), for the poll-cycle unit tests. The
// real store is tested against DynamoDB Local in test/integration.
import type { StoredTask } from '../../lambdas/domain/changes';
import type { TaskChangeEvent } from '../../lambdas/domain/event';
import type { ListingState } from '../../lambdas/domain/listing-state';
import type {
  SnapshotStore,
  SnapshotWrite,
  UnitState,
  WriteOutcome,
} from '../../lambdas/adapters/snapshot-store';
import type { TaskTypeName } from '../../lambdas/domain/task';
import type { Unit } from '../../lambdas/shared/table-layout';

type StorePort = Pick<
  SnapshotStore,
  'loadUnitState' | 'loadSnapshots' | 'recordChange' | 'recordSilently' | 'putListingState'
>;

/** Snapshots, recorded events and listing states held in maps. */
export class MemoryStore implements StorePort {
  readonly snapshots = new Map<string, StoredTask & { expiresAt?: number }>();
  readonly events: TaskChangeEvent[] = [];
  /** Listing states (markers) by `<region>#<taskType>`, as last written (version included). */
  readonly markers = new Map<string, ListingState>();
  /** Set to make the next writes throw, as DynamoDB does when it throttles. */
  failWrites: Error | undefined;
  /** Makes the writes of these task ids throw, as a write DynamoDB keeps refusing. */
  readonly failingTasks = new Set<string>();
  /** Makes the marker writes it returns true for throw (a poll that dies before recording its listing). */
  failMarker: ((marker: ListingState) => boolean) | undefined;
  writes = 0;
  markerWrites = 0;
  /** Reads made: unit states and listings' snapshots. */
  reads = 0;

  /** The (Region, task type) keys whose first baseline is recorded. */
  get baselines(): Set<string> {
    return new Set(this.markers.keys());
  }

  async loadUnitState(unit: Unit): Promise<UnitState> {
    this.reads += 1;
    const state: UnitState = new Map();
    for (const [key, marker] of this.markers) {
      const [region, taskType] = key.split('#') as [string, TaskTypeName];
      if (region === unit.region) state.set(taskType, { ...marker });
    }
    return state;
  }

  async loadSnapshots(unit: Unit, taskType: TaskTypeName): Promise<Map<string, StoredTask>> {
    this.reads += 1;
    const stored = new Map<string, StoredTask>();
    for (const snapshot of this.snapshots.values()) {
      if (snapshot.task.region === unit.region && snapshot.task.taskType === taskType)
        stored.set(snapshot.task.taskId, { ...snapshot });
    }
    return stored;
  }

  async recordChange(write: SnapshotWrite, event: TaskChangeEvent): Promise<WriteOutcome> {
    const outcome = this.put(write);
    if (outcome === 'written') this.events.push(event);
    return outcome;
  }

  async recordSilently(write: SnapshotWrite): Promise<WriteOutcome> {
    return this.put(write);
  }

  async putListingState(unit: Unit, taskType: TaskTypeName, marker: ListingState): Promise<WriteOutcome> {
    if (this.failWrites) throw this.failWrites;
    if (this.failMarker?.(marker)) throw new Error('the poll died before recording its listing');
    const key = `${unit.region}#${taskType}`;
    if ((this.markers.get(key)?.version ?? 0) !== marker.version) return 'conflict';
    this.markerWrites += 1;
    this.markers.set(key, { ...marker, version: marker.version + 1 });
    return 'written';
  }

  private put(write: SnapshotWrite): WriteOutcome {
    if (this.failWrites) throw this.failWrites;
    if (this.failingTasks.has(write.task.taskId))
      throw new Error(`ValidationException: ${write.task.taskId}`);
    const key = `${write.task.region}#${write.task.taskType}#${write.task.taskId}`;
    const stored = this.snapshots.get(key);
    const current = stored?.version ?? 0;
    if (current !== write.expectedVersion) return 'conflict';
    if (stored?.observedAt !== undefined && stored.observedAt >= write.listedAt) return 'conflict';
    this.writes += 1;
    this.snapshots.set(key, {
      task: write.task,
      version: current + 1,
      gone: write.gone,
      expiresAt: write.expiresAt,
      writtenAt: write.writtenAt,
      observedAt: write.listedAt,
      ...(write.stateSince === undefined ? {} : { stateSince: write.stateSince }),
      ...(write.misses === undefined ? {} : { misses: write.misses }),
      ...(write.stillSince === undefined ? {} : { stillSince: write.stillSince }),
      ...(write.stalledAt === undefined ? {} : { stalledAt: write.stalledAt }),
      ...(write.progressAnchor === undefined ? {} : { progressAnchor: write.progressAnchor }),
    });
    return 'written';
  }
}
