import {
  EVENT_DETAIL_TYPE,
  EVENT_SOURCE,
  resourceArns,
  toEventBusEntry,
} from '../../../channels/event-bus/entry';
import type { TaskChangeEvent } from '../../../lambdas/domain/event';
import type { Task } from '../../../lambdas/domain/task';
import { aChange, aTask } from '../../support/tasks';

function eventOf(task: Task): TaskChangeEvent {
  return aChange(task, { version: 3 });
}

describe('toEventBusEntry', () => {
  it('puts the event as the detail under the documented source and detail type', () => {
    const event = eventOf(
      aTask({ state: 'completed', phase: 'succeeded', resources: { imageId: 'ami-0abc' } }),
    );

    const entry = toEventBusEntry(event, 'ec2-task-monitor');

    expect(entry).toEqual({
      EventBusName: 'ec2-task-monitor',
      Source: 'ec2-task-monitor',
      DetailType: 'EC2 Task Change',
      Detail: JSON.stringify(event),
      Time: new Date('2026-11-23T08:00:00.000Z'),
      Resources: ['arn:aws:ec2:us-east-1:123456789012:image/ami-0abc'],
    });
    expect(EVENT_SOURCE).toBe('ec2-task-monitor');
    expect(EVENT_DETAIL_TYPE).toBe('EC2 Task Change');
  });

  it('drops an oversized raw object rather than the event', () => {
    const event = eventOf(aTask({ raw: { Description: 'x'.repeat(300_000) } }));

    const entry = toEventBusEntry(event, 'default');
    const detail = JSON.parse(entry.Detail) as TaskChangeEvent;

    expect(Buffer.byteLength(entry.Detail)).toBeLessThan(256 * 1024);
    expect(detail.task.raw).toEqual({ _truncated: true, reason: 'too large for EventBridge' });
    expect(detail.eventId).toBe(event.eventId);
    expect(detail.current).toEqual(event.current);
  });
});

describe('resourceArns', () => {
  it('names every EC2 resource and the bucket as ARNs', () => {
    const event = eventOf(
      aTask({
        region: 'eu-west-1',
        resources: {
          imageId: 'ami-1',
          instanceId: 'i-2',
          snapshotId: 'snap-3',
          volumeId: 'vol-4',
          bucket: 'exports',
          key: 'a/b.vmdk',
        },
      }),
    );

    expect(resourceArns(event)).toEqual([
      'arn:aws:ec2:eu-west-1:123456789012:image/ami-1',
      'arn:aws:ec2:eu-west-1:123456789012:instance/i-2',
      'arn:aws:ec2:eu-west-1:123456789012:snapshot/snap-3',
      'arn:aws:ec2:eu-west-1:123456789012:volume/vol-4',
      'arn:aws:s3:::exports',
    ]);
  });

  it('is empty when the task names no resource', () => {
    expect(resourceArns(eventOf(aTask({ resources: {} })))).toEqual([]);
  });
});
