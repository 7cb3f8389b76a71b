// The delivery of the chat channels reached through AWS Chatbot: what it publishes for an event,
// and how a refusal surfaces.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ChatTopicDelivery } from '../../../lambdas/adapters/chat-topic';
import { toChatbotNotification } from '../../../lambdas/domain/chatbot-notification';
import { aChange, aTask } from '../../support/tasks';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:chat';
const event = aChange(aTask({ progress: 10, statusMessage: 'pending' }), {
  changeType: 'TaskDiscovered',
  previous: null,
});

beforeEach(() => {
  sns.reset();
});

describe('ChatTopicDelivery', () => {
  it('publishes the custom notification as the message body', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    await new ChatTopicDelivery(new SNSClient({}), TOPIC, 'chatbot').deliver(event);

    const [call] = sns.commandCalls(PublishCommand);
    expect(call?.args[0].input).toEqual({
      TopicArn: TOPIC,
      Message: JSON.stringify(toChatbotNotification(event)),
    });
  });

  it('lets a refusal propagate', async () => {
    sns.on(PublishCommand).rejects(new Error('AuthorizationError'));

    await expect(new ChatTopicDelivery(new SNSClient({}), TOPIC, 'chatbot').deliver(event)).rejects.toThrow(
      'AuthorizationError',
    );
  });
});

it('is the delivery of the channel it is made for', () => {
  expect(new ChatTopicDelivery(new SNSClient({}), TOPIC, 'teams').name).toBe('teams');
});
