// The Chatbot channel: renders each event as a custom notification and publishes it to the chat
// topic that AWS Chatbot (Amazon Q Developer in chat applications) is subscribed to.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { toChatbotNotification } from '../domain/chatbot-notification';
import type { TaskChangeEvent } from '../domain/event';
import type { NotificationChannel } from '../notifiers/notifier';

/** Delivers events to a Slack channel through the chat topic. */
export class ChatTopicChannel implements NotificationChannel {
  readonly name = 'chatbot';

  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  /** Publishes the event's custom notification; the SDK's error propagates when SNS refuses it. */
  async deliver(event: TaskChangeEvent): Promise<void> {
    // Chatbot reads the message body as the notification; no subject, no structure.
    await this.client.send(
      new PublishCommand({ TopicArn: this.topicArn, Message: JSON.stringify(toChatbotNotification(event)) }),
    );
  }
}
