// Delivers the changes the poller recorded the way the deployed event source mapping does: read
// the table's stream in order, hand the records to the publisher handler in batches, and on a
// reported failure resume from the failed record at the next delivery. Used by `poll --once`
// and the local mode, where no Lambda service reads the stream.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { PUBLISHER_STREAM_FILTER } from '../lambdas/shared/table-layout';
import { matchesFilter } from './event-filter';

/** The deployed event source mapping's batch size. */
const STREAM_BATCH_SIZE = 100;
/** GetRecords calls per shard and delivery before moving on; the rest is read next time. */
const MAX_READS_PER_SHARD = 50;

/** The publisher handler as the Lambda service calls it. */
export type PublisherInvoker = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

/** Outcome of one delivery. */
export interface DeliveryResult {
  /** Records handed to the publisher (including ones it ignores, such as history items). */
  delivered: number;
  /** Records still waiting because the publisher reported a failure. */
  pending: number;
  /** Why the publisher could not deliver everything, when it could not. */
  failure?: string;
}

type Image = Record<string, unknown> | undefined;

/**
 * Repairs an image as the Streams client decodes it: an empty map attribute (`{"M":{}}` on the
 * wire) comes out as `{}`, which no AttributeValue reader accepts. Lambda passes `{"M":{}}`.
 */
function repairImage(image: Image): Image {
  if (!image) return image;
  const repair = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    if (entries.length === 0) return { M: {} };
    const [[type, inner]] = entries as [[string, unknown]];
    if (type === 'M') return { M: repairImage(inner as Image) };
    if (type === 'L') return { L: (inner as unknown[]).map(repair) };
    return value;
  };
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, repair(value)]));
}

/** Converts a DynamoDB Streams API record into the shape Lambda passes to the handler. */
export function toLambdaRecord(record: StreamRecord): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource ?? 'aws:dynamodb',
    awsRegion: record.awsRegion,
    dynamodb: {
      ...(stream as Record<string, unknown>),
      Keys: repairImage(stream.Keys as Image),
      NewImage: repairImage(stream.NewImage as Image),
      OldImage: repairImage(stream.OldImage as Image),
      ApproximateCreationDateTime:
        stream.ApproximateCreationDateTime instanceof Date
          ? Math.floor(stream.ApproximateCreationDateTime.getTime() / 1000)
          : undefined,
    } as DynamoDBRecord['dynamodb'],
  };
}

/** Parents before children, so that a task's records stay in order across shard splits. */
function orderShards(shards: readonly Shard[]): Shard[] {
  const ids = new Set(shards.map((shard) => shard.ShardId));
  const ordered: Shard[] = [];
  const placed = new Set<string>();
  const place = (shard: Shard) => {
    if (!shard.ShardId || placed.has(shard.ShardId)) return;
    const parent = shards.find((candidate) => candidate.ShardId === shard.ParentShardId);
    if (parent && ids.has(parent.ShardId)) place(parent);
    placed.add(shard.ShardId);
    ordered.push(shard);
  };
  shards.forEach(place);
  return ordered;
}

/**
 * Hands records to the publisher in the event source mapping's batches, in order, and stops at
 * the first record it reports failed, as Lambda would before retrying from that record.
 * @returns how many records, from the start, are done; and why it stopped, when it did
 */
export async function feedPublisher(
  records: readonly DynamoDBRecord[],
  invoke: PublisherInvoker,
): Promise<{ delivered: number; failure?: string }> {
  for (let start = 0; start < records.length; start += STREAM_BATCH_SIZE) {
    const batch = records.slice(start, start + STREAM_BATCH_SIZE);
    const failed = (await invoke({ Records: batch }))?.batchItemFailures?.[0]?.itemIdentifier;
    if (failed) {
      const done = Math.max(
        0,
        batch.findIndex((record) => record.dynamodb?.SequenceNumber === failed),
      );
      return { delivered: start + done, failure: `the publisher could not deliver record ${failed}` };
    }
  }
  return { delivered: records.length };
}

/** Reads a table's stream from its oldest record and feeds the publisher, remembering its position. */
export class StreamDelivery {
  private streamArn: string | undefined;
  /** Next iterator per shard; null once a closed shard is read to its end. */
  private readonly iterators = new Map<string, string | null>();
  private pending: DynamoDBRecord[] = [];

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly streams: DynamoDBStreamsClient,
    private readonly tableName: string,
  ) {}

  /**
   * Reads what the stream has gathered since the last call and hands it to the publisher, page by
   * page as it reads: the reader holds one page of records at a time (and what a failed delivery
   * left), never the whole backlog.
   */
  async deliver(invoke: PublisherInvoker): Promise<DeliveryResult> {
    let delivered = 0;
    const feed = async (records: DynamoDBRecord[]): Promise<string | undefined> => {
      const fed = await feedPublisher(records, invoke);
      delivered += fed.delivered;
      this.pending = records.slice(fed.delivered);
      return fed.failure;
    };
    let failure = this.pending.length > 0 ? await feed(this.pending) : undefined;
    if (!failure) {
      for await (const page of this.newRecordPages()) {
        failure = await feed(page);
        // The rest of the page waits for the next delivery; the stream is read from after it.
        if (failure) break;
      }
    }
    return { delivered, pending: this.pending.length, failure };
  }

  /** The stream's new records, one page at a time; each shard's position moves past every page given out. */
  private async *newRecordPages(): AsyncGenerator<DynamoDBRecord[]> {
    this.streamArn ??= await this.findStream();
    const shards = await this.listShards(this.streamArn);
    for (const shard of orderShards(shards)) {
      const shardId = shard.ShardId as string;
      let iterator = this.iterators.get(shardId);
      if (iterator === null) continue;
      iterator ??= (
        await this.streams.send(
          new GetShardIteratorCommand({
            StreamArn: this.streamArn,
            ShardId: shardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
      this.iterators.set(shardId, iterator ?? null);
      for (let read = 0; iterator && read < MAX_READS_PER_SHARD; read++) {
        const output: GetRecordsCommandOutput = await this.streams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
        );
        const raw = output.Records ?? [];
        iterator = output.NextShardIterator;
        // An open shard answers an empty page when it is caught up; keep the iterator for next time.
        this.iterators.set(shardId, iterator ?? null);
        // The event source mapping filters before it invokes the function; so does this.
        const records = raw
          .map(toLambdaRecord)
          .filter((record) => matchesFilter(record, PUBLISHER_STREAM_FILTER));
        if (records.length > 0) yield records;
        if (raw.length === 0) break;
      }
    }
  }

  private async findStream(): Promise<string> {
    const table = await this.dynamodb.send(new DescribeTableCommand({ TableName: this.tableName }));
    const arn = table.Table?.LatestStreamArn;
    if (!arn) throw new Error(`Table ${this.tableName} has no stream`);
    return arn;
  }

  private async listShards(streamArn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const output = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(output.StreamDescription?.Shards ?? []));
      start = output.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }
}
