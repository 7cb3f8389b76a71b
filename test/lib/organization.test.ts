// Organization mode in the monitor's stack: the dispatcher on the schedule, the FIFO unit queue,
// the worker with its event source's maximum concurrency, the member role's StackSet, the
// UnmonitoredAccounts alarm, and cdk-nag clean (the app as `cdk synth` builds it).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../bin/monitor-app';
import { memberRoleTemplate } from '../../lib/organization/member-role-template';
import { actionsOfRole, logicalIdOf, NO_STAGING, statementsOfRole, synthMonitor } from './synth';

let outdir: string;
let template: Template;
let error: unknown;

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'org-'));
  const { app, stack } = buildApp(
    {
      ...NO_STAGING,
      accounts: 'organization',
      regions: 'enabled',
      workerConcurrency: 25,
      taskTypes: 'import-image,bundle',
    },
    { outdir },
  );
  try {
    app.synth();
  } catch (caught) {
    error = caught;
  }
  template = Template.fromStack(stack);
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it('synthesizes with no cdk-nag finding, and writes the member role template beside the stack', () => {
  const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations?: unknown[] }[];
  };
  expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toEqual([]);
  expect(error).toBeUndefined();
  const file = path.join(outdir, 'ec2-task-monitor-member-role.template.json');
  expect(existsSync(file)).toBe(true);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(
    memberRoleTemplate({ roleName: 'ec2-task-monitor-reader', taskTypes: ['import-image', 'bundle'] }),
  );
});

it('schedules the dispatcher, not the poller, and feeds the worker from a FIFO queue at the set concurrency', () => {
  const functions = template.findResources('AWS::Lambda::Function');
  const dispatcher = Object.keys(functions).find((id) => id.includes('Dispatcher')) as string;
  const worker = Object.keys(functions).find((id) => id.includes('Poller')) as string;

  template.resourceCountIs('AWS::Events::Rule', 1);
  template.hasResourceProperties('AWS::Events::Rule', {
    ScheduleExpression: 'rate(1 minute)',
    Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [dispatcher, 'Arn'] } })],
  });
  template.hasResourceProperties('AWS::SQS::Queue', {
    FifoQueue: true,
    VisibilityTimeout: 360,
    RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }),
  });
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    FunctionName: { Ref: worker },
    ScalingConfig: { MaximumConcurrency: 25 },
    FunctionResponseTypes: ['ReportBatchItemFailures'],
  });
  // The worker is not capped at one: the queue's message groups keep units apart.
  expect(functions[worker]?.Properties.ReservedConcurrentExecutions).toBeUndefined();
  expect(functions[dispatcher]?.Properties.Environment.Variables).toMatchObject({
    ACCOUNTS: 'organization',
    REGIONS: 'enabled',
    MEMBER_ROLE_NAME: 'ec2-task-monitor-reader',
  });
});

it('lets the worker and the dispatcher assume only the member role, and the dispatcher list the organization', () => {
  const roles = template.findResources('AWS::IAM::Role');
  const workerRole = Object.keys(roles).find((id) => id.includes('PollerRole')) as string;
  const dispatcherRole = Object.keys(roles).find((id) => id.includes('DispatcherRole')) as string;
  const assume = (role: string) =>
    statementsOfRole(template, role).filter((statement) => statement.Action === 'sts:AssumeRole');

  for (const role of [workerRole, dispatcherRole]) {
    expect(assume(role)).toEqual([
      expect.objectContaining({
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/ec2-task-monitor-reader']],
        },
      }),
    ]);
  }
  expect(actionsOfRole(template, dispatcherRole)).toEqual(
    expect.arrayContaining([
      'organizations:ListAccounts',
      'organizations:ListAccountsForParent',
      'organizations:ListOrganizationalUnitsForParent',
      'organizations:DescribeAccount',
      'account:ListRegions',
      'sqs:SendMessage',
    ]),
  );
  expect(actionsOfRole(template, workerRole)).not.toContain('organizations:ListAccounts');
});

it('lets the worker and the publisher touch the listings of any account, in the listed Regions only', () => {
  const roles = template.findResources('AWS::IAM::Role');
  const leadingKeys = (name: string) =>
    statementsOfRole(template, Object.keys(roles).find((id) => id.includes(name)) as string)
      .map((statement) => (statement as { Condition?: Record<string, Record<string, unknown>> }).Condition)
      .map((condition) => condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'])
      .filter((keys): keys is string[] => Array.isArray(keys));

  for (const role of ['PollerRole', 'PublisherRole']) {
    const [keys, ...others] = leadingKeys(role);
    expect(others).toEqual([]);
    // regions=enabled: every Region of the partition, as `<any account>#<region>#*` and its unit state.
    expect(keys).toEqual(expect.arrayContaining(['????????????#eu-west-1#*', 'UNIT#????????????#eu-west-1']));
    expect(
      keys?.every((key) => key.startsWith('????????????#') || key.startsWith('UNIT#????????????#')),
    ).toBe(true);
  }
});

it('deploys the member role by StackSet, trusted by the worker role', () => {
  const roles = template.findResources('AWS::IAM::Role');
  const workerRole = Object.keys(roles).find((id) => id.includes('PollerRole')) as string;

  template.hasResourceProperties('AWS::CloudFormation::StackSet', {
    PermissionModel: 'SERVICE_MANAGED',
    AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
    Parameters: [{ ParameterKey: 'MonitorRoleArn', ParameterValue: { 'Fn::GetAtt': [workerRole, 'Arn'] } }],
  });
});

it('alarms the operator when accounts stay unmonitored', () => {
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'UnmonitoredAccounts',
    Statistic: 'Minimum',
    EvaluationPeriods: 3,
    AlarmActions: [Match.anyValue()],
    OKActions: [Match.anyValue()],
  });
});

it('keeps a cycle in every period of the UnmonitoredAccounts alarm on a slow schedule', () => {
  // The dispatcher reports once per cycle: with 5-minute periods and a cycle every 15 minutes, the
  // empty periods would count as not breaching and the alarm could never fire.
  synthMonitor({ accounts: 'organization', schedule: 'rate(15 minutes)' }).template.hasResourceProperties(
    'AWS::CloudWatch::Alarm',
    {
      MetricName: 'UnmonitoredAccounts',
      Statistic: 'Minimum',
      Period: 1800,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      AlarmDescription: Match.stringLikeRegexp('has not been watched for 1 hour:'),
    },
  );
});

it('has no StackSet with memberRoleStackSet=none, and none of this with accounts=self', () => {
  const none = synthMonitor({ accounts: 'ou-ab12-11111111', memberRoleStackSet: 'none' }).template;
  none.resourceCountIs('AWS::CloudFormation::StackSet', 0);
  none.resourceCountIs('Custom::AWS', 0);

  const self = synthMonitor({});
  self.template.resourceCountIs('AWS::CloudFormation::StackSet', 0);
  self.template.resourceCountIs('AWS::SQS::Queue', 1);
  self.template.hasResourceProperties('AWS::Events::Rule', {
    Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(self.stack.monitor.poller), 'Arn'] } })],
  });
});
