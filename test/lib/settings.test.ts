// The stack's settings: defaults, the shapes context values arrive in (cdk.json arrays and
// objects, command-line strings), and an error naming the setting and the allowed values for
// every bad value.
import { TASK_TYPE_NAMES } from '../../lambdas/domain/task';
import { CHANNELS, type ChatbotOptions, type SlackWebhookOptions } from '../../channels';
import { type CheckedProps, checkProps } from '../../lib/check-props';
import {
  DEFAULT_CHAT_FILTER_POLICY,
  DEFAULT_EMAIL_FILTER_POLICY,
  DEFAULT_STALL_AFTER_MINUTES,
} from '../../lib/defaults';
import {
  checkContextKeys,
  closestSetting,
  type ContextSource,
  propsFromContext,
  settingKeys,
  SettingsError,
} from '../../lib/settings';
import { contextKeysOf } from '../../lib/settings/setting';

const STACK_REGION = 'eu-west-1';

/**
 * The settings a context gives: its values mapped onto the construct's props, checked as the
 * construct checks them, shown as the settings read (the schedule's expression, each configured
 * channel's options under its prop).
 */
type ReadSettings = Omit<CheckedProps, 'schedule' | 'channels' | 'alarms'> & {
  schedule: string;
  chatbot?: Required<ChatbotOptions>;
  slackWebhook?: Required<SlackWebhookOptions>;
  eventBus?: unknown;
};

function readSettings(source: ContextSource, stackRegion: string): ReadSettings {
  const {
    schedule,
    channels,
    alarms: _alarms,
    ...settings
  } = checkProps(propsFromContext(source), {
    stackRegion,
  });
  return {
    ...settings,
    schedule: schedule.expressionString,
    ...Object.fromEntries(channels.map(({ definition, options }) => [definition.prop, options])),
  };
}

/** Reads settings from a plain context object, as `-c` or cdk.json would give them. */
function settingsFrom(context: Record<string, unknown>): ReadSettings {
  return readSettings((key) => context[key], STACK_REGION);
}

/** The SettingsError thrown for one context, or fails the test when none is thrown. */
function errorFor(context: Record<string, unknown>): SettingsError {
  try {
    settingsFrom(context);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return error as SettingsError;
  }
  throw new Error(`no error for ${JSON.stringify(context)}`);
}

describe('readSettings defaults', () => {
  it('applies every default when the context is empty', () => {
    // Act
    const settings = settingsFrom({});

    // Assess
    expect(settings).toEqual({
      schedule: 'rate(1 minute)',
      regions: [STACK_REGION],
      taskTypes: [...TASK_TYPE_NAMES],
      emails: [],
      operatorEmails: [],
      emailFilterPolicy: DEFAULT_EMAIL_FILTER_POLICY,
      progressStep: 25,
      retentionDays: 30,
      disappearAfterMisses: 2,
      quotaWarningShare: 0.8,
      stallAfter: DEFAULT_STALL_AFTER_MINUTES,
      accounts: { mode: 'self' },
      excludeAccounts: [],
      memberRoleName: 'ec2-task-monitor-reader',
      memberRoleStackSet: 'delegated-admin',
      memberRoleTargets: [],
      dashboard: false,
      topicKeys: 'shared',
      workerConcurrency: 10,
      fastPollSeconds: 15,
      cloudTrailTrigger: false,
    });
  });

  it('defaults the email filter to terminal state changes, disappearances and a quota nearly exhausted', () => {
    expect(DEFAULT_EMAIL_FILTER_POLICY).toEqual({
      $or: [
        { changeType: ['TaskStateChanged'], phase: ['succeeded', 'failed', 'cancelled'] },
        { changeType: ['TaskDisappeared', 'TaskStalled', 'QuotaNearlyExhausted'] },
      ],
    });
  });

  it('reads a construct node through tryGetContext', () => {
    const node = { tryGetContext: (key: string) => ({ regions: 'us-west-2' })[key] };

    expect(readSettings(node, STACK_REGION).regions).toEqual(['us-west-2']);
  });
});

