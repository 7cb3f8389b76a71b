// The poller's settings the poll-cycle tests share: one import-image listing in us-east-1 with the
// stack's defaults (stalls and fast re-polls off unless a test sets `stallAfter` or `fastPollSeconds`).
import type { PollerConfig } from '../../lambdas/shared/config';

/** The settings, with the overrides given. */
export function pollerConfig(overrides: Partial<PollerConfig> = {}): PollerConfig {
  return {
    tableName: 'table',
    regions: ['us-east-1'],
    taskTypes: ['import-image'],
    account: '123456789012',
    progressStep: 25,
    retentionDays: 30,
    disappearAfterMisses: 2,
    pollIntervalSeconds: 60,
    ...overrides,
  };
}
