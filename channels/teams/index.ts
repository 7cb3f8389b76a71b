// Microsoft Teams through AWS Chatbot, as a channel of the monitor (the contract: lib/channel/channel.ts).
import type { ChannelDefinition } from '../../lib/channel/channel';
import { TEAMS } from './config';
import { TeamsChannel } from './construct';
import { checkTeamsOptions, TEAMS_CONTEXT_KEYS, type TeamsOptions } from './settings';

export { TeamsChannel, type TeamsChannelProps } from './construct';
export type { TeamsOptions } from './settings';

/** Microsoft Teams through AWS Chatbot. */
export const teamsChannel: ChannelDefinition<Required<TeamsOptions>, TeamsChannel> = {
  name: TEAMS,
  id: 'Teams',
  prop: 'teams',
  contextKeys: TEAMS_CONTEXT_KEYS,
  check: checkTeamsOptions,
  build: (monitor, options, context) => new TeamsChannel(monitor, 'Teams', { ...context, ...options }),
  // Placeholder ids in the forms CloudFormation takes: nothing real is reached locally.
  local: {
    kind: 'chat-topic',
    context: {
      teamsTeamId: '00000000-0000-4000-8000-000000000001',
      teamsChannelId: '19%3a0000000000000000000000000000local%40thread.tacv2',
      teamsTenantId: '00000000-0000-4000-8000-000000000002',
    },
  },
};

declare module '../../lib/ec2-task-monitor-props' {
  interface Ec2TaskMonitorProps {
    /**
     * Post filtered changes to a Microsoft Teams channel through AWS Chatbot (Amazon Q Developer
     * in chat applications), one thread per task. The team must first be authorised in the
     * Chatbot console, which shows the three ids.
     *
     * @default - no Teams channel
     */
    readonly teams?: TeamsOptions;
  }
}

declare module '../../lib/channel/channel' {
  interface MonitorChannels {
    /** The Microsoft Teams channel through AWS Chatbot, when `teams` is set. */
    readonly teams?: TeamsChannel;
  }
}
