// The settings of Slack through AWS Chatbot: the workspace and channel ids (together, or neither),
// in the forms the Chatbot console and Slack show, and the channel's filter policy.
import { channelIds, chatFilterPolicy } from '../../lib/settings/channel-options';
import type { FilterPolicy } from '../../lib/settings/filter-policy';
import { fail, show } from '../../lib/settings/settings-error';

/** A Slack channel reached through AWS Chatbot (Amazon Q Developer in chat applications). */
export interface ChatbotOptions {
  /** Id of the Slack workspace authorised in the Chatbot console, e.g. T0123ABCDEF. */
  readonly slackWorkspaceId: string;
  /** Id of the Slack channel, e.g. C0123ABCDEF (the Chatbot app must be invited to it). */
  readonly slackChannelId: string;
  /**
   * Which changes reach the channel.
   *
   * @default DEFAULT_CHAT_FILTER_POLICY: TaskStateChanged into a terminal phase, TaskDisappeared and TaskDiscovered
   */
  readonly filterPolicy?: FilterPolicy;
}

/** The context key of each option. */
export const CHATBOT_CONTEXT_KEYS = {
  slackWorkspaceId: 'slackWorkspaceId',
  slackChannelId: 'slackChannelId',
  filterPolicy: 'chatFilterPolicy',
} as const satisfies Record<keyof ChatbotOptions, string>;

// CloudFormation's patterns for AWS::Chatbot::SlackChannelConfiguration.
const SLACK_WORKSPACE_ID = /^[0-9A-Z]{1,255}$/;
const SLACK_CHANNEL_ID = /^[A-Za-z0-9]{1,256}$/;

/**
 * Checks the Chatbot options, given as the `chatbot` prop or from context: both ids (or neither),
 * and the filter policy (the default chat filter when left out).
 *
 * @returns undefined when neither id is set (no Chatbot channel)
 */
export function checkChatbotOptions(value: unknown): Required<ChatbotOptions> | undefined {
  const keys = CHATBOT_CONTEXT_KEYS;
  const given = channelIds('chatbot', value, keys, {
    slackWorkspaceId: 'the workspace id from the Chatbot console, e.g. T0123ABCDEF',
    slackChannelId: 'the channel id from Slack, e.g. C0123ABCDEF',
  });
  if (given === undefined) return undefined;
  const { slackWorkspaceId, slackChannelId } = given.ids;
  if (!SLACK_WORKSPACE_ID.test(slackWorkspaceId)) {
    fail(
      keys.slackWorkspaceId,
      `${show(slackWorkspaceId)} is not a workspace id`,
      'upper-case letters and digits, e.g. T0123ABCDEF',
    );
  }
  if (!SLACK_CHANNEL_ID.test(slackChannelId)) {
    fail(
      keys.slackChannelId,
      `${show(slackChannelId)} is not a channel id`,
      'letters and digits, e.g. C0123ABCDEF (not the #name)',
    );
  }
  return {
    slackWorkspaceId,
    slackChannelId,
    filterPolicy: chatFilterPolicy(keys.filterPolicy, given.filterPolicy),
  };
}