describe('schedule', () => {
  it.each([
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(12 hours)',
    'rate(1 day)',
    'cron(0/5 * * * ? *)',
    'cron(0 8 ? * MON-FRI *)',
  ])('accepts %s', (schedule) => {
    expect(settingsFrom({ schedule }).schedule).toBe(schedule);
  });

  it.each([
    'rate(0 minutes)',
    'rate(1 minutes)',
    'rate(5 minute)',
    'rate(-1 minute)',
    'rate(1 week)',
    'rate(1.5 hours)',
    'every minute',
    'cron(0/5 * * * *)',
    'cron(0 8 1 * MON *)',
    'cron(0 8 * * * *)',
    '',
  ])('rejects %j naming the setting, the value and the allowed forms', (schedule) => {
    const { message } = errorFor({ schedule });

    expect(message).toMatch(/^schedule: /);
    expect(message).toContain(`"${schedule}"`);
    expect(message).toContain('rate(N minute|minutes|hour|hours|day|days)');
    expect(message).toContain('cron(<6 fields>)');
  });

  it('refuses rate(7 days), a valid expression no trust window accepts (the settings are checked as the construct checks them)', () => {
    expect(errorFor({ schedule: 'rate(7 days)', retentionDays: 3650 }).message).toMatch(
      /^schedule: rate\(7 days\) polls less often than every 6 days/,
    );
  });

  it('rejects a value that is not text', () => {
    expect(errorFor({ schedule: 5 }).message).toMatch(
      /^schedule: 5 is not a valid schedule expression; allowed: /,
    );
  });
});

describe('regions', () => {
  it('parses a comma string, trimming blanks and duplicates', () => {
    expect(settingsFrom({ regions: ' us-east-1, eu-central-1 ,us-east-1,' }).regions).toEqual([
      'us-east-1',
      'eu-central-1',
    ]);
  });

  it('accepts an array from cdk.json', () => {
    expect(settingsFrom({ regions: ['ap-southeast-2', 'sa-east-1'] }).regions).toEqual([
      'ap-southeast-2',
      'sa-east-1',
    ]);
  });

  it('rejects an unknown Region with a short list of the allowed ones', () => {
    const { message } = errorFor({ regions: 'us-east-1,mars-1' });

    expect(message).toMatch(/^regions: unknown Region "mars-1"; allowed: af-south-1, .*, … \(\d+ Regions\)$/);
    expect(message.length).toBeLessThan(200);
  });

  it.each(['cn-north-1', 'us-gov-west-1', 'us-iso-east-1'])(
    'refuses %s, outside the partition of the stack (aws), naming both partitions',
    (region) => {
      const { message } = errorFor({ regions: `us-east-1,${region}` });

      expect(message).toMatch(
        new RegExp(
          `^regions: "${region}" is in partition aws-[a-z-]+, but the stack's Region eu-west-1 is in partition aws, ` +
            'and a poller can only call the EC2 endpoints of its own partition; allowed: Regions of partition aws',
        ),
      );
    },
  );

  it('accepts the Regions of a stack in another partition, and refuses the aws ones there', () => {
    expect(readSettings((key) => ({ regions: 'cn-northwest-1' })[key], 'cn-north-1').regions).toEqual([
      'cn-northwest-1',
    ]);
    expect(() => readSettings((key) => ({ regions: 'us-east-1' })[key], 'cn-north-1')).toThrow(
      /"us-east-1" is in partition aws, but the stack's Region cn-north-1 is in partition aws-cn/,
    );
  });

  it('rejects an empty list and a value that is not a list', () => {
    expect(errorFor({ regions: ' , ' }).message).toBe(
      'regions: no Region given; allowed: at least one Region',
    );
    expect(errorFor({ regions: 42 }).message).toMatch(/^regions: 42 is not a list; allowed: /);
  });
});

describe('taskTypes', () => {
  it('parses a comma string and an array', () => {
    expect(settingsFrom({ taskTypes: 'bundle, store-image' }).taskTypes).toEqual(['bundle', 'store-image']);
    expect(settingsFrom({ taskTypes: ['import-image'] }).taskTypes).toEqual(['import-image']);
  });

  it('rejects an unknown task type listing the allowed ones', () => {
    const { message } = errorFor({ taskTypes: 'bundle,import-volume' });

    expect(message).toBe(
      `taskTypes: unknown task type "import-volume"; allowed: ${TASK_TYPE_NAMES.join(', ')}`,
    );
  });

  it('rejects an empty list', () => {
    expect(errorFor({ taskTypes: '' }).message).toMatch(/^taskTypes: no task type given; allowed: bundle, /);
  });
});

