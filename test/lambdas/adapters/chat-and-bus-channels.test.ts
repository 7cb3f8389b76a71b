// The Chatbot and EventBridge channels: what each sends for an event, and how a refusal surfaces.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ChatTopicChannel } from '../../../lambdas/adapters/chat-topic';
import { EventBusChannel, EventBusEntryError } from '../../../lambdas/adapters/event-bus';
import { toChatbotNotification } from '../../../lambdas/domain/chatbot-notification';
import { aChange, aTask } from '../../support/tasks';

const sns = mockClient(SNSClient);
const eventBridge = mockClient(EventBridgeClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:chat';
const event = aChange(aTask({ progress: 10, statusMessage: 'pending' }), {
  changeType: 'TaskDiscovered',
  previous: null,
});

beforeEach(() => {
  sns.reset();
  eventBridge.reset();
});

describe('ChatTopicChannel', () => {
  it('publishes the custom notification as the message body', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    await new ChatTopicChannel(new SNSClient({}), TOPIC).deliver(event);

    const [call] = sns.commandCalls(PublishCommand);
    expect(call?.args[0].input).toEqual({
      TopicArn: TOPIC,
      Message: JSON.stringify(toChatbotNotification(event)),
    });
  });

  it('lets a refusal propagate', async () => {
    sns.on(PublishCommand).rejects(new Error('AuthorizationError'));

    await expect(new ChatTopicChannel(new SNSClient({}), TOPIC).deliver(event)).rejects.toThrow(
      'AuthorizationError',
    );
  });
});

describe('EventBusChannel', () => {
  it('puts one entry on the configured bus', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

    await new EventBusChannel(new EventBridgeClient({}), 'monitor-bus').deliver(event);

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

    await expect(new EventBusChannel(new EventBridgeClient({}), 'default').deliver(event)).rejects.toThrow(
      new EventBusEntryError('InternalFailure', 'try again'),
    );
  });
});
