// The alarms on the monitor's own faults: each one's metric, threshold, periods, comparison and
// missing-data rule, its description, and that it notifies the operator topic (never the event
// topic) both when it fires and when it clears.
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Ec2TaskMonitor, type Ec2TaskMonitorProps } from '../../lib/ec2-task-monitor';
import {
  logicalIdOf,
  NO_STAGING,
  synthMonitor,
  TEST_ACCOUNT,
  TEST_REGION,
  type SynthesizedMonitor,
} from './synth';

let defaults: SynthesizedMonitor;

beforeAll(() => {
  defaults = synthMonitor();
});

/** The template properties of one alarm. */
function alarmProperties({ template }: { template: Template }, alarm: cloudwatch.IAlarm | undefined) {
  if (!alarm) throw new Error('no such alarm');
  return template.findResources('AWS::CloudWatch::Alarm')[logicalIdOf(alarm)]?.Properties;
}

/** A monitor built from construct props, in a stack of its own. */
function monitorWith(props: Ec2TaskMonitorProps) {
  const stack = new Stack(new App({ context: NO_STAGING }), 'Direct', {
    env: { account: TEST_ACCOUNT, region: TEST_REGION },
  });
  const monitor = new Ec2TaskMonitor(stack, 'Monitor', props);
  return { stack, monitor, template: Template.fromStack(stack) };
}

const FIVE_MINUTES = 300;

describe('every alarm', () => {
  it('notifies the operator topic, and not the event topic, when it fires and when it clears', () => {
    const { monitor } = defaults.stack;
    const alarms = defaults.template.findResources('AWS::CloudWatch::Alarm');
    const operatorTopic = { Ref: logicalIdOf(monitor.operatorTopic) };

    expect(Object.keys(alarms).sort()).toEqual(monitor.alarms.all.map(logicalIdOf).sort());
    expect(Object.keys(alarms)).toHaveLength(9);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.AlarmActions).toEqual([operatorTopic]);
      expect(alarm.Properties.OKActions).toEqual([operatorTopic]);
      expect(alarm.Properties.InsufficientDataActions).toBeUndefined();
    }
  });

  it('says what it means and what to do', () => {
    for (const alarm of defaults.stack.monitor.alarms.all) {
      const description = alarmProperties(defaults, alarm).AlarmDescription as string;
      expect(description).toMatch(/^The EC2 task monitor (poller|publisher) /);
      expect(description.length).toBeGreaterThan(200);
      expect(description.length).toBeLessThanOrEqual(1024);
    }
  });
});

