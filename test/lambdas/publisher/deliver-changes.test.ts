import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBRecord } from 'aws-lambda';
import type { PublishOutcome } from '../../../lambdas/adapters/event-publisher';
import type { ClaimOutcome, HistoryKey } from '../../../lambdas/adapters/outbox';
import type { SnsMessage } from '../../../lambdas/domain/sns-message';
import {
  changeFromRecord,
  deliverChanges,
  MalformedRecordError,
  planBatches,
  type DeliveryDependencies,
} from '../../../lambdas/publisher/deliver-changes';
import { anEvent, changeRecord } from '../../support/stream-records';
import { aTask } from '../../support/tasks';

/** A topic that records what it receives and fails the entries a test chooses. */
class FakeTopic {
  readonly received: string[] = [];
  readonly calls: number[] = [];
  /** The most calls that were in flight at once. */
  mostInFlight = 0;
  private inFlight = 0;
  failIf: (eventId: string) => boolean = () => false;

  async publishBatch(messages: readonly SnsMessage[]): Promise<PublishOutcome[]> {
    this.calls.push(messages.length);
    this.inFlight += 1;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight -= 1;
    return messages.map((message) => {
      const eventId = JSON.parse(JSON.parse(message.message).default).eventId as string;
      if (this.failIf(eventId)) return { ok: false, code: 'InternalError', message: 'boom' };
      this.received.push(eventId);
      return { ok: true, messageId: `msg-${this.received.length}` };
    });
  }
}

/** Claims and marks with the same rules as the DynamoDB outbox, held in a map. */
class FakeOutbox {
  readonly items = new Map<string, { claimOwner?: string; claimUntil?: number; published?: boolean }>();
  readonly released: string[] = [];
  private item(key: HistoryKey) {
    const id = `${key.pk}|${key.sk}`;
    if (!this.items.has(id)) this.items.set(id, {});
    return this.items.get(id) as { claimOwner?: string; claimUntil?: number; published?: boolean };
  }
  async claim(key: HistoryKey, owner: string, now: Date, leaseMs: number): Promise<ClaimOutcome> {
    const item = this.item(key);
    if (item.published) return 'published';
    if (item.claimUntil !== undefined && item.claimUntil >= now.getTime() && item.claimOwner !== owner)
      return 'busy';
    Object.assign(item, { claimOwner: owner, claimUntil: now.getTime() + leaseMs });
    return 'claimed';
  }
  async markPublished(key: HistoryKey) {
    Object.assign(this.item(key), { published: true, claimOwner: undefined, claimUntil: undefined });
  }
  async release(key: HistoryKey, owner: string) {
    const item = this.item(key);
    if (item.claimOwner !== owner) return;
    this.released.push(key.sk);
    Object.assign(item, { claimOwner: undefined, claimUntil: undefined });
  }
  isPublished(key: HistoryKey) {
    return this.item(key).published === true;
  }
}

function setup() {
  const topic = new FakeTopic();
  const outbox = new FakeOutbox();
  const logger = new Logger({ logLevel: 'SILENT' });
  const deps: DeliveryDependencies = {
    publisher: topic,
    outbox,
    logger,
    metrics: new Metrics({ namespace: 'Test' }),
    now: () => new Date(),
    owner: 'consumer-1',
    leaseMs: 60_000,
  };
  return { topic, outbox, deps, logger };
}

function recordsFor(taskIds: string[], versions = 1): { records: DynamoDBRecord[]; ids: string[] } {
  const records: DynamoDBRecord[] = [];
  const ids: string[] = [];
  for (let version = 1; version <= versions; version++) {
    for (const taskId of taskIds) {
      const event = anEvent(version, aTask({ taskId }));
      records.push(changeRecord(event, version));
      ids.push(event.eventId);
    }
  }
  return { records, ids };
}

