// An in-memory stand-in for SnapshotStore with the same conditional-write semantics, for the
// poll-cycle unit tests. The real store is tested against DynamoDB Local in test/integration.
import type { StoredTask } from '../../lambdas/domain/changes';
import type { TaskChangeEvent } from '../../lambdas/domain/event';
import type {
  SnapshotStore,
  SnapshotWrite,
  StoredListing,
  WriteOutcome,
} from '../../lambdas/adapters/snapshot-store';
import type { TaskTypeName } from '../../lambdas/domain/task';

type StorePort = Pick<SnapshotStore, 'loadListing' | 'recordChange' | 'recordSilently' | 'markBaselineDone'>;

/** Snapshots, recorded events and baseline markers held in maps. */
export class MemoryStore implements StorePort {
  readonly snapshots = new Map<string, StoredTask & { expiresAt?: number }>();
  readonly events: TaskChangeEvent[] = [];
  readonly baselines = new Set<string>();
  /** Set to make the next writes throw, as DynamoDB does when it throttles. */
  failWrites: Error | undefined;
  writes = 0;

  async loadListing(region: string, taskType: TaskTypeName): Promise<StoredListing> {
    const stored = new Map<string, StoredTask>();
    for (const snapshot of this.snapshots.values()) {
      if (snapshot.task.region === region && snapshot.task.taskType === taskType)
        stored.set(snapshot.task.taskId, snapshot);
    }
    return { stored, baselineDone: this.baselines.has(`${region}#${taskType}`) };
  }

  async recordChange(write: SnapshotWrite, event: TaskChangeEvent): Promise<WriteOutcome> {
    const outcome = this.put(write);
    if (outcome === 'written') this.events.push(event);
    return outcome;
  }

  async recordSilently(write: SnapshotWrite): Promise<WriteOutcome> {
    return this.put(write);
  }

  async markBaselineDone(region: string, taskType: TaskTypeName): Promise<void> {
    this.baselines.add(`${region}#${taskType}`);
  }

  private put(write: SnapshotWrite): WriteOutcome {
    if (this.failWrites) throw this.failWrites;
    const key = `${write.task.region}#${write.task.taskType}#${write.task.taskId}`;
    const current = this.snapshots.get(key)?.version ?? 0;
    if (current !== write.expectedVersion) return 'conflict';
    this.writes += 1;
    this.snapshots.set(key, {
      task: write.task,
      version: current + 1,
      gone: write.gone,
      expiresAt: write.expiresAt,
      ...(write.stateSince === undefined ? {} : { stateSince: write.stateSince }),
    });
    return 'written';
  }
}
