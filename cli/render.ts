// Terminal rendering shared by the commands: the task status table with progress bars, a task's
// timeline, and an event shown the way an email subscriber reads it.
import type { StoredTask } from '../lambdas/domain/changes';
import { stallText } from '../lambdas/domain/chat-text';
import { estimateCompletion } from '../lambdas/domain/completion-estimate';
import type { TaskChangeEvent } from '../lambdas/domain/event';
import { isTerminal, type Phase } from '../lambdas/domain/phase';
import type { TaskStatus } from '../lambdas/domain/task';
import { notificationSubject, notificationText } from '../lambdas/domain/notification-text';
import { isQuotaChange, type MonitorEvent, quotaSubject, quotaText } from '../lambdas/domain/monitor-event';
import { type QuotaUse, quotaSummary } from '../lambdas/domain/quota';
import type { HistoryEntry } from '../lambdas/adapters/snapshot-store';

/** Whether to colour the output. */
export interface RenderOptions {
  color: boolean;
}

const PHASE_COLORS: Record<Phase, number> = {
  pending: 36,
  running: 34,
  succeeded: 32,
  failed: 31,
  cancelled: 33,
  unknown: 35,
};

function paint(text: string, code: number, options: RenderOptions): string {
  return options.color ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** `1 task`, `2 tasks`, `0 tasks`: a count with its noun in the right number (regular plurals only). */
export function plural(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}

/** A fixed-width progress bar, `[#####.....]  50%`, or blanks when the task reports no progress. */
export function progressBar(progress: number | null, width = 20): string {
  if (progress === null) return ' '.repeat(width + 7);
  const filled = Math.round((progress / 100) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(progress).padStart(3)}%`;
}

/**
 * Rows as aligned columns, two spaces apart; with colour, the first row (the header) bold and each
 * other row in the colour `colorColumn` picks for it.
 */
export function table(
  rows: string[][],
  options: RenderOptions,
  colorColumn?: (row: string[]) => number | undefined,
): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row, index) => {
      const line = row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd();
      const code = index === 0 ? 1 : colorColumn?.(row);
      return code === undefined ? line : paint(line, code, options);
    })
    .join('\n');
}

/**
 * The ETA column: the completion time estimated when the snapshot was last written (the estimate
 * its event carried), `around 14:20 UTC`, or blank when none is given (see completion-estimate.ts).
 */
export function etaOf(snapshot: StoredTask): string {
  const { task, progressAnchor, writtenAt } = snapshot;
  // A stalled task's past rate says nothing about when it will finish.
  if (snapshot.gone || snapshot.stalledAt !== undefined || writtenAt === undefined) return '';
  const eta = estimateCompletion(progressAnchor, {
    at: new Date(writtenAt),
    progress: task.progress,
    phase: task.phase,
  });
  return eta === undefined ? '' : `around ${eta.slice(11, 16)} UTC`;
}

/** The current snapshot of every task, one line each. */
export function renderStatus(tasks: readonly StoredTask[], options: RenderOptions): string {
  if (tasks.length === 0) return 'No tasks recorded yet.';
  const sorted = [...tasks].sort(
    (a, b) =>
      a.task.account.localeCompare(b.task.account) ||
      a.task.region.localeCompare(b.task.region) ||
      a.task.taskType.localeCompare(b.task.taskType) ||
      a.task.taskId.localeCompare(b.task.taskId),
  );
  // Organization mode: an ACCOUNT column once the tasks come from more than one account.
  const byAccount = new Set(tasks.map(({ task }) => task.account)).size > 1;
  const rows = [
    [...(byAccount ? ['ACCOUNT'] : []), 'TYPE', 'TASK ID', 'REGION', 'STATE', 'PHASE', 'PROGRESS', 'ETA'],
    ...sorted.map(({ task, gone }, index) => [
      ...(byAccount ? [task.account] : []),
      task.taskType,
      task.taskId,
      task.region,
      task.state || '-',
      gone ? `${task.phase} (gone)` : task.phase,
      // A finished task's last progress figure says nothing any more (a failed import stops at 28 %).
      isTerminal(task.phase) ? '' : progressBar(task.progress),
      etaOf(sorted[index] as StoredTask),
    ]),
  ];
  const phaseColumn = byAccount ? 5 : 4;
  return table(rows, options, (row) => PHASE_COLORS[(row[phaseColumn] ?? '').split(' ')[0] as Phase]);
}

/**
 * The VM Import/Export quotas, one line per account, Region and quota: the tasks in use of the
 * limit, yellow while the warning is raised.
 */
export function renderQuotas(uses: readonly QuotaUse[], options: RenderOptions): string {
  if (uses.length === 0) return '';
  const byAccount = new Set(uses.map((use) => use.account)).size > 1;
  const rows = [
    [...(byAccount ? ['ACCOUNT'] : []), 'QUOTA', 'REGION', 'IN USE', 'LEVEL'],
    ...uses.map((use) => [
      ...(byAccount ? [use.account] : []),
      use.group.name,
      use.region,
      `${use.inUse} / ${use.limit}${use.limitKnown ? '' : ' (documented)'} (${Math.round((use.inUse / use.limit) * 100)} %)`,
      use.level === 'nearly-exhausted' ? 'nearly exhausted' : 'available',
    ]),
  ];
  return table(rows, options, (row) => (row.at(-1) === 'nearly exhausted' ? 33 : undefined));
}

/**
 * The status table as the local mode shows it: rendered when a row differs from the last table
 * shown (colours aside), undefined otherwise, so a quiet cycle prints nothing.
 */
export function statusTableWhenChanged(): (
  tasks: readonly StoredTask[],
  options: RenderOptions,
) => string | undefined {
  let last: string | undefined;
  return (tasks, options) => {
    const plain = renderStatus(tasks, { color: false });
    if (plain === last) return undefined;
    last = plain;
    return options.color ? renderStatus(tasks, options) : plain;
  };
}

/** Recorded changes (one task's timeline, or the unpublished ones), oldest first. */
export function renderHistory(entries: readonly HistoryEntry[], options: RenderOptions): string {
  if (entries.length === 0) return 'No recorded changes for this task.';
  const rows = [
    ['TASK', 'VERSION', 'DETECTED', 'CHANGE', 'FROM', 'TO', 'MESSAGE', 'PUBLISHED'],
    ...entries.map(({ version, event, publishedAt }) => [
      event.taskId,
      String(version),
      event.detectedAt,
      event.changeType,
      event.previous ? `${event.previous.phase}/${event.previous.state || '-'}` : '-',
      `${event.current.phase}/${event.current.state || '-'}`,
      (event.current.statusMessage ?? '').slice(0, 60),
      publishedAt ? 'yes' : 'no',
    ]),
  ];
  return table(rows, options);
}

/**
 * What moved in a TaskProgressed, where the phase stays the same: the raw state, the progress
 * figure or the status message, e.g. `bundling -> storing`, `34% -> 50%`, `"converting" -> "updating"`.
 */
export function progressOf(event: Pick<TaskChangeEvent, 'previous' | 'current'>): string {
  const { previous, current } = event;
  const percent = (status: TaskStatus | null) => (status?.progress == null ? '?' : `${status.progress}%`);
  const parts: string[] = [];
  if (previous && previous.state !== current.state)
    parts.push(`${previous.state || '-'} -> ${current.state || '-'}`);
  if (previous?.progress !== current.progress) parts.push(`${percent(previous)} -> ${percent(current)}`);
  if (previous && previous.statusMessage !== current.statusMessage && current.statusMessage)
    parts.push(`"${previous.statusMessage ?? ''}" -> "${current.statusMessage}"`);
  return parts.length > 0 ? parts.join(', ') : `${current.phase}/${current.state || '-'}`;
}

/** What an event says happened, in a few words: `started (pending)`, `running -> failed`, `progress 34% -> 50%`. */
export function changeOf(event: TaskChangeEvent): string {
  const { previous, current } = event;
  switch (event.changeType) {
    case 'TaskDiscovered':
      return `discovered, ${current.phase} (${current.state || '-'})`;
    case 'TaskProgressed':
      return `progress ${progressOf(event)}${event.stall ? `, ${stallText(event)}` : ''}`;
    case 'TaskDisappeared':
      return `disappeared while ${previous?.phase ?? 'unfinished'}`;
    case 'TaskStalled':
      return `stalled, ${stallText(event)}`;
    default:
      return `${previous ? previous.phase : 'first seen'} -> ${current.phase} (${current.state || '-'})`;
  }
}

/** Yellow for a quota warning, green when it clears. */
const QUOTA_COLORS = { QuotaNearlyExhausted: 33, QuotaAvailable: 32 } as const;

/** One line for an event that is not emailed: time, task (or quota) and what changed. */
export function renderEventLine(event: MonitorEvent, options: RenderOptions): string {
  const time = event.detectedAt.slice(11, 19);
  if (isQuotaChange(event)) {
    return paint(
      `${time}  ${event.changeType} ${quotaSummary(event)}`,
      QUOTA_COLORS[event.changeType],
      options,
    );
  }
  // Organization mode names the account (its events carry its name): several accounts' tasks interleave.
  const where = event.accountName ? `${event.region}, ${event.accountName}` : event.region;
  const line = `${time}  ${event.taskType} ${event.taskId} (${where}): ${changeOf(event)}`;
  return paint(line, PHASE_COLORS[event.current.phase], options);
}

/**
 * How a scenario of the local mode ended, e.g. `scenario finished: 10 tasks, 43 changes, 10 alerts`
 * (alerts: the changes sent to email subscribers).
 */
export function scenarioFinishedLine(counts: { tasks: number; changes: number; alerts: number }): string {
  return `scenario finished: ${plural(counts.tasks, 'task')}, ${plural(counts.changes, 'change')}, ${plural(counts.alerts, 'alert')}`;
}

/** An event as an email subscriber receives it: subject line, then the body. */
export function renderEmail(event: MonitorEvent, options: RenderOptions): string {
  const quota = isQuotaChange(event);
  const subject = quota ? quotaSubject(event) : notificationSubject(event);
  const rule = '-'.repeat(Math.min(100, Math.max(40, subject.length + 9)));
  const code = quota ? QUOTA_COLORS[event.changeType] : PHASE_COLORS[event.current.phase];
  const body = quota ? quotaText(event) : notificationText(event);
  return [rule, paint(`Subject: ${subject}`, code, options), rule, body, ''].join('\n');
}
