// The settings of Microsoft Teams through AWS Chatbot: the team, channel and tenant ids (all three,
// or none), in the forms the Chatbot console and Teams show, and the channel's filter policy.
import { channelIds, chatFilterPolicy } from '../../lib/settings/channel-options';
import type { FilterPolicy } from '../../lib/settings/filter-policy';
import { fail, show } from '../../lib/settings/settings-error';

/** A Microsoft Teams channel reached through AWS Chatbot (Amazon Q Developer in chat applications). */
export interface TeamsOptions {
  /** Id of the team authorised in the Chatbot console, a GUID, e.g. 3b7c1e2a-5d4f-4a8e-9c6b-1f2e3d4c5b6a. */
  readonly teamId: string;
  /**
   * Id of the Teams channel (the Chatbot app must be added to the team), as the Chatbot console
   * shows it (`19%3a…%40thread.tacv2`) or as Teams shows it in the channel's link (`19:…@thread.tacv2`).
   */
  readonly channelId: string;
  /** Id of the Microsoft Entra tenant of the team, a GUID. */
  readonly tenantId: string;
  /**
   * Which changes reach the channel.
   *
   * @default DEFAULT_CHAT_FILTER_POLICY: TaskStateChanged into a terminal phase, TaskDisappeared and TaskDiscovered
   */
  readonly filterPolicy?: FilterPolicy;
}

/** The context key of each option. */
export const TEAMS_CONTEXT_KEYS = {
  teamId: 'teamsTeamId',
  channelId: 'teamsChannelId',
  tenantId: 'teamsTenantId',
  filterPolicy: 'teamsFilterPolicy',
} as const satisfies Record<keyof TeamsOptions, string>;

// CloudFormation's patterns for AWS::Chatbot::MicrosoftTeamsChannelConfiguration.
const GUID = /^[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}$/;
const TEAMS_CHANNEL_ID = /^[a-zA-Z0-9-_=+/.,]*%3[aA][a-zA-Z0-9-_=+/.,]*%40[a-zA-Z0-9-_=+/.,]*$/;

/**
 * The channel id as CloudFormation takes it: URL-encoded, the form the Chatbot console shows.
 * Teams itself shows `19:…@thread.tacv2` (in a channel's link, decoded): its `:` and `@` are encoded.
 */
function encodedChannelId(id: string): string {
  return id.replace(/:/g, '%3a').replace(/@/g, '%40');
}

/**
 * Checks the Teams options, given as the `teams` prop or from context: the three ids (or none),
 * and the filter policy (the default chat filter when left out).
 *
 * @returns undefined when no id is set (no Teams channel)
 */
export function checkTeamsOptions(value: unknown): Required<TeamsOptions> | undefined {
  const keys = TEAMS_CONTEXT_KEYS;
  const given = channelIds('teams', value, keys, {
    teamId: 'the team id from the Chatbot console, a GUID',
    channelId: 'the channel id from the Chatbot console, e.g. 19%3a0123abcd…%40thread.tacv2',
    tenantId: 'the tenant id from the Chatbot console, a GUID',
  });
  if (given === undefined) return undefined;
  const { teamId, channelId, tenantId } = given.ids;
  if (!GUID.test(teamId))
    fail(
      keys.teamId,
      `${show(teamId)} is not a team id`,
      'a GUID, e.g. 3b7c1e2a-5d4f-4a8e-9c6b-1f2e3d4c5b6a',
    );
  if (!GUID.test(tenantId))
    fail(
      keys.tenantId,
      `${show(tenantId)} is not a tenant id`,
      'a GUID, e.g. 8f4e2d1c-0b9a-4c7d-8e6f-5a4b3c2d1e0f',
    );
  const encoded = encodedChannelId(channelId);
  if (encoded.length > 256 || !TEAMS_CHANNEL_ID.test(encoded)) {
    fail(
      keys.channelId,
      `${show(channelId)} is not a channel id`,
      'the id from the Chatbot console, e.g. 19%3a0123abcd…%40thread.tacv2, or 19:0123abcd…@thread.tacv2 (not the channel name)',
    );
  }
  return {
    teamId,
    channelId: encoded,
    tenantId,
    filterPolicy: chatFilterPolicy(keys.filterPolicy, given.filterPolicy),
  };
}
