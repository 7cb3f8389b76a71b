// The notifiers' shared runtime: one delivery per event, in order, failures reported per message,
// redeliveries recognised by eventId. The channel is a recording fake; the delivery records live
// in memory with DynamoDB's put-if-absent semantics.
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { TaskChangeEvent } from '../../../lambdas/domain/event';
import {
  createNotifier,
  eventFromRecord,
  MalformedNotificationError,
  type DeliveryAdapter,
} from '../../../lambdas/notifiers/notifier';
import { logger, metrics } from '../../../lambdas/shared/observability';
import { MemoryDeliveryRecords } from '../../support/memory-delivery-records';
import { aChange, aTask } from '../../support/tasks';

const context = {
  functionName: 'notifier',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

function anEvent(taskId: string, version = 1): TaskChangeEvent {
  const task = aTask({
    taskId,
    state: 'deleted',
    phase: 'failed',
    statusMessage: 'ClientError: Disk validation failed',
  });
  return aChange(task, { version });
}

function recordOf(body: string, messageId: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: { ApproximateReceiveCount: '1' } as SQSRecord['attributes'],
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:chat',
    awsRegion: 'us-east-1',
  };
}

function batchOf(...events: Array<TaskChangeEvent | string>): SQSEvent {
  return {
    Records: events.map((event, index) =>
      recordOf(typeof event === 'string' ? event : JSON.stringify(event), `m${index}`),
    ),
  };
}

/** A channel that records what it delivers and fails for the task ids it is told to. */
class RecordingChannel implements DeliveryAdapter {
  readonly name = 'chatbot';
  readonly delivered: string[] = [];
  readonly failFor = new Set<string>();

  async deliver(event: TaskChangeEvent): Promise<void> {
    if (this.failFor.has(event.taskId)) throw new Error(`channel down for ${event.taskId}`);
    this.delivered.push(event.eventId);
  }
}

function setup() {
  const channel = new RecordingChannel();
  const records = new MemoryDeliveryRecords();
  const handler = createNotifier({ channel, persistenceStore: records, retentionDays: 30, logger, metrics });
  return { channel, records, handler };
}

describe('createNotifier', () => {
  it('delivers every event of a batch once, in order', async () => {
    const { channel, handler } = setup();
    const events = [anEvent('import-ami-1'), anEvent('import-ami-2'), anEvent('import-ami-3')];

    const response = await handler(batchOf(...events), context);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(channel.delivered).toEqual(events.map((event) => event.eventId));
  });

  it('does not deliver an event again when it comes back (same eventId), in the same batch or later', async () => {
    const { channel, handler } = setup();
    const event = anEvent('import-ami-1');

    await handler(batchOf(event, event), context);
    const again = await handler(batchOf(event), context);

    expect(again).toEqual({ batchItemFailures: [] });
    expect(channel.delivered).toEqual([event.eventId]);
  });

  it('counts deliveries and duplicates under the channel dimension', async () => {
    const { handler } = setup();
    const dimension = jest.spyOn(metrics, 'addDimension');
    const metric = jest.spyOn(metrics, 'addMetric');
    const event = anEvent('import-ami-1');

    await handler(batchOf(event, event), context);

    expect(dimension).toHaveBeenCalledWith('channel', 'chatbot');
    expect(metric.mock.calls.map(([name, , value]) => [name, value])).toEqual([
      ['NotificationsDelivered', 1],
      ['DuplicateNotifications', 1],
    ]);
  });

  it('delivers two changes of one task (two eventIds)', async () => {
    const { channel, handler } = setup();

    await handler(batchOf(anEvent('import-ami-1', 1), anEvent('import-ami-1', 2)), context);

    expect(channel.delivered).toHaveLength(2);
  });

  it('reports only the failed message, and delivers it when it comes back', async () => {
    const { channel, handler } = setup();
    const events = [anEvent('import-ami-1'), anEvent('import-ami-2'), anEvent('import-ami-3')];
    channel.failFor.add('import-ami-2');

    const first = await handler(batchOf(...events), context);
    channel.failFor.clear();
    const retry = await handler({ Records: [recordOf(JSON.stringify(events[1]), 'm1')] }, context);

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(retry).toEqual({ batchItemFailures: [] });
    expect(channel.delivered).toEqual([events[0]!.eventId, events[2]!.eventId, events[1]!.eventId]);
  });

  it('reports a batch where everything failed instead of throwing', async () => {
    const { channel, handler } = setup();
    channel.failFor.add('import-ami-1').add('import-ami-2');

    const response = await handler(batchOf(anEvent('import-ami-1'), anEvent('import-ami-2')), context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }] });
  });

  it('keeps a message that is not an event (it fails, to end in the dead-letter queue) and delivers the rest', async () => {
    const { channel, handler } = setup();
    const error = jest.spyOn(logger, 'error');
    const event = anEvent('import-ami-1');

    const response = await handler(batchOf('not json', JSON.stringify({ hello: 'world' }), event), context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }] });
    expect(channel.delivered).toEqual([event.eventId]);
    expect(error).toHaveBeenCalledWith('A message is not an event; it will end in the dead-letter queue', {
      messageId: 'm0',
      reason: 'the message body is not JSON',
    });
  });

  it('ignores an invocation that is not an SQS batch', async () => {
    const { channel, handler } = setup();

    expect(await handler({ detail: {} } as never, context)).toEqual({ batchItemFailures: [] });
    expect(channel.delivered).toEqual([]);
  });

  it('remembers deliveries for the retention period', async () => {
    const { records, handler } = setup();
    const before = Date.now() / 1000;

    await handler(batchOf(anEvent('import-ami-1')), context);

    const [record] = [...records.records.values()];
    expect(record?.getStatus()).toBe('COMPLETED');
    expect(record?.expiryTimestamp).toBeGreaterThanOrEqual(before + 30 * 24 * 3600 - 1);
  });
});

describe('eventFromRecord', () => {
  it('parses the raw JSON event', () => {
    const event = anEvent('import-ami-1');

    expect(eventFromRecord({ body: JSON.stringify(event) })).toEqual(event);
  });

  it.each([
    ['not JSON', '{', 'the message body is not JSON'],
    [
      'an SNS envelope (raw delivery off)',
      JSON.stringify({ Type: 'Notification', Message: '{}' }),
      'the message body is not a schema-1 event',
    ],
  ])('rejects %s', (_name, body, reason) => {
    expect(() => eventFromRecord({ body })).toThrow(new MalformedNotificationError(reason));
  });
});