describe('emails', () => {
  it('parses a comma string and an array', () => {
    expect(settingsFrom({ emails: 'ops@example.com,oncall+ec2@corp.example.org' }).emails).toEqual([
      'ops@example.com',
      'oncall+ec2@corp.example.org',
    ]);
    expect(settingsFrom({ emails: ['ops@example.com'] }).emails).toEqual(['ops@example.com']);
  });

  it.each(['ops', 'ops@', '@example.com', 'ops@example', 'ops @example.com', 'ops@exa_mple.com'])(
    'rejects %j naming the bad address',
    (email) => {
      const { message } = errorFor({ emails: `ok@example.com,${email}` });

      expect(message).toBe(
        `emails: "${email}" is not an email address; allowed: addresses like ops@example.com`,
      );
    },
  );
});

describe('operatorEmails', () => {
  it('parses a comma string and an array, trimming blanks and duplicates', () => {
    expect(
      settingsFrom({ operatorEmails: ' oncall@example.com, sre@corp.example.org,oncall@example.com' })
        .operatorEmails,
    ).toEqual(['oncall@example.com', 'sre@corp.example.org']);
    expect(settingsFrom({ operatorEmails: ['oncall@example.com'] }).operatorEmails).toEqual([
      'oncall@example.com',
    ]);
  });

  it('is independent of emails', () => {
    expect(settingsFrom({ emails: 'team@example.com', operatorEmails: 'oncall@example.com' })).toMatchObject({
      emails: ['team@example.com'],
      operatorEmails: ['oncall@example.com'],
    });
  });

  it.each(['oncall', 'oncall@', 'oncall@example', 'on call@example.com'])(
    'rejects %j naming operatorEmails and the bad address',
    (email) => {
      const { message } = errorFor({ emails: 'ok@example.com', operatorEmails: `ok@example.com,${email}` });

      expect(message).toBe(
        `operatorEmails: "${email}" is not an email address; allowed: addresses like ops@example.com`,
      );
    },
  );

  it('rejects a value that is not a list', () => {
    expect(errorFor({ operatorEmails: 7 }).message).toBe(
      'operatorEmails: 7 is not a list; allowed: a comma-separated string or an array of strings',
    );
  });
});

describe('emailFilterPolicy', () => {
  const custom = { changeType: ['TaskStateChanged'], phase: ['failed'], taskType: ['import-image'] };

  it('accepts an object from cdk.json and a JSON string from the command line', () => {
    expect(settingsFrom({ emailFilterPolicy: custom }).emailFilterPolicy).toEqual(custom);
    expect(settingsFrom({ emailFilterPolicy: JSON.stringify(custom) }).emailFilterPolicy).toEqual(custom);
  });

  it('accepts SNS operators on any attribute', () => {
    const policy = {
      region: [{ prefix: 'eu-' }],
      state: [{ 'anything-but': ['active'] }],
      previousPhase: ['running'],
    };

    expect(settingsFrom({ emailFilterPolicy: policy }).emailFilterPolicy).toEqual(policy);
  });

  it('rejects an unknown key listing the attribute names', () => {
    const { message } = errorFor({ emailFilterPolicy: { severity: ['high'] } });

    expect(message).toBe(
      'emailFilterPolicy: unknown key "severity" in the policy; allowed: $or, changeType, taskType, phase, previousPhase, state, region, account, quota',
    );
  });

  it('rejects an unknown change type, also inside $or', () => {
    const { message } = errorFor({ emailFilterPolicy: '{"$or":[{"changeType":["TaskFinished"]}]}' });

    expect(message).toBe(
      'emailFilterPolicy: "TaskFinished" is not a value of "changeType" in $or[0]; allowed: TaskStateChanged, TaskDiscovered, TaskProgressed, TaskDisappeared, TaskStalled, QuotaNearlyExhausted, QuotaAvailable',
    );
  });

  it('rejects an unknown phase', () => {
    expect(errorFor({ emailFilterPolicy: { phase: ['done'] } }).message).toBe(
      'emailFilterPolicy: "done" is not a value of "phase" in the policy; allowed: pending, running, succeeded, failed, cancelled, unknown',
    );
  });

  it.each([
    ['malformed JSON', '{changeType:', /is not JSON/],
    ['an array', '[]', /is not a non-empty JSON object/],
    ['an empty object', {}, /is not a non-empty JSON object/],
    [
      'an empty value list',
      { changeType: [] },
      /"changeType" in the policy is \[\]; allowed: a non-empty array/,
    ],
    [
      'a value that is not a list',
      { changeType: 'TaskDisappeared' },
      /"changeType" in the policy is "TaskDisappeared"/,
    ],
    ['an empty $or', { $or: [] }, /"\$or" in the policy is \[\]/],
  ])('rejects %s', (_name, emailFilterPolicy, expected) => {
    const { message } = errorFor({ emailFilterPolicy });

    expect(message).toMatch(/^emailFilterPolicy: /);
    expect(message).toMatch(expected);
    expect(message).toContain('; allowed: ');
  });
});

