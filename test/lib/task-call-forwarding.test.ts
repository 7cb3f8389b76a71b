// cloudTrailTrigger in organization mode: the task-call bus (PutEvents from the organization's
// accounts only), the rules on it and on the default bus invoking the dispatcher, the forwarding
// StackSet (every Region of `regions`, the member role's targets, automatic deployment), the
// member template's rule and role (exactly PutEvents on the bus), the template written beside the
// stack, and cdk-nag and cfn-lint clean.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../bin/monitor-app';
import {
  TASK_CALL_BUS_NAME,
  TASK_CALL_FORWARDING_TEMPLATE_FILE,
} from '../../lib/organization/task-call-forwarding';
import { taskCallForwardingTemplate } from '../../lib/organization/task-call-forwarding-template';
import { actionsOfRole, logicalIdOf, NO_STAGING, synthMonitor } from './synth';

const SETTINGS = {
  accounts: 'organization',
  regions: 'us-east-1,eu-west-1',
  taskTypes: 'import-image,store-image',
  cloudTrailTrigger: 'true',
};
const PATTERN = {
  source: ['aws.ec2'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: ['ImportImage', 'CreateStoreImageTask'],
    errorCode: [{ exists: false }],
  },
};

let outdir: string;
let template: Template;
let dispatcher: string;
let bus: string;
let error: unknown;

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'task-calls-'));
  const { app, stack } = buildApp({ ...NO_STAGING, ...SETTINGS }, { outdir });
  try {
    app.synth();
  } catch (caught) {
    error = caught;
  }
  template = Template.fromStack(stack);
  const organization = stack.monitor.organization;
  if (!organization?.taskCalls) throw new Error('no task-call forwarding in organization mode');
  dispatcher = logicalIdOf(organization.dispatcher);
  bus = logicalIdOf(organization.taskCalls.bus);
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it('synthesizes with no cdk-nag finding, and writes the forwarding template beside the stack', () => {
  const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations?: unknown[] }[];
  };
  expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toEqual([]);
  expect(error).toBeUndefined();
  const file = path.join(outdir, TASK_CALL_FORWARDING_TEMPLATE_FILE);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(
    taskCallForwardingTemplate({ taskTypes: ['import-image', 'store-image'] }),
  );
});

it("lets only the organization's accounts put events on the task-call bus, its id read at deploy time", () => {
  const lookups = template.findResources('Custom::AWS', {
    Properties: { Create: Match.stringLikeRegexp('"action":"describeOrganization"') },
  });
  expect(Object.keys(lookups)).toHaveLength(1);
  const lookup = Object.keys(lookups)[0] as string;
  template.hasResourceProperties('AWS::Events::EventBus', {
    Name: TASK_CALL_BUS_NAME,
    Policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'OrganizationAccountsPutTaskCalls',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'events:PutEvents',
          // The bus's own ARN, built from its name (checked below).
          Resource: Match.anyValue(),
          Condition: {
            StringEquals: { 'aws:PrincipalOrgID': { 'Fn::GetAtt': [lookup, 'Organization.Id'] } },
          },
        },
      ],
    },
  });
  const policy = template.toJSON().Resources[bus].Properties.Policy;
  expect(JSON.stringify(policy.Statement[0].Resource)).toMatch(
    new RegExp(`:events:.*"AWS::AccountId".*":event-bus/${TASK_CALL_BUS_NAME}"`),
  );
  template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
});

it('invokes the dispatcher from the task-call bus and from the default bus, with the enabled types’ calls', () => {
  const rules = template.findResources('AWS::Events::Rule', { Properties: { EventPattern: PATTERN } });
  const buses = Object.values(rules).map((rule) => rule.Properties.EventBusName ?? 'default');
  expect(buses.sort()).toEqual(['default', { Ref: bus }].sort());
  for (const rule of Object.values(rules)) {
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [dispatcher, 'Arn'] } }),
    ]);
  }
  // The schedule and the two rules may invoke it; the poller (the worker) is invoked by none.
  expect(
    Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (permission) =>
        JSON.stringify(permission.Properties.FunctionName) ===
        JSON.stringify({ 'Fn::GetAtt': [dispatcher, 'Arn'] }),
    ),
  ).toHaveLength(3);
});

it('gives the dispatcher the schedule’s interval and one GetItem on the coverage items', () => {
  const functions = template.findResources('AWS::Lambda::Function');
  expect(functions[dispatcher]?.Properties.Environment.Variables).toMatchObject({
    POLL_INTERVAL_SECONDS: '60',
  });
  const role = (functions[dispatcher]?.Properties.Role as { 'Fn::GetAtt': [string, string] })[
    'Fn::GetAtt'
  ][0];
  expect(actionsOfRole(template, role)).toEqual(expect.arrayContaining(['dynamodb:GetItem']));
});

