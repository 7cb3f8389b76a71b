// Slack through an incoming webhook, as a channel of the monitor (the contract: lib/channel/channel.ts).
import type { ChannelDefinition } from '../../lib/channel/channel';
import { SLACK_WEBHOOK } from './config';
import { SlackWebhookChannel } from './construct';
import { checkSlackWebhookOptions, SLACK_WEBHOOK_CONTEXT_KEYS, type SlackWebhookOptions } from './settings';

export { SlackWebhookChannel, WEBHOOK_NOTIFIERS } from './construct';
export type { SlackWebhookOptions } from './settings';

/** The secret the local mode puts the Slack stand-in's URL in. */
const LOCAL_SECRET = 'ec2-task-monitor/local-slack-webhook';

/** Slack through an incoming webhook. */
export const slackWebhookChannel: ChannelDefinition<Required<SlackWebhookOptions>, SlackWebhookChannel> = {
  name: SLACK_WEBHOOK,
  id: 'SlackWebhook',
  prop: 'slackWebhook',
  contextKeys: SLACK_WEBHOOK_CONTEXT_KEYS,
  check: checkSlackWebhookOptions,
  build: (monitor, options, context) => new SlackWebhookChannel(monitor, options, context),
  local: {
    kind: 'slack-webhook',
    context: { [SLACK_WEBHOOK_CONTEXT_KEYS.secretName]: LOCAL_SECRET },
    secretName: LOCAL_SECRET,
  },
};

declare module '../../lib/ec2-task-monitor-props' {
  interface Ec2TaskMonitorProps {
    /**
     * Post filtered changes to a Slack incoming webhook whose URL is kept in Secrets Manager.
     *
     * @default - no webhook channel
     */
    readonly slackWebhook?: SlackWebhookOptions;
  }
}

declare module '../../lib/channel/channel' {
  interface MonitorChannels {
    /** The Slack webhook channel, when `slackWebhook` is set. */
    readonly slackWebhook?: SlackWebhookChannel;
  }
}
