// Slack through AWS Chatbot, as a channel of the monitor (the contract: lib/channel/channel.ts).
import type { ChannelDefinition } from '../../lib/channel/channel';
import { CHATBOT } from './config';
import { ChatbotChannel } from './construct';
import { CHATBOT_CONTEXT_KEYS, type ChatbotOptions, checkChatbotOptions } from './settings';

export { ChatbotChannel, type ChatbotChannelProps } from './construct';
export type { ChatbotOptions } from './settings';

/** Slack through AWS Chatbot. */
export const chatbotChannel: ChannelDefinition<Required<ChatbotOptions>, ChatbotChannel> = {
  name: CHATBOT,
  id: 'Chatbot',
  prop: 'chatbot',
  contextKeys: CHATBOT_CONTEXT_KEYS,
  check: checkChatbotOptions,
  build: (monitor, options, context) => new ChatbotChannel(monitor, 'Chatbot', { ...context, ...options }),
  local: { kind: 'chat-topic', context: { slackWorkspaceId: 'T0LOCAL', slackChannelId: 'C0LOCAL' } },
};

declare module '../../lib/ec2-task-monitor-props' {
  interface Ec2TaskMonitorProps {
    /**
     * Post filtered changes to a Slack channel through AWS Chatbot (Amazon Q Developer in chat
     * applications). The workspace must first be authorised in the Chatbot console.
     *
     * @default - no Chatbot channel
     */
    readonly chatbot?: ChatbotOptions;
  }
}

declare module '../../lib/channel/channel' {
  interface MonitorChannels {
    /** The Slack channel through AWS Chatbot, when `chatbot` is set. */
    readonly chatbot?: ChatbotChannel;
  }
}