describe('deliverChanges', () => {
  it('publishes every change once, in order, in batches of at most ten', async () => {
    const { topic, deps } = setup();
    const { records, ids } = recordsFor(Array.from({ length: 23 }, (_, i) => `import-ami-${i}`));

    const response = await deliverChanges(records, deps);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(topic.received).toEqual(ids);
    expect(topic.calls).toEqual([10, 10, 3]);
  });

  it('never puts two changes of one task in the same call, so a task keeps its order', async () => {
    const { topic, deps } = setup();
    const { records } = recordsFor(['import-ami-a', 'import-ami-b'], 3);

    await deliverChanges(records, deps);

    expect(topic.calls).toEqual([2, 2, 2]);
  });

  it('stops at the first failed entry, reports it, and does not publish the successes again on retry', async () => {
    const { topic, deps } = setup();
    const { records, ids } = recordsFor(['a', 'b', 'c', 'd']);
    topic.failIf = (eventId) => eventId === ids[1];

    const first = await deliverChanges(records, deps);
    topic.failIf = () => false;
    // Lambda retries from the reported record onwards.
    const retryFrom = records.findIndex(
      (r) => r.dynamodb?.SequenceNumber === first.batchItemFailures[0]?.itemIdentifier,
    );
    const second = await deliverChanges(records.slice(retryFrom), deps);

    expect(retryFrom).toBe(1);
    expect(second).toEqual({ batchItemFailures: [] });
    expect(topic.received.sort()).toEqual([...ids].sort());
    expect(new Set(topic.received).size).toBe(4);
  });

  it('publishes the batches of different tasks side by side', async () => {
    const { topic, deps } = setup();
    const { records, ids } = recordsFor(Array.from({ length: 23 }, (_, i) => `import-ami-${i}`));

    await deliverChanges(records, deps);

    expect(topic.mostInFlight).toBe(3);
    expect(topic.received).toEqual(ids);
  });

  it("does not send a later wave after a failed one: a task's next change waits for its earlier one", async () => {
    const { topic, deps } = setup();
    const tasks = Array.from({ length: 10 }, (_, i) => `t${i}`);
    // t0..t9 at version 1, then t0..t4 at version 2: the second call shares tasks with the first.
    const first = recordsFor(tasks);
    const next = recordsFor(tasks.slice(0, 5), 2);
    const records = [...first.records, ...next.records.slice(10)];
    const ids = first.ids;
    topic.failIf = (eventId) => eventId === ids[0];

    const response = await deliverChanges(records, deps);

    expect(topic.calls).toEqual([10]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0]?.dynamodb?.SequenceNumber }]);
  });

  it('skips changes already marked published', async () => {
    const { topic, deps } = setup();
    const { records } = recordsFor(['a', 'b']);
    await deliverChanges(records, deps);

    await deliverChanges(records, deps);

    expect(topic.received).toHaveLength(2);
  });

  it('drops a malformed record with a clear log line instead of retrying it forever', async () => {
    const { topic, deps, logger } = setup();
    const error = jest.spyOn(logger, 'error');
    const { records } = recordsFor(['a']);
    const broken: DynamoDBRecord = {
      ...records[0],
      dynamodb: { ...records[0]?.dynamodb, NewImage: undefined },
    };

    const response = await deliverChanges([broken, ...recordsFor(['b']).records], deps);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(topic.received).toHaveLength(1);
    expect(error).toHaveBeenCalledWith(
      expect.stringContaining('Dropped'),
      expect.objectContaining({ reason: expect.stringContaining('NewImage') }),
    );
  });
});

