// What the Slack webhook channel's construct sets and its notifier reads: the channel's name and
// its notifier's variables.
import {
  type Env,
  integer,
  type NotifierConfig,
  readNotifierConfig,
  required,
} from '../../lambdas/shared/config';

/** The channel's name: its notifier's CHANNEL, its delivery records' partition, its metrics' dimension. */
export const SLACK_WEBHOOK = 'slack-webhook';

/** The notifier's own variables. */
export const WEBHOOK_VARIABLES = {
  /** Name of the Secrets Manager secret holding the webhook URL. */
  secretName: 'SLACK_WEBHOOK_SECRET_NAME',
  /** Milliseconds between the starts of two posts of one notifier instance. */
  postIntervalMs: 'SLACK_POST_INTERVAL_MS',
} as const;

/** Limits of the post interval: up to a minute between posts. */
const POST_INTERVAL_LIMITS = { min: 0, max: 60_000 } as const;

/** Settings of the Slack webhook notifier. */
export interface SlackWebhookNotifierConfig extends NotifierConfig {
  /** Name of the Secrets Manager secret holding the webhook URL. */
  secretName: string;
  /**
   * Minimum time between the starts of two posts of one notifier instance: Slack's one message
   * per second times the number of instances the queue may run at once.
   */
  postIntervalMs: number;
}

/** Reads the Slack webhook notifier's configuration. @throws ConfigurationError naming the bad variable */
export function readSlackWebhookNotifierConfig(env: Env = process.env): SlackWebhookNotifierConfig {
  return {
    ...readNotifierConfig(SLACK_WEBHOOK, env),
    secretName: required(env, WEBHOOK_VARIABLES.secretName),
    postIntervalMs: integer(env, WEBHOOK_VARIABLES.postIntervalMs, POST_INTERVAL_LIMITS),
  };
}
