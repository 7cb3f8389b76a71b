// The metrics the alarms and the dashboard read are the ones the functions write: same names,
// same dimensions, same namespace and service. Read from the handlers' source, so renaming a
// metric on one side only fails here instead of leaving an alarm that never fires.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  MONITOR_METRICS,
  NOTIFIER_METRICS,
  QUOTA_IN_USE_METRIC,
  quotaInUseSearch,
} from '../../lib/monitor-metrics';

const ROOT = path.resolve(__dirname, '../..');
const SOURCES = [
  'lambdas/poller/poll-cycle.ts',
  'lambdas/publisher/deliver-changes.ts',
  'lambdas/dispatcher/dispatch.ts',
  'lambdas/worker/handler.ts',
].map((file) => readFileSync(path.join(ROOT, file), 'utf8'));

/** Every metric name the sources emit. */
function emittedMetrics(): Set<string> {
  return new Set(
    SOURCES.flatMap((source) =>
      [...source.matchAll(/metrics\.addMetric\('(\w+)'/g)].map(([, name]) => name as string),
    ),
  );
}

it('names exactly the metrics the functions emit', () => {
  expect(new Set(MONITOR_METRICS)).toEqual(emittedMetrics());
});

it('gives no metric a dimension but service, so each is one series whatever the Regions, accounts and types', () => {
  for (const source of SOURCES) {
    expect(source).not.toMatch(/singleMetric\(|addDimensions?\(/);
  }
});

it('sends the quota metric the dashboard searches for, with the account, Region and quota as its dimensions', () => {
  const source = readFileSync(path.join(ROOT, 'lambdas/poller/quota-headroom.ts'), 'utf8');

  expect(QUOTA_IN_USE_METRIC).toBe('QuotaTasksInUse');
  expect(source).toContain('single.addMetric(QUOTA_IN_USE_METRIC,');
  expect(source).toContain(
    'single.addDimensions({ account: unit.account, region: unit.region, quota: group })',
  );
  expect(quotaInUseSearch().expression).toBe(
    `SEARCH('{Ec2TaskMonitor,account,quota,region,service} MetricName="QuotaTasksInUse" service="ec2-task-monitor"', 'Maximum', 300)`,
  );
});

it('uses the namespace and service the functions are configured with', () => {
  const observability = readFileSync(path.join(ROOT, 'lambdas/shared/observability.ts'), 'utf8');

  expect(METRICS_NAMESPACE).toBe('Ec2TaskMonitor');
  expect(METRICS_SERVICE).toBe('ec2-task-monitor');
  // One literal each (lambdas/shared/service.ts), which the functions' metrics are built with.
  expect(observability).toContain(`namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME`);
  expect(observability).toContain(`from './service'`);
});

it("names exactly the metrics every notifier emits, each with its channel's name as a dimension", () => {
  const notifier = readFileSync(path.join(ROOT, 'lambdas/notifiers/notifier.ts'), 'utf8');
  const emitted = [...notifier.matchAll(/count\('(\w+)'\)/g)].map(([, name]) => name);

  expect(new Set(emitted)).toEqual(new Set(Object.keys(NOTIFIER_METRICS)));
  expect(notifier).toContain("metrics.addDimension('channel', channel.name)");
});
