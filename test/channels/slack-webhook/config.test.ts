// The Slack webhook notifier's configuration: the secret's name and the pace of its posts.
import { readSlackWebhookNotifierConfig } from '../../../channels/slack-webhook/config';

describe('notifier configuration', () => {
  const base = { CHANNEL: 'chatbot', TABLE_NAME: 'monitor', RETENTION_DAYS: '30' };

  it('refuses a handler deployed for another channel', () => {
    expect(() => readSlackWebhookNotifierConfig({ ...base, SLACK_WEBHOOK_SECRET_NAME: 'hook' })).toThrow(
      'CHANNEL is "chatbot" but this is the slack-webhook notifier',
    );
  });

  it('reads the webhook secret name and the pace of its posts', () => {
    const env = {
      ...base,
      CHANNEL: 'slack-webhook',
      SLACK_WEBHOOK_SECRET_NAME: 'hook',
      SLACK_POST_INTERVAL_MS: '2000',
    };

    expect(readSlackWebhookNotifierConfig(env)).toMatchObject({ secretName: 'hook', postIntervalMs: 2000 });
    expect(() => readSlackWebhookNotifierConfig({ ...env, SLACK_POST_INTERVAL_MS: '-1' })).toThrow(
      'SLACK_POST_INTERVAL_MS must be an integer from 0 to 60000, got "-1"',
    );
  });
});