describe('progressStep and retentionDays', () => {
  it('parse numbers from cdk.json and digits from the command line', () => {
    expect(settingsFrom({ progressStep: 10, retentionDays: '90' })).toMatchObject({
      progressStep: 10,
      retentionDays: 90,
    });
    expect(settingsFrom({ progressStep: '1', retentionDays: 3650 })).toMatchObject({
      progressStep: 1,
      retentionDays: 3650,
    });
  });

  it.each([0, 101, '0', '101', 2.5, '2.5', 'ten', '1e1', ''])('rejects progressStep %j', (progressStep) => {
    expect(errorFor({ progressStep }).message).toBe(
      `progressStep: ${JSON.stringify(progressStep)} is not valid; allowed: an integer from 1 to 100`,
    );
  });

  it.each([0, -1, '-7', 3651, 1.5, '30 days'])('rejects retentionDays %j', (retentionDays) => {
    expect(errorFor({ retentionDays }).message).toBe(
      `retentionDays: ${JSON.stringify(retentionDays)} is not valid; allowed: an integer from 1 to 3650`,
    );
  });
});

describe('quotaWarningShare', () => {
  it('reads a share from cdk.json or the command line, and off', () => {
    expect(settingsFrom({ quotaWarningShare: 0.9 }).quotaWarningShare).toBe(0.9);
    expect(settingsFrom({ quotaWarningShare: '1' }).quotaWarningShare).toBe(1);
    expect(settingsFrom({ quotaWarningShare: 'off' }).quotaWarningShare).toBe('off');
  });

  it.each([0, 1.2, '80', '-0.5', 'on', ''])('rejects %j naming the setting', (quotaWarningShare) => {
    expect(errorFor({ quotaWarningShare }).message).toBe(
      `quotaWarningShare: ${JSON.stringify(quotaWarningShare)} is not valid; allowed: a number greater than 0 and at most 1 (0.8 is 80 %), or off`,
    );
  });
});

describe('disappearAfterMisses', () => {
  it('reads a number from cdk.json and digits from the command line', () => {
    expect(settingsFrom({ disappearAfterMisses: 3 }).disappearAfterMisses).toBe(3);
    expect(settingsFrom({ disappearAfterMisses: '1' }).disappearAfterMisses).toBe(1);
  });

  it.each([0, 21, '-1', 1.5, 'two', ''])('rejects %j naming the setting', (disappearAfterMisses) => {
    expect(errorFor({ disappearAfterMisses }).message).toBe(
      `disappearAfterMisses: ${JSON.stringify(disappearAfterMisses)} is not valid; allowed: an integer from 1 to 20`,
    );
  });
});

