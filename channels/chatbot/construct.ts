// Slack through AWS Chatbot (Amazon Q Developer in chat applications): the chat topic, role,
// guardrail and notifier every Chatbot channel has (lib/channel/chatbot-client-channel.ts), and the
// Slack channel configuration subscribed to the chat topic.
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import type { Construct } from 'constructs';
import type { ChannelContext } from '../../lib/channel/channel';
import { ChatbotClientChannel } from '../../lib/channel/chatbot-client-channel';
import { CHATBOT } from './config';
import type { ChatbotOptions } from './settings';

/** Properties of a {@link ChatbotChannel}: the monitor's context and the checked options. */
export interface ChatbotChannelProps extends ChannelContext, Required<ChatbotOptions> {}

/** Posts the filtered task changes to a Slack channel through AWS Chatbot, one thread per task. */
export class ChatbotChannel extends ChatbotClientChannel {
  /** The Slack channel configuration. */
  public readonly slackChannel: chatbot.SlackChannelConfiguration;

  constructor(scope: Construct, id: string, props: ChatbotChannelProps) {
    super(scope, id, {
      ...props,
      channel: CHATBOT,
      application: 'Slack',
      topicDisplayName: 'EC2 task monitor chat',
      chatTopicOutput: 'ChatTopicArn',
      notifierDescription: 'Renders the chat-filtered task changes as AWS Chatbot custom notifications',
    });
    this.slackChannel = new chatbot.SlackChannelConfiguration(this, 'SlackChannel', {
      slackChannelConfigurationName: this.configurationName(),
      slackWorkspaceId: props.slackWorkspaceId,
      slackChannelId: props.slackChannelId,
      notificationTopics: [this.chatTopic],
      role: this.role,
      guardrailPolicies: [this.channelPolicy],
      loggingLevel: chatbot.LoggingLevel.ERROR,
    });
  }
}
