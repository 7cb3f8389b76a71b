// cdk-nag's AWS Solutions checks over the app as `cdk synth` builds it: no unacknowledged error
// or warning, and every acknowledgement is a known one with its reason. cdk-nag 3 is a CDK
// validation plugin: findings land in the cloud assembly's validation-report.json and an
// in-memory synth throws when there is any.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { buildApp, type MonitorApp } from '../../bin/monitor-app';
import { CHANNELS } from '../../channels';
import { EVERY_REGISTERED_CHANNEL, NO_STAGING } from './synth';

/** The part of CDK's validation-report.json read here. */
interface Report {
  pluginReports: {
    pluginName: string;
    violations?: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

interface Finding {
  rule: string;
  severity: string;
  paths: string[];
}

/** Synthesizes an app and returns its cdk-nag findings and the error synth threw, if any. */
function synthesizeWithNag(build: (outdir: string) => MonitorApp): { findings: Finding[]; error?: Error } {
  const outdir = mkdtempSync(path.join(tmpdir(), 'nag-'));
  try {
    const { app } = build(outdir);
    let error: Error | undefined;
    try {
      app.synth();
    } catch (caught) {
      error = caught as Error;
    }
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as Report;
    // Every plugin: cdk-nag's AwsSolutions and CDK's own CloudFormation validation.
    const findings = report.pluginReports.flatMap((plugin) =>
      (plugin.violations ?? []).map((violation) => ({
        rule: `${plugin.pluginName}: ${violation.ruleName}`,
        severity: violation.severity,
        paths: violation.violatingConstructs.map((construct) => construct.constructPath),
      })),
    );
    return { findings, error };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Settings turning on every registered channel, the Chatbot, webhook and EventBridge ones as given here. */
const EVERY_CHANNEL = {
  ...EVERY_REGISTERED_CHANNEL,
  slackWorkspaceId: 'T0123ABCDEF',
  slackChannelId: 'C0123ABCDEF',
  slackWebhookSecretName: 'ec2-task-monitor/slack-webhook',
  eventBus: 'create',
};

let monitorApp: MonitorApp;
let result: { findings: Finding[]; error?: Error };

beforeAll(() => {
  // Every channel and emails set so the subscriptions (event and operator topics) are checked too.
  result = synthesizeWithNag((outdir) => {
    monitorApp = buildApp(
      {
        ...NO_STAGING,
        ...EVERY_CHANNEL,
        emails: 'ops@example.com',
        operatorEmails: 'oncall@example.com',
        cloudTrailTrigger: 'true',
      },
      { outdir },
    );
    return monitorApp;
  });
});

it('has no unacknowledged cdk-nag error or warning', () => {
  // Printed in full on failure, so the finding can be fixed or acknowledged with a reason.
  expect(result.findings).toEqual([]);
  expect(result.error).toBeUndefined();
});

it('acknowledges only the findings that are by design, each with its reason', () => {
  const acknowledgements = monitorApp.app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );

  const acknowledged = acknowledgements.map(({ path: at, id }) => `${at} ${id}`).sort();
  const builtIn = [
    'Ec2TaskMonitor/Monitor/Chatbot/ChannelPolicy AwsSolutions-IAM5[Resource::*]',
    'Ec2TaskMonitor/Monitor/Chatbot/Delivery/DeadLetterQueue AwsSolutions-SQS3',
    'Ec2TaskMonitor/Monitor/Chatbot/Delivery/NotifierRole AwsSolutions-IAM5[Resource::*]',
    'Ec2TaskMonitor/Monitor/DeadLetterQueue AwsSolutions-SQS3',
    'Ec2TaskMonitor/Monitor/EventBusDelivery/DeadLetterQueue AwsSolutions-SQS3',
    'Ec2TaskMonitor/Monitor/EventBusDelivery/NotifierRole AwsSolutions-IAM5[Resource::*]',
    'Ec2TaskMonitor/Monitor/PollerRole AwsSolutions-IAM5[Resource::*]',
    'Ec2TaskMonitor/Monitor/PublisherRole AwsSolutions-IAM5[Resource::*]',
    'Ec2TaskMonitor/Monitor/SlackWebhook/DeadLetterQueue AwsSolutions-SQS3',
    'Ec2TaskMonitor/Monitor/SlackWebhook/NotifierRole AwsSolutions-IAM5[Resource::*]',
  ];
  // A channel registered besides the built-in ones acknowledges only what the constructs every
  // channel is made of acknowledge (lib/channel): its delivery's dead-letter queue and notifier
  // role, and a chat channel's policy.
  const added = CHANNELS.map((channel) => channel.id).filter(
    (id) => !['Chatbot', 'SlackWebhook', 'EventBus'].includes(id),
  );
  const shared = added.flatMap((id) => [
    `Ec2TaskMonitor/Monitor/${id}/ChannelPolicy AwsSolutions-IAM5[Resource::*]`,
    `Ec2TaskMonitor/Monitor/${id}/Delivery/DeadLetterQueue AwsSolutions-SQS3`,
    `Ec2TaskMonitor/Monitor/${id}/Delivery/NotifierRole AwsSolutions-IAM5[Resource::*]`,
  ]);

  expect(acknowledged).toEqual(expect.arrayContaining(builtIn));
  expect(acknowledged.filter((line) => !builtIn.includes(line) && !shared.includes(line))).toEqual([]);
  for (const { reason } of acknowledgements) expect(reason.length).toBeGreaterThan(40);
});

it('fails the synth on a finding nobody acknowledged (the checks are wired in)', () => {
  const { findings, error } = synthesizeWithNag((outdir) => {
    const built = buildApp({ ...NO_STAGING }, { outdir });
    new sqs.Queue(built.stack, 'Careless', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    return built;
  });

  // The thrown message carries the report (in-memory synth) or points to it (CLI).
  expect(error?.message).toMatch(/AwsSolutions-SQS3|Validation failed/);
  expect(findings).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        rule: 'AwsSolutions: AwsSolutions-SQS3',
        severity: 'error',
        paths: ['Ec2TaskMonitor/Careless/Resource'],
      }),
    ]),
  );
});
