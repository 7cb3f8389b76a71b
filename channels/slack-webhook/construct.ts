// Slack through an incoming webhook: the channel's delivery, whose notifier reads the URL from the
// named secret and posts through at most WEBHOOK_NOTIFIERS notifiers at once, each paced to
// Slack's one message per second divided among them.
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { ChannelContext, DeployedChannel } from '../../lib/channel/channel';
import { ChannelDelivery } from '../../lib/channel/channel-delivery';
import { DEFAULT_MIN_INTERVAL_MS as SLACK_POST_INTERVAL_MS } from './client';
import { SLACK_WEBHOOK, WEBHOOK_VARIABLES } from './config';
import type { SlackWebhookOptions } from './settings';

/**
 * Slack webhook notifiers running at once: the least maximum concurrency an SQS event source takes.
 * Each paces its posts to this many times Slack's interval, so together they keep Slack's rate.
 */
export const WEBHOOK_NOTIFIERS = 2;

/** The Slack webhook channel as built. */
export class SlackWebhookChannel implements DeployedChannel {
  /** The queue, notifier and dead-letter queue (construct id `SlackWebhook` under the monitor). */
  public readonly delivery: ChannelDelivery;
  /** The secret holding the webhook URL, which only the notifier may read. */
  public readonly secret: secretsmanager.ISecret;
  public readonly outputs = {};

  /**
   * A burst (a first deploy's discoveries) waits in the queue and drains at Slack's rate: the
   * queue's maximum concurrency (Lambda's minimum), not a reserved concurrency, limits the
   * notifiers, so nothing is throttled and every receive is a real delivery; up to ten of them,
   * since Slack's rate limits count as deliveries.
   */
  constructor(monitor: Construct, options: Required<SlackWebhookOptions>, context: ChannelContext) {
    this.delivery = new ChannelDelivery(monitor, 'SlackWebhook', {
      ...context,
      channel: SLACK_WEBHOOK,
      description: 'Posts the filtered task changes to a Slack incoming webhook',
      filterPolicy: options.filterPolicy,
      maxConcurrency: WEBHOOK_NOTIFIERS,
      maxReceiveCount: 10,
    });
    const { notifier } = this.delivery;
    this.secret = secretsmanager.Secret.fromSecretNameV2(monitor, 'SlackWebhookSecret', options.secretName);
    notifier.addEnvironment(WEBHOOK_VARIABLES.secretName, options.secretName);
    notifier.addEnvironment(
      WEBHOOK_VARIABLES.postIntervalMs,
      String(SLACK_POST_INTERVAL_MS * WEBHOOK_NOTIFIERS),
    );
    this.secret.grantRead(notifier);
  }
}
