// Microsoft Teams through AWS Chatbot (Amazon Q Developer in chat applications): the chat topic,
// role, guardrail and notifier every Chatbot channel has (lib/channel/chatbot-client-channel.ts),
// and the Teams channel configuration subscribed to the chat topic. aws-cdk-lib has no L2 construct
// for it, so it is the L1 resource, given what the Slack one gets.
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import type { Construct } from 'constructs';
import type { ChannelContext } from '../../lib/channel/channel';
import { ChatbotClientChannel } from '../../lib/channel/chatbot-client-channel';
import { TEAMS } from './config';
import type { TeamsOptions } from './settings';

/** Properties of a {@link TeamsChannel}: the monitor's context and the checked options. */
export interface TeamsChannelProps extends ChannelContext, Required<TeamsOptions> {}

/** Posts the filtered task changes to a Microsoft Teams channel through AWS Chatbot, one thread per task. */
export class TeamsChannel extends ChatbotClientChannel {
  /** The Microsoft Teams channel configuration. */
  public readonly teamsChannel: chatbot.CfnMicrosoftTeamsChannelConfiguration;

  constructor(scope: Construct, id: string, props: TeamsChannelProps) {
    super(scope, id, {
      ...props,
      channel: TEAMS,
      application: 'Microsoft Teams',
      topicDisplayName: 'EC2 task monitor Teams chat',
      chatTopicOutput: 'TeamsChatTopicArn',
      notifierDescription:
        'Renders the Teams-filtered task changes as AWS Chatbot custom notifications for Microsoft Teams',
    });
    this.teamsChannel = new chatbot.CfnMicrosoftTeamsChannelConfiguration(this, 'TeamsChannel', {
      configurationName: this.configurationName(),
      teamId: props.teamId,
      teamsChannelId: props.channelId,
      teamsTenantId: props.tenantId,
      snsTopicArns: [this.chatTopic.topicArn],
      iamRoleArn: this.role.roleArn,
      guardrailPolicies: [this.channelPolicy.managedPolicyArn],
      loggingLevel: 'ERROR',
    });
  }
}
