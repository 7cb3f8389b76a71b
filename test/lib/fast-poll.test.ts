// Detection within seconds in the template: the poller's pace variables, the optional rule on
// CloudTrail's task-creating calls (it invokes the poller, which keeps its reserved concurrency of
// 1), and the settings' checks.
import { Match } from 'aws-cdk-lib/assertions';
import { SettingsError } from '../../lib/settings';
import { logicalIdOf, synthMonitor, type SynthesizedMonitor } from './synth';

const rulesOn = (monitor: SynthesizedMonitor) =>
  Object.values(
    monitor.template.findResources('AWS::Events::Rule', {
      Properties: { EventPattern: Match.objectLike({ 'detail-type': ['AWS API Call via CloudTrail'] }) },
    }),
  );

const pollerVariables = (monitor: SynthesizedMonitor) =>
  monitor.template.toJSON().Resources[logicalIdOf(monitor.stack.monitor.poller)].Properties.Environment
    .Variables as Record<string, unknown>;

describe('fast polling', () => {
  it('passes the schedule’s interval and the fast pace to the poller, whose concurrency stays 1 and timeout 60 s', () => {
    const monitor = synthMonitor({ schedule: 'rate(5 minutes)', fastPollSeconds: '10' });

    expect(pollerVariables(monitor)).toMatchObject({ POLL_INTERVAL_SECONDS: '300', FAST_POLL_SECONDS: '10' });
    monitor.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FAST_POLL_SECONDS: '10' }) },
      ReservedConcurrentExecutions: 1,
      Timeout: 60,
    });
  });

  it('turns off with fastPollSeconds=off, and counts a cron without a fixed interval as a minute', () => {
    const monitor = synthMonitor({ schedule: 'cron(0 8 ? * MON-FRI *)', fastPollSeconds: 'off' });

    expect(pollerVariables(monitor)).toMatchObject({ POLL_INTERVAL_SECONDS: '60', FAST_POLL_SECONDS: 'off' });
  });

  it.each([
    [
      { fastPollSeconds: '4' },
      /^fastPollSeconds: "4" is not valid; allowed: an integer from 5 to 30, or "off"$/,
    ],
    [{ fastPollSeconds: 'sometimes' }, /^fastPollSeconds: "sometimes" is not valid/],
    [{ cloudTrailTrigger: 'yes' }, /^cloudTrailTrigger: "yes" is not valid; allowed: true or false$/],
    [
      { accounts: 'organization', regions: 'enabled', cloudTrailTrigger: 'true' },
      /^cloudTrailTrigger: true with regions=enabled in organization mode; allowed: an explicit list of Regions in regions/,
    ],
  ])('refuses %j, naming the setting', (settings, message) => {
    expect(() => synthMonitor(settings)).toThrow(SettingsError);
    expect(() => synthMonitor(settings)).toThrow(message);
  });
});

describe('fast polling in organization mode', () => {
  // In organization mode the monitor's poller is the worker.
  const workerVariables = pollerVariables;

  it('is off unless asked: a worker holding a hot unit for its cycle takes a slot of workerConcurrency', () => {
    expect(workerVariables(synthMonitor({ accounts: 'organization' }))).toMatchObject({
      FAST_POLL_SECONDS: 'off',
      POLL_INTERVAL_SECONDS: '60',
    });
  });

  it('passes the pace to the worker when given; the unit queue’s visibility covers the worker’s minute six times', () => {
    const monitor = synthMonitor({ accounts: 'organization', fastPollSeconds: '15' });

    expect(workerVariables(monitor)).toMatchObject({ FAST_POLL_SECONDS: '15' });
    monitor.template.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, VisibilityTimeout: 360 });
    monitor.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FAST_POLL_SECONDS: '15' }) },
      Timeout: 60,
    });
  });
});

describe('cloudTrailTrigger', () => {
  it('adds no rule by default', () => {
    expect(rulesOn(synthMonitor())).toEqual([]);
  });

  it('invokes the poller on each successful call that creates a task of a watched type', () => {
    const monitor = synthMonitor({
      cloudTrailTrigger: 'true',
      taskTypes: 'conversion,store-image,mac-modification',
    });
    const poller = logicalIdOf(monitor.stack.monitor.poller);

    expect(rulesOn(monitor)).toHaveLength(1);
    monitor.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ec2'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['ec2.amazonaws.com'],
          eventName: [
            'CreateStoreImageTask',
            'ImportInstance',
            'ImportVolume',
            'CreateMacSystemIntegrityProtectionModificationTask',
          ],
          errorCode: [{ exists: false }],
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [poller, 'Arn'] } })],
    });
    monitor.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [poller, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('TaskCreationTrigger'), 'Arn'] },
    });
  });
});