it('deploys the forwarding to every watched Region of the member role’s accounts, automatically', () => {
  const stackSets = template.findResources('AWS::CloudFormation::StackSet');
  const [memberRole, forwarding] = [
    'ec2-task-monitor-member-role',
    'ec2-task-monitor-task-call-forwarding',
  ].map((name) => Object.values(stackSets).find((stackSet) => stackSet.Properties.StackSetName === name));
  if (!memberRole || !forwarding) throw new Error('a StackSet is missing');

  expect(forwarding.Properties).toMatchObject({
    PermissionModel: 'SERVICE_MANAGED',
    CallAs: 'DELEGATED_ADMIN',
    AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
    Capabilities: ['CAPABILITY_IAM'],
    Parameters: [{ ParameterKey: 'MonitorBusArn', ParameterValue: { 'Fn::GetAtt': [bus, 'Arn'] } }],
  });
  const groups = forwarding.Properties.StackInstancesGroup as {
    Regions: string[];
    DeploymentTargets: unknown;
  }[];
  expect(groups.map((group) => group.Regions)).toEqual([['us-east-1', 'eu-west-1']]);
  // The same accounts as the member role's (the organization's root), which deploys to one Region only.
  expect(groups.map((group) => group.DeploymentTargets)).toEqual(
    (memberRole.Properties.StackInstancesGroup as { DeploymentTargets: unknown }[]).map(
      (group) => group.DeploymentTargets,
    ),
  );
  expect(JSON.parse(forwarding.Properties.TemplateBody as string)).toEqual(
    taskCallForwardingTemplate({ taskTypes: ['import-image', 'store-image'] }),
  );
});

describe('the forwarding template', () => {
  const member = Template.fromJSON(
    taskCallForwardingTemplate({ taskTypes: ['import-image', 'store-image'] }),
  );

  it('forwards the enabled types’ calls from the default bus to the monitor’s bus, with its role', () => {
    member.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: PATTERN,
      Targets: [
        {
          Id: 'MonitorBus',
          Arn: { Ref: 'MonitorBusArn' },
          RoleArn: { 'Fn::GetAtt': ['ForwardingRole', 'Arn'] },
        },
      ],
    });
    expect(member.toJSON().Resources.ForwardingRule.Properties.EventBusName).toBeUndefined();
  });

  it('lets its role, assumed by EventBridge only, put events on that one bus and do nothing else', () => {
    const role = member.toJSON().Resources.ForwardingRole.Properties;

    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(
      role.Policies.flatMap(
        (policy: { PolicyDocument: { Statement: unknown[] } }) => policy.PolicyDocument.Statement,
      ),
    ).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'MonitorBusArn' } }]);
    // No fixed name: one role per Region of an account, and IAM names are global.
    expect(role.RoleName).toBeUndefined();
  });
});

it('with memberRoleStackSet=none, keeps the bus and rules and writes the template, but deploys no StackSet', () => {
  const { template: byHand } = synthMonitor({ ...SETTINGS, memberRoleStackSet: 'none' });

  byHand.resourceCountIs('AWS::CloudFormation::StackSet', 0);
  byHand.resourceCountIs('AWS::Events::EventBus', 1);
  expect(
    Object.keys(byHand.findResources('AWS::Events::Rule', { Properties: { EventPattern: PATTERN } })),
  ).toHaveLength(2);
});

it('deploys none of this without cloudTrailTrigger', () => {
  const { template: off } = synthMonitor({ ...SETTINGS, cloudTrailTrigger: 'false' });

  off.resourceCountIs('AWS::Events::EventBus', 0);
  expect(JSON.stringify(off.toJSON())).not.toContain('task-call-forwarding');
});

it('passes cfn-lint: the stack and the forwarding template', () => {
  const stackFile = path.join(outdir, 'stack-under-lint.template.json');
  const memberFile = path.join(outdir, TASK_CALL_FORWARDING_TEMPLATE_FILE);
  writeFileSync(stackFile, JSON.stringify(template.toJSON()));
  expect(existsSync(memberFile)).toBe(true);

  const lint = spawnSync('cfn-lint', ['--format', 'parseable', stackFile, memberFile], { encoding: 'utf8' });

  if (lint.error) throw lint.error;
  const unexpected = lint.stdout.split('\n').filter((line) => line.trim() && !line.includes(':W3005:'));
  expect(unexpected).toEqual([]);
  expect([0, 4, 8, 12]).toContain(lint.status);
});
