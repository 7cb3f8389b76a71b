// The settings of Microsoft Teams through AWS Chatbot, from context as `-c` or cdk.json give them
// and as the `teams` prop: the three ids together, the channel id in either form people copy it
// in, the filter, and an error naming the setting for every bad value.
import { checkProps } from '../../../lib/check-props';
import { DEFAULT_CHAT_FILTER_POLICY } from '../../../lib/defaults';
import { propsFromContext, SettingsError } from '../../../lib/settings';

const TEAM = '8f2c6d1e-4b3a-4c9d-a1e5-7b6f0d2c3e4a';
const TENANT = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const CHANNEL = '19%3a2f4c8e1a9b7d4c6e8f0a1b3c5d7e9f01%40thread.tacv2';
const ids = { teamsTeamId: TEAM, teamsChannelId: CHANNEL, teamsTenantId: TENANT };

/** The Teams options a context gives, checked as the construct checks them. */
function teamsFrom(context: Record<string, unknown>): unknown {
  const { channels } = checkProps(
    propsFromContext((key) => context[key]),
    { stackRegion: 'eu-west-1' },
  );
  return channels.find(({ definition }) => definition.prop === 'teams')?.options;
}

function errorFor(context: Record<string, unknown>): string {
  try {
    teamsFrom(context);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error(`no error for ${JSON.stringify(context)}`);
}

it('is off when no id is set', () => {
  expect(teamsFrom({})).toBeUndefined();
  expect(propsFromContext(() => undefined)).not.toHaveProperty('teams');
});

it('reads the three ids with the default chat filter', () => {
  expect(teamsFrom(ids)).toEqual({
    teamId: TEAM,
    channelId: CHANNEL,
    tenantId: TENANT,
    filterPolicy: DEFAULT_CHAT_FILTER_POLICY,
  });
});

it('takes the channel id as Teams shows it in a link, and encodes it as CloudFormation takes it', () => {
  const options = teamsFrom({ ...ids, teamsChannelId: '19:2f4c8e1a9b7d4c6e8f0a1b3c5d7e9f01@thread.tacv2' });

  expect(options).toMatchObject({ channelId: CHANNEL });
});

it('takes a filter as JSON text', () => {
  expect(teamsFrom({ ...ids, teamsFilterPolicy: '{"phase":["failed"]}' })).toMatchObject({
    filterPolicy: { phase: ['failed'] },
  });
});

it('takes the same options as the teams prop', () => {
  const { channels } = checkProps(
    { teams: { teamId: TEAM, channelId: CHANNEL, tenantId: TENANT, filterPolicy: { phase: ['failed'] } } },
    { stackRegion: 'eu-west-1' },
  );

  expect(channels.map(({ definition, options }) => [definition.name, options])).toEqual([
    ['teams', { teamId: TEAM, channelId: CHANNEL, tenantId: TENANT, filterPolicy: { phase: ['failed'] } }],
  ]);
});

it.each([
  [{ teamsChannelId: CHANNEL }, /^teamsTeamId: not set but teamsChannelId is; allowed: the team id/],
  [
    { teamsTeamId: TEAM, teamsTenantId: TENANT },
    /^teamsChannelId: not set but teamsTeamId and teamsTenantId are; allowed: the channel id/,
  ],
  [
    { teamsTeamId: TEAM, teamsChannelId: CHANNEL },
    /^teamsTenantId: not set but teamsTeamId and teamsChannelId are/,
  ],
  [{ ...ids, teamsTeamId: 'engineering' }, /^teamsTeamId: "engineering" is not a team id; allowed: a GUID/],
  [
    { ...ids, teamsTenantId: 'contoso.onmicrosoft.com' },
    /^teamsTenantId: "contoso.onmicrosoft.com" is not a tenant id/,
  ],
  [
    { ...ids, teamsChannelId: 'General' },
    /^teamsChannelId: "General" is not a channel id; allowed: .*not the channel name/,
  ],
  [{ ...ids, teamsChannelId: 42 }, /^teamsChannelId: 42 is not text/],
  [
    { ...ids, teamsFilterPolicy: { phase: ['done'] } },
    /^teamsFilterPolicy: "done" is not a value of "phase"/,
  ],
  [
    { teamsFilterPolicy: { phase: ['failed'] } },
    /^teamsFilterPolicy: set, but teamsTeamId, teamsChannelId and teamsTenantId not/,
  ],
])('rejects %j', (context, expected) => {
  expect(errorFor(context)).toMatch(expected);
});

it('rejects a teams prop that is not an object', () => {
  expect(() => checkProps({ teams: 'General' } as never, { stackRegion: 'eu-west-1' })).toThrow(
    /^teams: "General" is not an object/,
  );
});
