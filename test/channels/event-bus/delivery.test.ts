// The EventBridge channel's delivery: what it puts for an event, and how a refusal surfaces.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBusDelivery, EventBusEntryError } from '../../../channels/event-bus/delivery';
import { aChange, aTask } from '../../support/tasks';

const eventBridge = mockClient(EventBridgeClient);
const event = aChange(aTask({ progress: 10, statusMessage: 'pending' }), {
  changeType: 'TaskDiscovered',
  previous: null,
});

beforeEach(() => {
  eventBridge.reset();
});

describe('EventBusDelivery', () => {
  it('puts one entry on the configured bus', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

    await new EventBusDelivery(new EventBridgeClient({}), 'monitor-bus').deliver(event);

    const [call] = eventBridge.commandCalls(PutEventsCommand);
    expect(call?.args[0].input.Entries).toEqual([
      expect.objectContaining({
        EventBusName: 'monitor-bus',
        Source: 'ec2-task-monitor',
        DetailType: 'EC2 Task Change',
        Detail: JSON.stringify(event),
      }),
    ]);
  });

  it('throws with the entry error code when EventBridge refuses the entry', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });

    await expect(new EventBusDelivery(new EventBridgeClient({}), 'default').deliver(event)).rejects.toThrow(
      new EventBusEntryError('InternalFailure', 'try again'),
    );
  });
});
