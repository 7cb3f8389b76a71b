// The Slack webhook channel: renders each event as a Block Kit message and posts it to the
// incoming webhook whose URL is kept in Secrets Manager. The URL is read at run time (cached a
// few minutes), never from the environment, and never appears in an error or a log line.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { MonitorEvent } from '../../lambdas/domain/monitor-event';
import { toSlackMessage } from './message';
import type { DeliveryAdapter } from '../../lambdas/notifiers/notifier';
import { SLACK_WEBHOOK } from './config';
import { sdkClientConfig } from '../../lambdas/shared/sdk-clients';
import { type SlackWebhookClient, SlackWebhookError } from './client';

/** Reads the webhook URL; `fresh` skips any cache. */
export type WebhookUrlSource = (fresh: boolean) => Promise<string>;

/** The secret does not hold a usable webhook URL. Never carries the secret's value. */
export class WebhookSecretError extends Error {
  constructor(secretName: string, problem: string) {
    super(`Secret ${secretName}: ${problem}`);
    this.name = 'WebhookSecretError';
  }
}

/** How long a read secret is reused: a rotated webhook is picked up within this time (or at once after a refusal). */
const SECRET_MAX_AGE_SECONDS = 300;

/**
 * The webhook URL from a Secrets Manager secret whose value is the URL itself: https, or http to
 * a loopback address (the local Slack stand-in).
 *
 * @param secrets Powertools' provider, by default over a client with the product's timeouts
 */
export function webhookUrlFromSecret(
  secretName: string,
  secrets: Pick<SecretsProvider, 'get'> = new SecretsProvider({
    awsSdkV3Client: new SecretsManagerClient(sdkClientConfig()),
  }),
): WebhookUrlSource {
  return async (fresh) => {
    const value = await secrets.get(secretName, { maxAge: SECRET_MAX_AGE_SECONDS, forceFetch: fresh });
    if (typeof value !== 'string') throw new WebhookSecretError(secretName, 'has no text value');
    let url: URL;
    try {
      url = new URL(value.trim());
    } catch {
      throw new WebhookSecretError(
        secretName,
        'is not a URL (store the webhook URL itself as the secret string)',
      );
    }
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      throw new WebhookSecretError(secretName, 'is not an https URL');
    }
    return url.toString();
  };
}

/** Delivers events to one Slack incoming webhook. */
export class SlackWebhookDelivery implements DeliveryAdapter {
  readonly name = SLACK_WEBHOOK;
  /** After Slack refused the URL (revoked, archived), the next delivery reads the secret again. */
  private refreshUrl = false;

  constructor(
    private readonly webhookUrl: WebhookUrlSource,
    private readonly client: SlackWebhookClient,
  ) {}

  /** Posts the event's Block Kit message; throws {@link SlackWebhookError} or {@link WebhookSecretError}. */
  async deliver(event: MonitorEvent, remainingMs: () => number): Promise<void> {
    const url = await this.webhookUrl(this.refreshUrl);
    this.refreshUrl = false;
    try {
      await this.client.post(url, toSlackMessage(event), remainingMs);
    } catch (error) {
      if (error instanceof SlackWebhookError && !error.retryable) this.refreshUrl = true;
      throw error;
    }
  }
}
