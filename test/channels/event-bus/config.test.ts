// The EventBridge notifier's configuration: the bus, by name or ARN.
import { readEventBusNotifierConfig } from '../../../channels/event-bus/config';

describe('notifier configuration', () => {
  const base = { CHANNEL: 'chatbot', TABLE_NAME: 'monitor', RETENTION_DAYS: '30' };

  it.each(['default', 'ec2-task-monitor', 'arn:aws:events:us-east-1:123456789012:event-bus/monitor'])(
    'accepts the event bus %s',
    (name) => {
      expect(
        readEventBusNotifierConfig({ ...base, CHANNEL: 'event-bus', EVENT_BUS_NAME: name }).eventBusName,
      ).toBe(name);
    },
  );

  it('names a bad event bus', () => {
    expect(() =>
      readEventBusNotifierConfig({ ...base, CHANNEL: 'event-bus', EVENT_BUS_NAME: 'my bus' }),
    ).toThrow('EVENT_BUS_NAME is not an event bus name or ARN: "my bus"');
  });
});
