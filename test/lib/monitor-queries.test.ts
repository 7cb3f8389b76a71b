// The saved Logs Insights queries: one per breakdown that is a log line rather than a metric, in a
// folder named after the stack, over the poller's log group, filtering on the messages the poller
// writes (one literal each, lambdas/shared/log-messages.ts).
import { POLLER_LOG_MESSAGES } from '../../lambdas/shared/log-messages';
import { MONITOR_QUERIES } from '../../lib/monitor-queries';
import { logicalIdOf, synthMonitor, type SynthesizedMonitor } from './synth';

let defaults: SynthesizedMonitor;
let organization: SynthesizedMonitor;

beforeAll(() => {
  defaults = synthMonitor();
  organization = synthMonitor({ accounts: 'organization' });
});

it("saves each query in the stack's folder, over the log group of the function that polls", () => {
  for (const synthesized of [defaults, organization]) {
    const logGroup = logicalIdOf(synthesized.stack.monitor.poller.logGroup);
    const definitions = Object.values(synthesized.template.findResources('AWS::Logs::QueryDefinition'));

    expect(definitions.map((definition) => definition.Properties)).toEqual(
      MONITOR_QUERIES.map((query) => ({
        Name: `TestMonitor/${query.name}`,
        QueryString: query.queryString.toString(),
        LogGroupNames: [{ Ref: logGroup }],
      })),
    );
  }
});

it('reads the lines the poller writes, by their messages', () => {
  const text = (name: string) => MONITOR_QUERIES.find((query) => query.name === name)?.queryString.toString();

  expect(text('tasks-by-type-and-phase')).toContain(`filter message = "${POLLER_LOG_MESSAGES.tasksSeen}"`);
  expect(text('tasks-by-type-and-phase')).toMatch(
    /latest\(running\) as running.* by account, region, taskType/,
  );
  expect(text('changes-by-type')).toContain(`filter message = "${POLLER_LOG_MESSAGES.changeRecorded}"`);
  expect(text('changes-by-type')).toContain('count(*) as changes by account, taskType, changeType');
  expect(text('listing-failures-and-skipped-tasks')).toContain(
    `filter message in ["${POLLER_LOG_MESSAGES.listingFailed}", "${POLLER_LOG_MESSAGES.taskSkipped}"]`,
  );
});