describe('deliverChanges with another consumer on the same stream', () => {
  it('publishes nothing another consumer holds, and reports the first held change for retry', async () => {
    const { topic, outbox, deps } = setup();
    const { records, ids } = recordsFor(['a', 'b', 'c']);
    const held = changeFromRecord(records[1] as DynamoDBRecord);
    if (!held) throw new Error('no change');
    await outbox.claim(held.historyKey, 'consumer-2', new Date(), 60_000);

    const response = await deliverChanges(records, deps);

    expect(topic.received).toEqual([ids[0]]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[1]?.dynamodb?.SequenceNumber }]);
    // What this consumer claimed but could not reach is given back at once.
    expect(outbox.released).toEqual(['EVENT#c#0000000001']);
  });

  it('takes over a change whose claim has lapsed (its consumer died)', async () => {
    const { topic, outbox, deps } = setup();
    const { records, ids } = recordsFor(['a']);
    const change = changeFromRecord(records[0] as DynamoDBRecord);
    if (!change) throw new Error('no change');
    await outbox.claim(change.historyKey, 'consumer-2', new Date(Date.now() - 61_000), 60_000);

    await deliverChanges(records, deps);

    expect(topic.received).toEqual(ids);
    expect(outbox.isPublished(change.historyKey)).toBe(true);
  });

  it('gives back the claims of a failed batch and of the waves after it', async () => {
    const { topic, outbox, deps } = setup();
    const tasks = Array.from({ length: 10 }, (_, i) => `t${i}`);
    // t0..t9 at version 1, then t0 and t1 at version 2: a second wave.
    const first = recordsFor(tasks);
    const records = [...first.records, ...recordsFor(tasks.slice(0, 2), 2).records.slice(2)];
    topic.failIf = (eventId) => eventId === first.ids[3];

    await deliverChanges(records, deps);

    expect(outbox.released.sort()).toEqual([
      'EVENT#t0#0000000002',
      'EVENT#t1#0000000002',
      'EVENT#t3#0000000001',
    ]);
  });
});

describe('changeFromRecord', () => {
  it('rejects as malformed an event that has the identity fields but cannot be rendered', () => {
    const [record] = recordsFor(['a']).records;
    const image = { ...(record?.dynamodb?.NewImage as Record<string, unknown>) };
    image.pendingEvent = { S: JSON.stringify({ schemaVersion: '1', eventId: 'x', taskId: 't' }) };

    expect(() =>
      changeFromRecord({ ...record, dynamodb: { ...record?.dynamodb, NewImage: image as never } }),
    ).toThrow(MalformedRecordError);
  });

  it('ignores a silent snapshot write, a history item and a deletion', () => {
    const [record] = recordsFor(['a']).records;
    const silent: DynamoDBRecord = {
      ...record,
      dynamodb: {
        ...record?.dynamodb,
        NewImage: { pk: { S: 'us-east-1#import-image' }, sk: { S: 'TASK#a' }, version: { N: '2' } },
      },
    };
    const history: DynamoDBRecord = {
      ...record,
      dynamodb: { ...record?.dynamodb, Keys: { pk: { S: 'x' }, sk: { S: 'EVENT#a#0000000001' } } },
    };
    const removal: DynamoDBRecord = { ...record, eventName: 'REMOVE' };

    expect(changeFromRecord(silent)).toBeUndefined();
    expect(changeFromRecord(history)).toBeUndefined();
    expect(changeFromRecord(removal)).toBeUndefined();
  });

  it('points at the history item of the version the write created', () => {
    const event = anEvent(3, aTask({ taskId: 'import-ami-7' }));

    const change = changeFromRecord(changeRecord(event, 3));

    const pk = '123456789012#us-east-1#import-image';
    expect(change?.historyKey).toEqual({ pk, sk: 'EVENT#import-ami-7#0000000003' });
    expect(change?.carrier).toEqual({ key: { pk, sk: 'TASK#import-ami-7' }, version: 3 });
    expect(change?.event).toEqual(event);
  });
});

describe('planBatches', () => {
  it('keeps a batch within SNS size limits', () => {
    const changes = recordsFor(['a', 'b', 'c']).records.map((r) => {
      const change = changeFromRecord(r);
      if (!change) throw new Error('no change');
      return { ...change, message: { ...change.message, bytes: 100_000 } };
    });

    expect(planBatches(changes).map((batch) => batch.length)).toEqual([2, 1]);
  });
});
