// The operator's dashboard (the `dashboard` setting, off by default): named after the stack and
// Region, an alarm status widget listing every alarm, graphs of the metrics that matter, and the
// saved Logs Insights queries as tables for the breakdowns by task type, phase and Region.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Ec2TaskMonitor } from '../../lib/ec2-task-monitor';
import { Ec2TaskMonitorStack } from '../../lib/ec2-task-monitor-stack';
import { MONITOR_QUERIES } from '../../lib/monitor-queries';
import { propsFromContext } from '../../lib/settings';
import { NO_STAGING, TEST_ACCOUNT } from './synth';
import { logicalIdOf, synthMonitor, TEST_REGION, type SynthesizedMonitor } from './synth';

interface Widget {
  type: string;
  properties: { title: string; alarms?: string[]; metrics?: unknown[][]; query?: string; view?: string };
}

/** The dashboard body with every CloudFormation reference written as `{Ref X}` or `{GetAtt X.Attr}`. */
function dashboardOf({ template }: SynthesizedMonitor): { name: string; widgets: Widget[] } {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const parts = dashboard?.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  const body = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const token = part as { Ref?: string; 'Fn::GetAtt'?: string[] };
      return token.Ref ? `{Ref ${token.Ref}}` : `{GetAtt ${token['Fn::GetAtt']?.join('.')}}`;
    })
    .join('');
  return { name: dashboard?.Properties.DashboardName, widgets: JSON.parse(body).widgets };
}

function widget(dashboard: { widgets: Widget[] }, title: RegExp): Widget {
  const found = dashboard.widgets.find((candidate) => title.test(candidate.properties.title));
  if (!found) throw new Error(`no widget titled ${title}`);
  return found;
}

/** What a graph plots: metric names and search expressions. */
function plotted(graph: Widget): string {
  return JSON.stringify(graph.properties.metrics);
}

let defaults: SynthesizedMonitor;

beforeAll(() => {
  defaults = synthMonitor({ dashboard: true });
});

it('is not deployed unless the dashboard setting is true, and dashboardName alone is refused', () => {
  const without = synthMonitor();

  without.template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  expect(Object.keys(without.template.findOutputs('DashboardUrl'))).toEqual([]);
  expect(without.stack.monitor.dashboard).toBeUndefined();
  expect(
    () => new Ec2TaskMonitor(new Stack(new App({ context: NO_STAGING })), 'M', { dashboardName: 'ops' }),
  ).toThrow(/^dashboardName: set, but dashboard \(true\) not/);
});

it('is one dashboard named after the stack and the Region, with its console address as an output', () => {
  defaults.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  expect(dashboardOf(defaults).name).toBe(`TestMonitor-${TEST_REGION}`);
  defaults.template.hasOutput('DashboardUrl', {
    Value: `https://${TEST_REGION}.console.aws.amazon.com/cloudwatch/home?region=${TEST_REGION}#dashboards/dashboard/TestMonitor-${TEST_REGION}`,
  });
});

/** A monitor stack deployed in `region` (undefined: a Region known only at deploy), polling its own Region. */
function stackIn(region: string | undefined): Template {
  const app = new App({
    context: { ...NO_STAGING, dashboard: true, ...(region ? { regions: region } : {}) },
  });
  const stack = new Ec2TaskMonitorStack(app, 'TestMonitor', {
    ...(region ? { env: { account: TEST_ACCOUNT, region } } : {}),
    monitor: propsFromContext(app.node),
  });
  return Template.fromStack(stack);
}

// Review finding M1: the console address follows the stack's partition.
describe("the dashboard's console address, by partition", () => {
  it.each([
    ['cn-north-1', 'https://cn-north-1.console.amazonaws.cn'],
    ['us-gov-west-1', 'https://us-gov-west-1.console.amazonaws-us-gov.com'],
  ])('%s: %s', (region, origin) => {
    stackIn(region).hasOutput('DashboardUrl', {
      Value: `${origin}/cloudwatch/home?region=${region}#dashboards/dashboard/TestMonitor-${region}`,
    });
  });

  it('is left out in a partition without a public console (us-iso-east-1)', () => {
    expect(Object.keys(stackIn('us-iso-east-1').findOutputs('DashboardUrl'))).toEqual([]);
  });

  it('is chosen at deploy by AWS::Partition when the Region is not known at synth, and only where a console exists', () => {
    const template = stackIn(undefined);
    const [output] = Object.values(template.findOutputs('DashboardUrl'));
    const conditions = template.toJSON().Conditions as Record<string, unknown>;

    expect(JSON.stringify(output?.Value)).toContain('console.amazonaws.cn');
    expect(JSON.stringify(output?.Value)).toContain('console.amazonaws-us-gov.com');
    expect(JSON.stringify(output?.Value)).toContain('console.aws.amazon.com');
    const either = (conditions[output?.Condition as string] as { 'Fn::Or': Array<{ Condition: string }> })[
      'Fn::Or'
    ];
    expect(either.map(({ Condition }) => conditions[Condition])).toEqual(
      ['aws', 'aws-cn', 'aws-us-gov'].map((partition) => ({
        'Fn::Equals': [{ Ref: 'AWS::Partition' }, partition],
      })),
    );
  });
});

