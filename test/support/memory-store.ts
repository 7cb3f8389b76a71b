// An in-memory stand-in for SnapshotStore with the same conditional-write semantics, for the
// poll-cycle unit tests. The real store is tested against DynamoDB Local in test/integration.
import type { ListingMarker } from '../../lambdas/domain/baseline';
import type { StoredTask } from '../../lambdas/domain/changes';
import type { TaskChangeEvent } from '../../lambdas/domain/event';
import type {
  SnapshotStore,
  SnapshotWrite,
  StoredListing,
  WriteOutcome,
} from '../../lambdas/adapters/snapshot-store';
import type { TaskTypeName } from '../../lambdas/domain/task';

type StorePort = Pick<SnapshotStore, 'loadListing' | 'recordChange' | 'recordSilently' | 'putMarker'>;

/** Snapshots, recorded events and listing markers held in maps. */
export class MemoryStore implements StorePort {
  readonly snapshots = new Map<string, StoredTask & { expiresAt?: number }>();
  readonly events: TaskChangeEvent[] = [];
  /** Markers by `<region>#<taskType>`, as last written (version included). */
  readonly markers = new Map<string, ListingMarker>();
  /** Set to make the next writes throw, as DynamoDB does when it throttles. */
  failWrites: Error | undefined;
  /** Makes the writes of these task ids throw, as a write DynamoDB keeps refusing. */
  readonly failingTasks = new Set<string>();
  /** Makes the marker writes it returns true for throw (a poll that dies before recording its listing). */
  failMarker: ((marker: ListingMarker) => boolean) | undefined;
  writes = 0;
  markerWrites = 0;

  /** The (Region, task type) keys whose first baseline is recorded. */
  get baselines(): Set<string> {
    return new Set(this.markers.keys());
  }

  async loadListing(region: string, taskType: TaskTypeName): Promise<StoredListing> {
    const stored = new Map<string, StoredTask>();
    for (const snapshot of this.snapshots.values()) {
      if (snapshot.task.region === region && snapshot.task.taskType === taskType)
        stored.set(snapshot.task.taskId, snapshot);
    }
    return { stored, marker: this.markers.get(`${region}#${taskType}`) };
  }

  async recordChange(write: SnapshotWrite, event: TaskChangeEvent): Promise<WriteOutcome> {
    const outcome = this.put(write);
    if (outcome === 'written') this.events.push(event);
    return outcome;
  }

  async recordSilently(write: SnapshotWrite): Promise<WriteOutcome> {
    return this.put(write);
  }

  async putMarker(region: string, taskType: TaskTypeName, marker: ListingMarker): Promise<WriteOutcome> {
    if (this.failWrites) throw this.failWrites;
    if (this.failMarker?.(marker)) throw new Error('the poll died before recording its listing');
    const key = `${region}#${taskType}`;
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
    const current = this.snapshots.get(key)?.version ?? 0;
    if (current !== write.expectedVersion) return 'conflict';
    this.writes += 1;
    this.snapshots.set(key, {
      task: write.task,
      version: current + 1,
      gone: write.gone,
      expiresAt: write.expiresAt,
      writtenAt: write.writtenAt,
      ...(write.stateSince === undefined ? {} : { stateSince: write.stateSince }),
      ...(write.misses === undefined ? {} : { misses: write.misses }),
    });
    return 'written';
  }
}