describe('organization mode: accounts, excludeAccounts, regions=enabled, the member role, workerConcurrency', () => {
  const OU = 'ou-ab12-11111111';

  it('reads organization, and a list of account, OU and root ids from a comma string or an array', () => {
    expect(settingsFrom({ accounts: 'organization' }).accounts).toEqual({ mode: 'organization' });
    expect(settingsFrom({ accounts: ` 111111111111, ${OU} ,r-ab12` }).accounts).toEqual({
      mode: 'list',
      accountIds: ['111111111111'],
      parentIds: [OU, 'r-ab12'],
    });
    expect(settingsFrom({ accounts: ['222222222222'] }).accounts).toEqual({
      mode: 'list',
      accountIds: ['222222222222'],
      parentIds: [],
    });
  });

  it.each([
    ['12345', '"12345" is not 12 digits'],
    ['ou-ab12', '"ou-ab12" is not an OU id'],
    ['r-A', '"r-A" is not a root id'],
    ['prod', '"prod" is neither an account id, an OU id nor a root id'],
    ['organization,111111111111', '"organization" cannot be combined with other items'],
    [' , ', 'nothing given'],
  ])('rejects accounts=%j naming the setting and what is wrong', (accounts, problem) => {
    const { message } = errorFor({ accounts });

    expect(message).toMatch(/^accounts: /);
    expect(message).toContain(problem);
    expect(message).toContain('allowed: self, organization, or a comma list of 12-digit account ids');
  });

  it('reads excludeAccounts and regions=enabled in organization mode', () => {
    const settings = settingsFrom({
      accounts: 'organization',
      excludeAccounts: '333333333333,444444444444',
      regions: 'enabled',
    });

    expect(settings.excludeAccounts).toEqual(['333333333333', '444444444444']);
    expect(settings.regions).toBe('enabled');
  });

  it('rejects an excluded id that is no account id, and "enabled" mixed with Regions', () => {
    expect(errorFor({ accounts: 'organization', excludeAccounts: OU }).message).toMatch(
      /^excludeAccounts: "ou-ab12-11111111" is not an account id; allowed: 12-digit account ids$/,
    );
    expect(errorFor({ accounts: 'organization', regions: 'enabled,us-east-1' }).message).toMatch(
      /^regions: "enabled" combined with Region names; allowed: "enabled" alone, or a list of Regions$/,
    );
  });

  it('rejects an exclusion that leaves a list of accounts empty', () => {
    expect(errorFor({ accounts: '111111111111', excludeAccounts: '111111111111' }).message).toBe(
      'excludeAccounts: excludes every account that accounts lists; allowed: accounts not all listed in accounts',
    );
  });

  it.each([
    ['excludeAccounts', '111111111111'],
    ['memberRoleName', 'reader'],
    ['memberRoleStackSet', 'none'],
    ['memberRoleTargets', OU],
    ['workerConcurrency', '20'],
  ])('refuses %s without organization mode, naming the forgotten setting', (key, value) => {
    expect(errorFor({ [key]: value }).message).toBe(
      `${key}: set, but accounts (organization or a list of accounts and OUs) not; allowed: ` +
        `${key} only together with accounts (organization or a list of accounts and OUs)`,
    );
  });

  it('refuses regions=enabled for the deployment account alone', () => {
    expect(errorFor({ regions: 'enabled' }).message).toMatch(
      /^regions: "enabled" with accounts=self; allowed: /,
    );
  });

  it('reads the member role settings and the worker concurrency', () => {
    const settings = settingsFrom({
      accounts: OU,
      memberRoleName: 'TaskReader',
      memberRoleStackSet: 'management',
      memberRoleTargets: `${OU},r-ab12`,
      workerConcurrency: '50',
    });

    expect(settings).toMatchObject({
      memberRoleName: 'TaskReader',
      memberRoleStackSet: 'management',
      memberRoleTargets: [OU, 'r-ab12'],
      workerConcurrency: 50,
    });
  });

  it.each([
    [{ memberRoleName: 'has space' }, /^memberRoleName: "has space" is not a valid IAM role name/],
    [{ memberRoleName: 'x'.repeat(65) }, /^memberRoleName: "x{65}" is not a valid IAM role name/],
    [
      { memberRoleStackSet: 'self' },
      /^memberRoleStackSet: "self" is not valid; allowed: delegated-admin, management, none$/,
    ],
    [{ memberRoleTargets: '111111111111' }, /^memberRoleTargets: "111111111111" is not an OU or root id/],
    [{ workerConcurrency: 1 }, /^workerConcurrency: 1 is not valid; allowed: an integer from 2 to 1000$/],
    [{ workerConcurrency: 1001 }, /^workerConcurrency: 1001 is not valid/],
    [
      { memberRoleStackSet: 'none', memberRoleTargets: OU },
      /^memberRoleTargets: set, but memberRoleStackSet \(delegated-admin or management\) not/,
    ],
  ])('rejects %j', (context, message) => {
    expect(errorFor({ accounts: 'organization', ...context }).message).toMatch(message);
  });
});