describe('with the defaults', () => {
  const common = { Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Period: FIVE_MINUTES };

  it('poller failing: Errors ≥ 1 in 3 consecutive 5-minute periods', () => {
    const { poller, alarms } = defaults.stack.monitor;

    expect(alarmProperties(defaults, alarms.pollerFailing)).toMatchObject({
      ...common,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(poller) } }],
      Statistic: 'Sum',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
  });

  it('poller not running: no invocation in 3 periods of 5 minutes (every-minute schedule), missing data breaching', () => {
    const { poller, alarms } = defaults.stack.monitor;

    expect(alarmProperties(defaults, alarms.pollerNotRunning)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(poller) } }],
      Statistic: 'Sum',
      Period: FIVE_MINUTES,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(alarmProperties(defaults, alarms.pollerNotRunning).AlarmDescription).toContain(
      'has not run once in 15 minutes (schedule rate(1 minute))',
    );
  });

  it('listing failures: ListingFailures (service dimension) summing ≥ 1 in 3 consecutive periods', () => {
    expect(alarmProperties(defaults, defaults.stack.monitor.alarms.listingFailures)).toMatchObject({
      ...common,
      Namespace: 'Ec2TaskMonitor',
      MetricName: 'ListingFailures',
      Dimensions: [{ Name: 'service', Value: 'ec2-task-monitor' }],
      Statistic: 'Sum',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
  });

  it('dead-letter queue not empty: a visible message in one 5-minute period; missing data keeps the state', () => {
    const { deadLetterQueue, alarms } = defaults.stack.monitor;

    expect(alarmProperties(defaults, alarms.deadLetterQueueNotEmpty)).toMatchObject({
      ...common,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(deadLetterQueue), 'QueueName'] } },
      ],
      Statistic: 'Maximum',
      EvaluationPeriods: 1,
      TreatMissingData: 'ignore',
    });
  });

  it('publisher behind: IteratorAge maximum ≥ 5 minutes in 2 consecutive periods', () => {
    const { publisher, alarms } = defaults.stack.monitor;

    expect(alarmProperties(defaults, alarms.publisherBehind)).toMatchObject({
      ...common,
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(publisher) } }],
      Statistic: 'Maximum',
      Threshold: 5 * 60 * 1000,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
  });

  it('publish failures: PublishFailures (service dimension) summing ≥ 1 in 3 consecutive periods', () => {
    expect(alarmProperties(defaults, defaults.stack.monitor.alarms.publishFailures)).toMatchObject({
      ...common,
      Namespace: 'Ec2TaskMonitor',
      MetricName: 'PublishFailures',
      Dimensions: [{ Name: 'service', Value: 'ec2-task-monitor' }],
      Statistic: 'Sum',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
  });

  it('malformed records: one dropped stream record (MalformedRecords, service dimension) in one period', () => {
    const properties = alarmProperties(defaults, defaults.stack.monitor.alarms.malformedRecords);

    expect(properties).toMatchObject({
      ...common,
      Namespace: 'Ec2TaskMonitor',
      MetricName: 'MalformedRecords',
      Dimensions: [{ Name: 'service', Value: 'ec2-task-monitor' }],
      Statistic: 'Sum',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(properties.AlarmDescription).toContain('a change recorded in the table was not published');
  });

  it.each([
    ['unidentifiedTasks', 'UnidentifiedTasks', 'without what identifies it'],
    ['unsettledBaseline', 'UnsettledBaselineTasks', 'not been able to record a finished task'],
  ] as const)('%s: %s at least 1 in every poll of an hour (Minimum of 12 periods)', (alarm, metric, text) => {
    const properties = alarmProperties(defaults, defaults.stack.monitor.alarms[alarm]);

    expect(properties).toMatchObject({
      ...common,
      Namespace: 'Ec2TaskMonitor',
      MetricName: metric,
      Dimensions: [{ Name: 'service', Value: 'ec2-task-monitor' }],
      Statistic: 'Minimum',
      EvaluationPeriods: 12,
      DatapointsToAlarm: 12,
      TreatMissingData: 'notBreaching',
    });
    expect(properties.AlarmDescription).toContain(text);
  });
});

describe('poller not running, from the schedule', () => {
  it.each([
    ['rate(5 minutes)', 900, 1, '15 minutes'],
    ['rate(1 hour)', 3 * 3600, 1, '3 hours'],
    ['cron(0/5 * * * ? *)', 900, 1, '15 minutes'],
    ['rate(2 minutes)', 360, 3, '18 minutes'],
  ])('%s: %i-second periods, %i of them', (schedule, period, evaluationPeriods, window) => {
    const synthesized = synthMonitor({ schedule });
    const properties = alarmProperties(synthesized, synthesized.stack.monitor.alarms.pollerNotRunning);

    expect(properties).toMatchObject({ Period: period, EvaluationPeriods: evaluationPeriods });
    expect(properties.AlarmDescription).toContain(`has not run once in ${window} (schedule ${schedule})`);
  });

  it('is left out, with a synth warning, for a cron without a fixed interval', () => {
    const synthesized = synthMonitor({ schedule: 'cron(0 8 ? * MON-FRI *)' });

    expect(synthesized.stack.monitor.alarms.pollerNotRunning).toBeUndefined();
    synthesized.template.resourceCountIs('AWS::CloudWatch::Alarm', 8);
    Annotations.fromStack(synthesized.stack).hasWarning(
      '/TestMonitor/Monitor/Alarms',
      Match.stringLikeRegexp('No "poller not running" alarm: the schedule cron\\(0 8 \\? \\* MON-FRI \\*\\)'),
    );
  });

  it('is created for such a cron when the construct is told the interval', () => {
    const { monitor, template } = monitorWith({
      schedule: 'cron(0 6-18 ? * * *)',
      alarms: { expectedPollInterval: Duration.hours(1) },
    });

    expect(alarmProperties({ template }, monitor.alarms.pollerNotRunning)).toMatchObject({
      Period: 3 * 3600,
      EvaluationPeriods: 1,
    });
  });
});

describe('the "lasts more than an hour" alarms, from the schedule', () => {
  // Every period must hold a poll (a period without one is missing data, not breaching, and breaks
  // the run), and the periods together must span at least an hour.
  it.each([
    ['rate(1 minute)', 1, 300, 12],
    ['rate(5 minutes)', 5, 600, 6],
    ['rate(15 minutes)', 15, 1800, 2],
    ['rate(1 hour)', 60, 7200, 2],
    ['rate(12 hours)', 720, 86400, 1],
  ])('%s: %i-minute polls, %i-second periods, %i of them', (schedule, interval, period, count) => {
    const synthesized = synthMonitor({ schedule });

    for (const alarm of ['unidentifiedTasks', 'unsettledBaseline'] as const) {
      const properties = alarmProperties(synthesized, synthesized.stack.monitor.alarms[alarm]);
      expect(properties).toMatchObject({
        Period: period,
        EvaluationPeriods: count,
        DatapointsToAlarm: count,
      });
      // A poll in every period, even one that lands late: the alarm can reach its threshold.
      expect(properties.Period).toBeGreaterThanOrEqual(Math.min(2 * interval * 60, 86400));
      expect(properties.Period * properties.EvaluationPeriods).toBeGreaterThanOrEqual(3600);
      expect(properties.Period * properties.EvaluationPeriods).toBeLessThanOrEqual(86400);
    }
  });

  it('warn, for a cron without a fixed interval, that they assume 5-minute polls', () => {
    const synthesized = synthMonitor({ schedule: 'cron(0 8 ? * MON-FRI *)' });

    Annotations.fromStack(synthesized.stack).hasWarning(
      '/TestMonitor/Monitor/Alarms',
      Match.stringLikeRegexp(
        'UnidentifiedTasks and UnsettledBaseline alarms assume a poll in every 5 minutes',
      ),
    );
  });
});

describe('thresholds as construct props', () => {
  it('change the periods and the iterator age', () => {
    const { monitor, template } = monitorWith({
      alarms: {
        pollerErrorPeriods: 1,
        listingFailurePeriods: 6,
        publishFailurePeriods: 2,
        maxIteratorAge: Duration.minutes(30),
      },
    });
    const { alarms } = monitor;

    expect(alarmProperties({ template }, alarms.pollerFailing)).toMatchObject({
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
    });
    expect(alarmProperties({ template }, alarms.pollerFailing).AlarmDescription).toContain(
      'failed (a crash, a timeout or a bad configuration) in the last 5 minutes:',
    );
    expect(alarmProperties({ template }, alarms.listingFailures)).toMatchObject({
      EvaluationPeriods: 6,
      DatapointsToAlarm: 6,
    });
    expect(alarmProperties({ template }, alarms.listingFailures).AlarmDescription).toContain(
      'in each of the last 6 five-minute periods (30 minutes)',
    );
    expect(alarmProperties({ template }, alarms.publishFailures)).toMatchObject({
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
    expect(alarmProperties({ template }, alarms.publisherBehind)).toMatchObject({
      Threshold: 30 * 60 * 1000,
    });
  });

  it.each([
    ['pollerErrorPeriods', { pollerErrorPeriods: 0 }, '0 is not valid; allowed: an integer from 1 to 288'],
    [
      'listingFailurePeriods',
      { listingFailurePeriods: 2.5 },
      '2.5 is not valid; allowed: an integer from 1 to 288',
    ],
    [
      'publishFailurePeriods',
      { publishFailurePeriods: 289 },
      '289 is not valid; allowed: an integer from 1 to 288',
    ],
    [
      'maxIteratorAge',
      { maxIteratorAge: Duration.seconds(30) },
      '30 seconds is not valid; allowed: from 1 minute to 24 hours',
    ],
    [
      'maxIteratorAge',
      { maxIteratorAge: Duration.days(2) },
      '2 days is not valid; allowed: from 1 minute to 24 hours',
    ],
    [
      'expectedPollInterval',
      { expectedPollInterval: Duration.days(1) },
      '1 day is not valid; allowed: whole minutes from 1 minute to 12 hours',
    ],
  ])('reject a bad %s, naming it', (name, alarms, problem) => {
    expect(() => monitorWith({ alarms })).toThrow(`${name}: ${problem}`);
  });
});
