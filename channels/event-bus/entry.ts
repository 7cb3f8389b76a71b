// How an event goes on an EventBridge bus: a fixed source and detail type that consumers' rules
// match, the event itself as the detail, and the task's AWS resources as the entry's resources.
import type { TaskChangeEvent } from '../../lambdas/domain/event';
import { isQuotaChange, type MonitorEvent } from '../../lambdas/domain/monitor-event';
import { partitionOf } from '../../lambdas/domain/partition';

/** The `source` of every entry; EventBridge reserves `aws.*` for AWS services. */
export const EVENT_SOURCE = 'ec2-task-monitor';

/** The `detail-type` of every task change's entry. */
export const EVENT_DETAIL_TYPE = 'EC2 Task Change';

/** The `detail-type` of a quota event's entry (QuotaNearlyExhausted, QuotaAvailable): rules on task changes never see one. */
export const QUOTA_EVENT_DETAIL_TYPE = 'EC2 Task Quota';

/** EventBridge's limit for one PutEvents entry (source, detail type, detail, resources and time). */
const EVENT_BUS_MAX_BYTES = 262_144;
/** Budget for one entry, leaving room for the other fields' overhead. */
const ENTRY_BUDGET = EVENT_BUS_MAX_BYTES - 8 * 1024;

/** One PutEvents request entry (the SDK's PutEventsRequestEntry fields this product sets). */
export interface EventBusEntry {
  EventBusName: string;
  Source: typeof EVENT_SOURCE;
  DetailType: typeof EVENT_DETAIL_TYPE | typeof QUOTA_EVENT_DETAIL_TYPE;
  /** The event as JSON. */
  Detail: string;
  /** When the poll saw the change, so rules, archives and replays see the change's time. */
  Time: Date;
  /** ARNs of the task's EC2 resources (image, instance, snapshot, volume) and S3 bucket. */
  Resources: string[];
}

/** ARNs of the resources a task names, in the Region's partition, in a stable order. */
export function resourceArns(event: TaskChangeEvent): string[] {
  const { region, account } = event;
  const partition = partitionOf(region);
  const { imageId, instanceId, snapshotId, volumeId, bucket } = event.task.resources;
  const ec2 = (type: string, id: string | undefined): string[] =>
    id ? [`arn:${partition}:ec2:${region}:${account}:${type}/${id}`] : [];
  return [
    ...ec2('image', imageId),
    ...ec2('instance', instanceId),
    ...ec2('snapshot', snapshotId),
    ...ec2('volume', volumeId),
    ...(bucket ? [`arn:${partition}:s3:::${bucket}`] : []),
  ];
}

/**
 * The PutEvents entry of an event. The raw API object is bounded well below EventBridge's limit;
 * should an entry still be too large, the raw object is dropped and marked so, as on SNS.
 */
export function toEventBusEntry(event: MonitorEvent, eventBusName: string): EventBusEntry {
  if (isQuotaChange(event)) {
    // A few hundred bytes, and no resource: the quota is the account's in the Region.
    return {
      EventBusName: eventBusName,
      Source: EVENT_SOURCE,
      DetailType: QUOTA_EVENT_DETAIL_TYPE,
      Detail: JSON.stringify(event),
      Time: new Date(event.detectedAt),
      Resources: [],
    };
  }
  const entry = (detail: TaskChangeEvent): EventBusEntry => ({
    EventBusName: eventBusName,
    Source: EVENT_SOURCE,
    DetailType: EVENT_DETAIL_TYPE,
    Detail: JSON.stringify(detail),
    Time: new Date(event.detectedAt),
    Resources: resourceArns(event),
  });
  const full = entry(event);
  if (Buffer.byteLength(full.Detail) <= ENTRY_BUDGET) return full;
  return entry({
    ...event,
    task: { ...event.task, raw: { _truncated: true, reason: 'too large for EventBridge' } },
  });
}
