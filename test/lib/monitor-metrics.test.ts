// The metrics the alarms and the dashboard read are the ones the functions write: same names,
// same dimensions, same namespace and service. Read from the handlers' source, so renaming a
// metric on one side only fails here instead of leaving an alarm that never fires.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import {
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  MONITOR_METRICS,
  NOTIFIER_METRICS,
  searchText,
} from '../../lib/monitor-metrics';

const ROOT = path.resolve(__dirname, '../..');
const SOURCES = [
  'lambdas/poller/poll-cycle.ts',
  'lambdas/publisher/deliver-changes.ts',
  'lambdas/dispatcher/dispatch.ts',
  'lambdas/worker/handler.ts',
].map((file) => readFileSync(path.join(ROOT, file), 'utf8'));

/** Every metric the sources emit, with the dimensions added to its single metric (if any). */
function emittedMetrics(): Record<string, string[]> {
  const emitted: Record<string, string[]> = {};
  for (const source of SOURCES) {
    // A single metric: `metric.addDimensions({ a, b: x.b });` then `metric.addMetric('Name', ...)`.
    for (const [, dimensions, name] of source.matchAll(
      /addDimensions\(\{([^}]*)\}\);\s*metric\.addMetric\('(\w+)'/g,
    )) {
      emitted[name as string] = (dimensions as string).split(',').map((entry) => entry.split(':')[0]!.trim());
    }
    for (const [, name] of source.matchAll(/metrics\.addMetric\('(\w+)'/g)) emitted[name as string] = [];
  }
  return emitted;
}

it('names exactly the metrics the functions emit, with their dimensions', () => {
  const declared = Object.fromEntries(
    Object.entries(MONITOR_METRICS).map(([name, dimensions]) => [name, [...dimensions]]),
  );

  expect(declared).toEqual(emittedMetrics());
});

it('uses the namespace and service the functions are configured with', () => {
  const observability = readFileSync(path.join(ROOT, 'lambdas/shared/observability.ts'), 'utf8');

  expect(METRICS_NAMESPACE).toBe('Ec2TaskMonitor');
  expect(METRICS_SERVICE).toBe('ec2-task-monitor');
  // One literal each (lambdas/shared/service.ts), which the functions' metrics are built with.
  expect(observability).toContain(`namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME`);
  expect(observability).toContain(`from './service'`);
});

it('searches a metric over its full dimension set, service included', () => {
  expect(searchText('Changes', 'Sum', Duration.minutes(5))).toBe(
    `SEARCH('{Ec2TaskMonitor,service,taskType,changeType} MetricName="Changes"', 'Sum', 300)`,
  );
  expect(searchText('TasksSeen', 'Sum', Duration.minutes(1), { phase: 'running' })).toBe(
    `SEARCH('{Ec2TaskMonitor,service,taskType,phase} MetricName="TasksSeen" phase="running"', 'Sum', 60)`,
  );
});

it("names exactly the metrics every notifier emits, each with its channel's name as a dimension", () => {
  const notifier = readFileSync(path.join(ROOT, 'lambdas/notifiers/notifier.ts'), 'utf8');
  const emitted = [...notifier.matchAll(/count\('(\w+)'\)/g)].map(([, name]) => name);

  expect(new Set(emitted)).toEqual(new Set(Object.keys(NOTIFIER_METRICS)));
  expect(notifier).toContain("metrics.addDimension('channel', channel.name)");
});