describe('the dashboard and the topic keys', () => {
  it.each([
    ['true', true],
    [' FALSE ', false],
    [true, true],
  ])('reads dashboard=%j', (value, expected) => {
    expect(settingsFrom({ dashboard: value }).dashboard).toBe(expected);
  });

  it('reads topicKeys', () => {
    expect(settingsFrom({ topicKeys: 'per-topic' }).topicKeys).toBe('per-topic');
  });

  it.each([
    [{ dashboard: 'yes' }, /^dashboard: "yes" is not valid; allowed: true or false$/],
    [{ topicKeys: 'none' }, /^topicKeys: "none" is not valid; allowed: shared, per-topic$/],
  ])('rejects %j', (context, message) => {
    expect(errorFor(context).message).toMatch(message);
  });
});

describe('Slack through AWS Chatbot', () => {
  const ids = { slackWorkspaceId: 'T0123ABCDEF', slackChannelId: 'C0123ABCDEF' };

  it('is off when neither id is set', () => {
    expect(settingsFrom({}).chatbot).toBeUndefined();
    expect('chatbot' in settingsFrom({})).toBe(false);
  });

  it('reads both ids with the default chat filter', () => {
    expect(settingsFrom(ids).chatbot).toEqual({
      slackWorkspaceId: 'T0123ABCDEF',
      slackChannelId: 'C0123ABCDEF',
      filterPolicy: DEFAULT_CHAT_FILTER_POLICY,
    });
  });

  it('defaults the chat filter to terminal changes and disappearances, plus discoveries and the quota events', () => {
    expect(DEFAULT_CHAT_FILTER_POLICY).toEqual({
      $or: [
        { changeType: ['TaskStateChanged'], phase: ['succeeded', 'failed', 'cancelled'] },
        { changeType: ['TaskDisappeared', 'TaskStalled'] },
        { changeType: ['TaskDiscovered'] },
        { changeType: ['QuotaNearlyExhausted', 'QuotaAvailable'] },
      ],
    });
  });

  it('takes a chat filter as JSON text', () => {
    const policy = { phase: ['failed'] };

    expect(settingsFrom({ ...ids, chatFilterPolicy: JSON.stringify(policy) }).chatbot?.filterPolicy).toEqual(
      policy,
    );
  });

  it.each([
    [{ slackChannelId: 'C0123ABCDEF' }, /^slackWorkspaceId: not set but slackChannelId is/],
    [{ slackWorkspaceId: 'T0123ABCDEF' }, /^slackChannelId: not set but slackWorkspaceId is/],
    [{ ...ids, slackWorkspaceId: 't0123' }, /^slackWorkspaceId: "t0123" is not a workspace id/],
    [
      { ...ids, slackChannelId: '#alerts' },
      /^slackChannelId: "#alerts" is not a channel id; allowed: .*not the #name/,
    ],
    [
      { ...ids, chatFilterPolicy: { phase: ['done'] } },
      /^chatFilterPolicy: "done" is not a value of "phase"/,
    ],
    [
      { chatFilterPolicy: { phase: ['failed'] } },
      /^chatFilterPolicy: set, but slackWorkspaceId and slackChannelId not/,
    ],
    [{ ...ids, slackWorkspaceId: 42 }, /^slackWorkspaceId: 42 is not text/],
  ])('rejects %j', (context, expected) => {
    expect(errorFor(context).message).toMatch(expected);
  });
});

describe('Slack through an incoming webhook', () => {
  it('is off when no secret name is set', () => {
    expect('slackWebhook' in settingsFrom({})).toBe(false);
  });

  it('reads the secret name with the default chat filter', () => {
    expect(settingsFrom({ slackWebhookSecretName: 'ec2-task-monitor/slack-webhook' }).slackWebhook).toEqual({
      secretName: 'ec2-task-monitor/slack-webhook',
      filterPolicy: DEFAULT_CHAT_FILTER_POLICY,
    });
  });

  it('takes its own filter policy', () => {
    const settings = settingsFrom({
      slackWebhookSecretName: 'hook',
      webhookFilterPolicy: '{"phase":["failed"]}',
    });

    expect(settings.slackWebhook?.filterPolicy).toEqual({ phase: ['failed'] });
  });

  it.each([
    [
      { slackWebhookSecretName: 'https://hooks.slack.com/services/T0/B0/secret' },
      /^slackWebhookSecretName: looks like the webhook URL itself/,
    ],
    [{ slackWebhookSecretName: 'my secret' }, /^slackWebhookSecretName: "my secret" is not a secret name/],
    [{ slackWebhookSecretName: 'x'.repeat(513) }, /^slackWebhookSecretName: "x+" is not a secret name/],
    [{ slackWebhookSecretName: 'hook', webhookFilterPolicy: '{' }, /^webhookFilterPolicy: "\{" is not JSON/],
    [
      { webhookFilterPolicy: { phase: ['failed'] } },
      /^webhookFilterPolicy: set, but slackWebhookSecretName not/,
    ],
  ])('rejects %j', (context, expected) => {
    expect(errorFor(context).message).toMatch(expected);
  });

  it('never echoes a webhook URL given by mistake', () => {
    const url = 'https://hooks.slack.com/services/T0/B0/XYZsecretXYZ';

    expect(errorFor({ slackWebhookSecretName: url }).message).not.toContain('XYZsecretXYZ');
  });
});

