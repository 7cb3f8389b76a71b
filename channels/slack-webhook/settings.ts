// The settings of the Slack incoming webhook channel: the name (never the URL) of the secret holding
// the webhook URL, and the channel's filter policy.
import { channelIds, chatFilterPolicy } from '../../lib/settings/channel-options';
import type { FilterPolicy } from '../../lib/settings/filter-policy';
import { fail, show } from '../../lib/settings/settings-error';

/** A Slack channel reached through an incoming webhook. */
export interface SlackWebhookOptions {
  /** Name of the Secrets Manager secret whose value is the webhook URL (the URL never enters the template). */
  readonly secretName: string;
  /**
   * Which changes reach the channel.
   *
   * @default DEFAULT_CHAT_FILTER_POLICY
   */
  readonly filterPolicy?: FilterPolicy;
}

/** The context key of each option. */
export const SLACK_WEBHOOK_CONTEXT_KEYS = {
  secretName: 'slackWebhookSecretName',
  filterPolicy: 'webhookFilterPolicy',
} as const satisfies Record<keyof SlackWebhookOptions, string>;

// Secrets Manager's rule for secret names.
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/**
 * Checks the webhook options, given as the `slackWebhook` prop or from context: a secret name that
 * is not a URL, and the filter policy (the default chat filter when left out).
 *
 * @returns undefined when no secret name is set (no webhook channel)
 */
export function checkSlackWebhookOptions(value: unknown): Required<SlackWebhookOptions> | undefined {
  const keys = SLACK_WEBHOOK_CONTEXT_KEYS;
  const given = channelIds('slackWebhook', value, keys, {
    secretName: 'the name of a Secrets Manager secret holding the URL',
  });
  if (given === undefined) return undefined;
  const { secretName } = given.ids;
  if (/^https?:/i.test(secretName)) {
    fail(
      keys.secretName,
      'looks like the webhook URL itself, which must not be in the template',
      'the name of a Secrets Manager secret holding the URL',
    );
  }
  if (!SECRET_NAME.test(secretName)) {
    fail(
      keys.secretName,
      `${show(secretName)} is not a secret name`,
      'up to 512 letters, digits and /_+=.@-',
    );
  }
  return { secretName, filterPolicy: chatFilterPolicy(keys.filterPolicy, given.filterPolicy) };
}
