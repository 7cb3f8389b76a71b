// The configuration of a chat-topic notifier (Slack or Teams through AWS Chatbot): what every
// notifier reads, and the chat topic.
import { readChatTopicNotifierConfig } from '../../../lambdas/notifiers/chat-topic-config';

describe('notifier configuration', () => {
  const base = { CHANNEL: 'chatbot', TABLE_NAME: 'monitor', RETENTION_DAYS: '30' };
  const readChatbotNotifierConfig = (env: Record<string, string>) =>
    readChatTopicNotifierConfig('chatbot', env);

  it('reads the Chatbot notifier', () => {
    expect(
      readChatbotNotifierConfig({ ...base, CHAT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:chat' }),
    ).toEqual({
      channel: 'chatbot',
      tableName: 'monitor',
      retentionDays: 30,
      chatTopicArn: 'arn:aws:sns:us-east-1:123456789012:chat',
    });
  });

  it.each([
    [{ CHAT_TOPIC_ARN: 'chat' }, 'CHAT_TOPIC_ARN is not an SNS topic ARN: "chat"'],
    [
      { CHAT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:chat', RETENTION_DAYS: '0' },
      'RETENTION_DAYS must be an integer from 1 to 3650, got "0"',
    ],
    [{ CHAT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:chat', CHANNEL: '' }, 'CHANNEL is not set'],
  ])('names the bad variable in %j', (overrides, message) => {
    expect(() => readChatbotNotifierConfig({ ...base, ...overrides })).toThrow(message);
  });

  it("reads another chat channel's notifier, and only as that channel", () => {
    const env = { ...base, CHANNEL: 'teams', CHAT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:teams' };

    expect(readChatTopicNotifierConfig('teams', env)).toMatchObject({ channel: 'teams' });
    expect(() => readChatTopicNotifierConfig('chatbot', env)).toThrow(
      'CHANNEL is "teams" but this is the chatbot notifier',
    );
  });
});