it('opens with the state of every alarm', () => {
  const dashboard = dashboardOf(defaults);
  const [first] = dashboard.widgets;

  expect(first?.type).toBe('alarm');
  expect(first?.properties.alarms).toEqual(
    defaults.stack.monitor.alarms.all.map((alarm) => `{GetAtt ${logicalIdOf(alarm)}.Arn}`),
  );
});

it("graphs the polls: invocations, errors and the function's Duration p50 and maximum", () => {
  const polls = plotted(widget(dashboardOf(defaults), /^Polls$/));
  const poller = logicalIdOf(defaults.stack.monitor.poller);

  expect(polls).toContain(`"AWS/Lambda","Invocations","FunctionName","{Ref ${poller}}"`);
  expect(polls).toContain(`"AWS/Lambda","Errors","FunctionName","{Ref ${poller}}"`);
  expect(polls).toContain(
    `"AWS/Lambda","Duration","FunctionName","{Ref ${poller}}",{"label":"Duration p50","stat":"p50"`,
  );
  expect(polls).toContain('"stat":"Maximum"');
});

it('graphs the changes recorded, the listing failures and the unidentified tasks', () => {
  const graph = plotted(widget(dashboardOf(defaults), /^Changes recorded and listing failures$/));

  for (const metric of ['ChangesRecorded', 'ListingFailures', 'UnidentifiedTasks']) {
    expect(graph).toContain(`"Ec2TaskMonitor","${metric}","service","ec2-task-monitor"`);
  }
});

it('graphs the tasks in use of every VM Import/Export quota series, against the documented limits', () => {
  const graph = widget(dashboardOf(defaults), /^VM Import\/Export quotas: tasks in use$/);

  expect(plotted(graph)).toContain(
    `SEARCH('{Ec2TaskMonitor,account,quota,region,service} MetricName=\\"QuotaTasksInUse\\" service=\\"ec2-task-monitor\\"', 'Maximum', 300)`,
  );
  expect(JSON.stringify(graph.properties)).toContain('"value":20');
  expect(JSON.stringify(graph.properties)).toContain('"value":5');
});

it("shows each saved query as a table over the poller's log group", () => {
  const dashboard = dashboardOf(defaults);
  const logGroup = logicalIdOf(defaults.stack.monitor.poller.logGroup);

  for (const query of MONITOR_QUERIES) {
    const table = widget(dashboard, new RegExp(`^${query.title}$`));
    expect(table.type).toBe('log');
    expect(table.properties.view).toBe('table');
    expect(table.properties.query).toBe(`SOURCE '{Ref ${logGroup}}' | ${query.queryString.toString()}`);
  }
});

it('graphs the publisher and its dead-letter queue', () => {
  const dashboard = dashboardOf(defaults);
  const publisher = plotted(widget(dashboard, /^Publisher$/));
  const queue = plotted(widget(dashboard, /^Dead-letter queue depth/));
  const { publisher: fn, deadLetterQueue } = defaults.stack.monitor;

  for (const metric of ['EventsPublished', 'PublishFailures', 'MalformedRecords', 'StreamRecords']) {
    expect(publisher).toContain(`"Ec2TaskMonitor","${metric}","service","ec2-task-monitor"`);
  }
  expect(publisher).toContain(`"AWS/Lambda","IteratorAge","FunctionName","{Ref ${logicalIdOf(fn)}}"`);
  expect(publisher).toContain(`"AWS/Lambda","Errors","FunctionName","{Ref ${logicalIdOf(fn)}}"`);
  expect(queue).toContain(
    `"AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","{GetAtt ${logicalIdOf(deadLetterQueue)}.QueueName}"`,
  );
});

describe('the notification channels', () => {
  it('has no channel widget when no channel is configured', () => {
    expect(dashboardOf(defaults).widgets.filter((w) => / channel: /.test(w.properties.title))).toEqual([]);
  });

  it('graphs each configured channel: delivered, failures, duplicates skipped, and its dead letters', () => {
    const every = synthMonitor({
      slackWorkspaceId: 'T0123ABCDEF',
      slackChannelId: 'C0123ABCDEF',
      slackWebhookSecretName: 'ec2-task-monitor/slack-webhook',
      eventBus: 'default',
      dashboard: true,
    });
    const dashboard = dashboardOf(every);
    const { configuredChannels } = every.stack.monitor;

    expect(
      dashboard.widgets.filter((w) => / channel: /.test(w.properties.title)).map((w) => w.properties.title),
    ).toEqual([
      'Chatbot channel: deliveries',
      'SlackWebhook channel: deliveries',
      'EventBus channel: deliveries',
    ]);
    for (const { id, name, channel } of configuredChannels) {
      const graph = plotted(widget(dashboard, new RegExp(`^${id} channel: deliveries$`)));
      for (const [metric, label] of [
        ['NotificationsDelivered', 'Delivered'],
        ['NotificationFailures', 'Failures'],
        ['DuplicateNotifications', 'Duplicates skipped'],
      ]) {
        expect(graph).toContain(
          `"Ec2TaskMonitor","${metric}","channel","${name}","service","ec2-task-monitor",{"label":"${label}","stat":"Sum"}`,
        );
      }
      expect(graph).toContain(
        `"AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","{GetAtt ${logicalIdOf(channel.delivery.deadLetterQueue)}.QueueName}"`,
      );
    }
  });
});
