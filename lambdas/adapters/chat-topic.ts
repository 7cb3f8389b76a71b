// The delivery of the chat channels reached through AWS Chatbot (Amazon Q Developer in chat
// applications): renders each event as a custom notification and publishes it to the chat topic
// Chatbot is subscribed to, whatever chat application (Slack, Teams) Chatbot posts it to.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { toChatbotNotification } from '../domain/chatbot-notification';
import type { MonitorEvent } from '../domain/monitor-event';
import type { DeliveryAdapter } from '../notifiers/notifier';
import type { ChannelName } from '../shared/config';

/** Delivers events to a chat channel through its chat topic. */
export class ChatTopicDelivery implements DeliveryAdapter {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
    /** The channel (see DeliveryAdapter.name). */
    readonly name: ChannelName,
  ) {}

  /** Publishes the event's custom notification; the SDK's error propagates when SNS refuses it. */
  async deliver(event: MonitorEvent): Promise<void> {
    // Chatbot reads the message body as the notification; no subject, no structure.
    await this.client.send(
      new PublishCommand({ TopicArn: this.topicArn, Message: JSON.stringify(toChatbotNotification(event)) }),
    );
  }
}