describe('eventBus', () => {
  it.each(['default', 'create'])('accepts %s', (choice) => {
    expect(settingsFrom({ eventBus: choice }).eventBus).toBe(choice);
  });

  it('is off by default', () => {
    expect('eventBus' in settingsFrom({})).toBe(false);
  });

  it('names the allowed values', () => {
    expect(errorFor({ eventBus: 'mine' }).message).toBe(
      'eventBus: "mine" is not valid; allowed: default, create',
    );
  });
});

describe('unknown context keys', () => {
  /** The context keys `npx cdk synth` (aws-cdk 2.1148) hands the app besides cdk.json's flags. */
  const CDK_KEYS = [
    '@aws-cdk/core:failSynthOnValidationErrors',
    '@aws-cdk/aws-lambda-nodejs:useLatestRuntimeVersion',
    'aws:cdk:bundling-stacks',
    'aws:cdk:enable-asset-metadata',
    'aws:cdk:enable-path-metadata',
    'aws:cdk:version-reporting',
    'aws:cdk:disable-asset-staging',
    'aws:cdk:disable-version-reporting',
    'cli-telemetry',
    'acknowledged-issue-numbers',
    'availability-zones:account=123456789012:region=eu-west-1',
  ];

  it("leaves the settings and the CDK's own keys alone", () => {
    expect(() => checkContextKeys([...CDK_KEYS, 'emails', 'regions', 'retentionDays'])).not.toThrow();
  });

  it.each([
    ['email', 'emails'],
    ['region', 'regions'],
    ['task-types', 'taskTypes'],
    ['TASKTYPES', 'taskTypes'],
    ['retention', 'retentionDays'],
    ['eventbus', 'eventBus'],
    ['operatorEmail', 'operatorEmails'],
  ])('"%s" fails the synth asking whether "%s" was meant', (key, meant) => {
    expect(closestSetting(key)).toBe(meant);
    expect(() => checkContextKeys(['cli-telemetry', key])).toThrow(SettingsError);
    // The monitor's settings and the first channels' keys, in registry order; a channel added to
    // the registry appends its keys.
    expect(() => checkContextKeys(['cli-telemetry', key])).toThrow(
      new RegExp(
        `^${key}: not a setting, did you mean "${meant}"\\?; allowed: schedule, regions, taskTypes, emails, operatorEmails, emailFilterPolicy, progressStep, retentionDays, disappearAfterMisses, quotaWarningShare, stallAfter, accounts, excludeAccounts, memberRoleName, memberRoleStackSet, memberRoleTargets, dashboard, topicKeys, workerConcurrency, fastPollSeconds, cloudTrailTrigger, slackWorkspaceId, slackChannelId, chatFilterPolicy, slackWebhookSecretName, webhookFilterPolicy, eventBus(, \\w+)*$`,
      ),
    );
  });

  it("accepts every registered channel's keys, after the monitor's own", () => {
    const channelKeys = CHANNELS.flatMap((channel) => contextKeysOf(channel.contextKeys));

    expect(settingKeys().slice(-channelKeys.length)).toEqual(channelKeys);
    expect(() => checkContextKeys(channelKeys)).not.toThrow();
  });

  it('names no setting when none is close', () => {
    expect(() => checkContextKeys(['banana'])).toThrow(/^banana: not a setting; allowed: schedule, /);
  });
});
