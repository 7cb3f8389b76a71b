// cfn-lint over the synthesized template (assets left in place): CloudFormation's own schema and
// rules, beyond what CDK checks. Exit code 4 means warnings only; CDK's output triggers W3005
// (an explicit DependsOn next to a GetAtt), the one warning tolerated.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EVERY_REGISTERED_CHANNEL, synthMonitor } from './synth';

/** cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational. */
const WARNINGS_ONLY = [0, 4, 8, 12];

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cfn-lint-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const VARIANTS: Record<string, Record<string, unknown>> = {
  defaults: {},
  'every-setting': {
    // Every registered channel on; the built-in ones with the values below.
    ...EVERY_REGISTERED_CHANNEL,
    schedule: 'cron(0 8 ? * MON-FRI *)',
    regions: 'us-east-1,eu-west-1',
    taskTypes: 'bundle,store-image',
    emails: 'ops@example.com,oncall@example.org',
    operatorEmails: 'sre@example.com',
    emailFilterPolicy: '{"taskType":["import-image"],"phase":[{"anything-but":["running"]}]}',
    progressStep: 10,
    retentionDays: 7,
    slackWorkspaceId: 'T0123ABCDEF',
    slackChannelId: 'C0123ABCDEF',
    chatFilterPolicy: '{"phase":["failed"]}',
    slackWebhookSecretName: 'ec2-task-monitor/slack-webhook',
    webhookFilterPolicy: '{"changeType":["TaskStateChanged"]}',
    eventBus: 'create',
    fastPollSeconds: 10,
    cloudTrailTrigger: 'true',
  },
  'default-bus': { eventBus: 'default' },
  organization: {
    accounts: '111111111111,ou-ab12-11111111',
    regions: 'enabled',
    excludeAccounts: '222222222222',
  },
};

it('passes cfn-lint with default settings and with every setting given', () => {
  const files = Object.entries(VARIANTS).map(([name, settings]) => {
    const file = path.join(dir, `${name}.template.json`);
    writeFileSync(file, JSON.stringify(synthMonitor(settings).template.toJSON(), null, 2));
    return file;
  });

  // One run for both templates: cfn-lint's start-up is most of its time.
  const lint = spawnSync('cfn-lint', ['--format', 'parseable', ...files], { encoding: 'utf8' });

  if (lint.error) throw lint.error;
  if (!WARNINGS_ONLY.includes(lint.status ?? -1)) {
    throw new Error(`cfn-lint exited ${lint.status}:\n${lint.stdout}${lint.stderr}`);
  }
  // Warnings other than the known one are printed as a failing diff.
  const unexpected = lint.stdout.split('\n').filter((line) => line.trim() && !line.includes(':W3005:'));
  expect(unexpected).toEqual([]);
});
