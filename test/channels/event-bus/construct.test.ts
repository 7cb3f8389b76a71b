// EventBridge: a created bus with its archive, or the default bus, every change unfiltered.
import {
  environmentOf,
  logicalIdOf,
  statementsOfRole,
  synthMonitor,
  TEST_ACCOUNT,
  TEST_REGION,
  type SynthesizedMonitor,
} from '../../lib/synth';

let every: SynthesizedMonitor;

beforeAll(() => {
  every = synthMonitor({ eventBus: 'create' });
});

describe('EventBridge', () => {
  it('creates a bus with an archive of the monitor events when asked to', () => {
    const { template, stack } = every;
    const bus = stack.monitor.channels.eventBus!.bus;

    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: { source: ['ec2-task-monitor'] },
      RetentionDays: 30,
    });
    expect(environmentOf(every, stack.monitor.channels.eventBus!.delivery)).toMatchObject({
      CHANNEL: 'event-bus',
      EVENT_BUS_NAME: { Ref: logicalIdOf(bus as never) },
    });
    every.template.hasOutput('EventBusName', { Value: { Ref: logicalIdOf(bus as never) } });
  });

  it('puts every change (no filter) on the default bus when asked to', () => {
    const monitor = synthMonitor({ eventBus: 'default' });
    const channel = monitor.stack.monitor.channels.eventBus!.delivery;
    const subscription =
      monitor.template.toJSON().Resources[logicalIdOf(channel.node.findChild('Subscription'))];

    monitor.template.resourceCountIs('AWS::Events::EventBus', 0);
    expect(subscription.Properties.FilterPolicy).toBeUndefined();
    expect(environmentOf(monitor, channel)).toMatchObject({ EVENT_BUS_NAME: 'default' });
    expect(statementsOfRole(monitor.template, logicalIdOf(channel.notifier.role!))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: 'events:PutEvents',
          Resource: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, `:events:${TEST_REGION}:${TEST_ACCOUNT}:event-bus/default`],
            ],
          },
        }),
      ]),
    );
  });
});
