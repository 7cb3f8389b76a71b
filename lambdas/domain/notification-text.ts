// The human rendering of an event: an email subject and a plain-text body written for a
// person. The local mode prints the same text, so what a developer sees is what a subscriber gets.
// Every value that comes from the task is data, never layout: it is put on one line without
// format controls, so a newline in an S3 key cannot forge a "Console:" section or any other line.
import { estimateText, formatDuration, oneLine, stallText } from './chat-text';
import { consoleLinks } from './console-links';
import { accountLabel, type TaskChangeEvent, timeInPreviousState } from './event';
import type { TaskStatus } from './task';

/** SNS rejects subjects longer than 100 characters. */
const MAX_SUBJECT = 100;

function headline(event: TaskChangeEvent): string {
  const { current } = event;
  switch (event.changeType) {
    case 'TaskStateChanged':
      return current.phase;
    case 'TaskDiscovered':
      return `started (${current.state || 'no state'})`;
    case 'TaskProgressed':
      return `${current.state || current.phase}${current.progress === null ? '' : ` ${current.progress}%`}`;
    case 'TaskDisappeared':
      return 'disappeared';
    case 'TaskStalled':
      return `stalled${current.progress === null ? '' : ` at ${current.progress}%`}`;
  }
}

/**
 * Email subject, such as `[EC2 tasks] import-image import-ami-0abc failed (us-east-1)`. SNS
 * allows printable ASCII only, at most 100 characters, so anything else is replaced or cut.
 */
export function notificationSubject(event: TaskChangeEvent): string {
  const subject = `[EC2 tasks] ${event.taskType} ${event.taskId} ${headline(event)} (${event.region})`
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/\s+/g, ' ');
  return subject.length > MAX_SUBJECT ? `${subject.slice(0, MAX_SUBJECT - 3)}...` : subject;
}

function describeStatus(status: TaskStatus | null): string {
  if (!status) return '(first seen)';
  return status.state ? `${status.phase} (${oneLine(status.state)})` : status.phase;
}

function sentence(event: TaskChangeEvent): string {
  const what = `The EC2 ${event.taskType} task ${oneLine(event.taskId)} in ${oneLine(event.region)}`;
  switch (event.changeType) {
    case 'TaskStateChanged':
      return event.previous
        ? `${what} went from ${event.previous.phase} to ${event.current.phase}${event.stall ? ` (it ${stallText(event)})` : ''}.`
        : `${what} was first seen already ${event.current.phase}.`;
    case 'TaskDiscovered':
      return `${what} has started and is being watched.`;
    case 'TaskProgressed':
      return event.stall
        ? `${what} is still ${event.current.phase} and has moved on: it ${stallText(event)}.`
        : `${what} is still ${event.current.phase} and has moved on.`;
    case 'TaskStalled':
      return `${what} has not moved: its progress, state and status message are ${stallText(event)}.`;
    case 'TaskDisappeared':
      return `${what} is no longer listed by EC2 although it had not finished. Check whether it was cancelled or failed.`;
  }
}

function formatTime(iso: string | null): string | undefined {
  return iso
    ? iso
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')
        .replace(/Z$/, ' UTC')
    : undefined;
}

/** ` for 1h 5m`: how long the task was in its previous state, when the event knows; else nothing. */
function forHowLong(event: TaskChangeEvent): string {
  const ms = timeInPreviousState(event);
  return ms === undefined ? '' : ` for ${formatDuration(ms)}`;
}

/** Plain-text body for email subscribers. */
export function notificationText(event: TaskChangeEvent): string {
  const { task, current } = event;
  const rows: Array<[string, string | undefined]> = [
    ['Task', event.taskId],
    ['Type', event.taskType],
    ['Region', event.region],
    ['Account', accountLabel(event)],
    ['Change', `${describeStatus(event.previous)}${forHowLong(event)} -> ${describeStatus(current)}`],
    ['Message', current.statusMessage ?? undefined],
    ['Progress', current.progress === null ? undefined : `${current.progress}%`],
    ['Estimate', estimateText(event)],
    ['Stall', stallText(event)],
    ['Started', formatTime(task.startTime)],
    ['Updated', formatTime(task.updateTime)],
    ['Detected', formatTime(event.detectedAt)],
  ];
  const table = rows
    .map(([label, value]): [string, string | undefined] => [label, value && oneLine(value)])
    .filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '')
    .map(([label, value]) => `${`${label}:`.padEnd(10)} ${value}`)
    .join('\n');
  // The URLs encode what they carry; the labels name the task's resources and are task text.
  const links = consoleLinks(task).map((link) => `  ${oneLine(link.label)}\n    ${link.url}`);
  return [
    sentence(event),
    '',
    table,
    '',
    // A partition without a public console (the isolated ones) gets no links.
    ...(links.length > 0 ? ['Console:', ...links, ''] : []),
    `Event ${event.eventId} (${event.changeType}). Filter or unsubscribe in the SNS console.`,
  ].join('\n');
}
