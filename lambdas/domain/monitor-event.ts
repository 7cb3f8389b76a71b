// Everything the monitor publishes on its topic: a task's change (TaskChangeEvent) or a crossing of
// a VM Import/Export quota's warning share (QuotaEvent). Both are schema 1 and carry `changeType`,
// which tells them apart; the publisher, the notifiers and the channels take either.
import {
  accountLabel,
  type EventAttributeName,
  eventAttributes,
  isTaskChangeEvent,
  type TaskChangeEvent,
} from './event';
import { oneLine } from './chat-text';
import { isQuotaEvent, type QuotaEvent, quotaSentence, quotaSummary } from './quota';

/** A published event: a task's change or a quota crossing. */
export type MonitorEvent = TaskChangeEvent | QuotaEvent;

/** True for a parsed value with the shape of either event. */
export function isMonitorEvent(value: unknown): value is MonitorEvent {
  return isTaskChangeEvent(value) || isQuotaEvent(value);
}

/** True for a quota event (it has `quota`, a task change has `task`). */
export function isQuotaChange(event: MonitorEvent): event is QuotaEvent {
  return 'quota' in event;
}

/**
 * What orders an event among the others: a task's changes in order per task, a unit's quota
 * events in order per account and Region (they are written to one item, one after the other).
 */
export function orderKeyOf(event: MonitorEvent): string {
  return isQuotaChange(event)
    ? `${event.account}|${event.region}|quota`
    : `${event.account}|${event.region}|${event.taskType}|${event.taskId}`;
}

/** The message attributes of an event: a quota event's are its change type, account, Region and quota. */
export function monitorEventAttributes(event: MonitorEvent): Partial<Record<EventAttributeName, string>> {
  if (!isQuotaChange(event)) return eventAttributes(event);
  return {
    changeType: event.changeType,
    region: event.region,
    account: event.account,
    quota: event.quota.name,
  };
}

/** The email subject of a quota event: `[EC2 tasks] us-east-1: 17 of 20 concurrent VM import/export image tasks in use (85 %)`. */
export function quotaSubject(event: QuotaEvent): string {
  return `[EC2 tasks] ${quotaSummary(event)}`.replace(/[^\x20-\x7e]/g, '?');
}

/** The plain-text email body of a quota event. */
export function quotaText(event: QuotaEvent): string {
  const { quota } = event;
  const warningAt = Math.round(quota.warningShare * 100);
  const sentence =
    event.changeType === 'QuotaNearlyExhausted'
      ? `${quotaSentence(quota)} in ${event.region}: at least ${warningAt} % of the limit. ` +
        'New tasks of these types fail with ResourceCountLimitExceeded once it is reached; wait for some to finish before submitting more.'
      : `${quotaSentence(quota)} in ${event.region}: back below ${warningAt} % of the limit.`;
  const rows: Array<[string, string]> = [
    ['Account', oneLine(accountLabel(event))],
    ['Region', event.region],
    ['Quota', `${quota.description} (${quota.taskTypes.join(', ')})`],
    ['In use', `${quota.inUse} of ${quota.limit}`],
    [
      'Limit',
      quota.limitSource === 'service-quotas'
        ? 'from Service Quotas'
        : 'the documented default (Service Quotas could not be read)',
    ],
    ['Detected', event.detectedAt],
  ];
  return [
    sentence,
    '',
    rows.map(([label, value]) => `${`${label}:`.padEnd(10)} ${value}`).join('\n'),
    '',
    `Event ${event.eventId} (${event.changeType}). Filter or unsubscribe in the SNS console.`,
  ].join('\n');
}
