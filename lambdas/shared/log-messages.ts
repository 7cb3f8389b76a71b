// The messages of the poller's structured log lines that the stack's saved Logs Insights queries
// (lib/monitor-queries.ts) filter on: one literal each, written here and read there.

/** The `message` of each poller line a saved query reads. */
export const POLLER_LOG_MESSAGES = {
  /** One per listing that returned tasks: account, region, taskType, tasks, and a count per phase. */
  tasksSeen: 'Tasks seen',
  /** One per change recorded: account, region, taskType, taskId, changeType, from, to, state, eventId. */
  changeRecorded: 'Change recorded',
  /** One per failed listing: account, region, taskType, code, errorMessage. */
  listingFailed: 'Listing failed; nothing inferred from it this cycle',
  /** One per task object listed without what identifies it: account, region, taskType, reason. */
  taskSkipped: 'Skipped a task the API returned without what identifies it',
} as const;
