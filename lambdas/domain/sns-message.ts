// How an event becomes an SNS message: one JSON body per protocol (MessageStructure=json), so
// email subscribers read the plain-text rendering while SQS, Lambda and HTTPS subscribers get
// the JSON event, plus the attributes filter policies match on.
import type { EventAttributeName } from './event';
import {
  isQuotaChange,
  type MonitorEvent,
  monitorEventAttributes,
  quotaSubject,
  quotaText,
} from './monitor-event';
import { notificationSubject, notificationText } from './notification-text';

/** SNS's limit for one message, attributes included; PublishBatch allows the same for a whole batch. */
export const SNS_MAX_BYTES = 262_144;
/** Budget for one message, leaving room for attributes and protocol overhead. */
const MESSAGE_BUDGET = SNS_MAX_BYTES - 8 * 1024;

/** A message ready for Publish or PublishBatch. */
export interface SnsMessage {
  subject: string;
  /** The JSON document of MessageStructure=json: `default` (the event) and `email` (the text). */
  message: string;
  attributes: Partial<Record<EventAttributeName, string>>;
  /** Size counted against SNS's limits. */
  bytes: number;
}

function render(event: MonitorEvent): SnsMessage {
  const quota = isQuotaChange(event);
  const subject = quota ? quotaSubject(event) : notificationSubject(event);
  const email = quota ? quotaText(event) : notificationText(event);
  const message = JSON.stringify({ default: JSON.stringify(event), email });
  const attributes = monitorEventAttributes(event);
  const attributeBytes = Object.entries(attributes).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value ?? '') + 'String'.length,
    0,
  );
  return {
    subject,
    message,
    attributes,
    bytes: Buffer.byteLength(message) + Buffer.byteLength(subject) + attributeBytes,
  };
}

/**
 * Renders an event as an SNS message. The raw API object is normally bounded well below the
 * limit; should a message still be too large, the raw object is dropped and marked so.
 */
export function toSnsMessage(event: MonitorEvent): SnsMessage {
  const full = render(event);
  // A quota event is a few hundred bytes: only a task's raw object can make a message too large.
  if (full.bytes <= MESSAGE_BUDGET || isQuotaChange(event)) return full;
  return render({
    ...event,
    task: { ...event.task, raw: { _truncated: true, reason: 'too large for SNS' } },
  });
}
