// The member role and its StackSet: the role's exact actions and trust, the StackSet's
// service-managed auto-deployment and targets, cdk-nag and cfn-lint over both templates.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { AccountSelection } from '../../lambdas/domain/accounts';
import { memberSessionName } from '../../lambdas/shared/member-session';
import {
  MemberRoleStackSet,
  type MemberRoleStackSetProps,
} from '../../lib/organization/member-role-stack-set';
import { memberRoleTemplate } from '../../lib/organization/member-role-template';
import { TEST_ACCOUNT, TEST_REGION } from './synth';

const OU = 'ou-ab12-11111111';

function synth(props: Partial<MemberRoleStackSetProps> = {}, outdir?: string) {
  const app = new App({ outdir });
  // Before anything synthesizes: a synthesized app is not validated again.
  if (outdir) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'Org', { env: { account: TEST_ACCOUNT, region: TEST_REGION } });
  const worker = new iam.Role(stack, 'WorkerRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  const construct = new MemberRoleStackSet(stack, 'MemberRole', {
    template: memberRoleTemplate({
      roleName: 'ec2-task-monitor-reader',
      taskTypes: ['import-image', 'store-image'],
    }),
    trustedRole: worker,
    callAs: 'delegated-admin',
    accounts: { mode: 'organization' },
    excludeAccounts: [],
    ...props,
  });
  return { app, stack, construct, template: Template.fromStack(stack), worker };
}

type Role = {
  Properties: {
    RoleName: string;
    AssumeRolePolicyDocument: { Statement: unknown[] };
    Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: string }[] } }[];
  };
};

describe('the member role template', () => {
  const template = memberRoleTemplate({ roleName: 'reader', taskTypes: ['import-image', 'store-image'] });
  const role = (template.Resources as Record<string, Role>).MemberRole as Role;

  it("allows exactly the enabled types' Describe…Tasks actions and account:ListRegions", () => {
    expect(role.Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement)).toEqual([
      {
        Effect: 'Allow',
        Action: ['ec2:DescribeImportImageTasks', 'ec2:DescribeStoreImageTasks', 'account:ListRegions'],
        Resource: '*',
      },
    ]);
  });

  it('reads the VM Import/Export limits from Service Quotas when every type of a quota group is polled', () => {
    const all = memberRoleTemplate({
      roleName: 'reader',
      taskTypes: ['conversion', 'export-instance', 'bundle'],
    });
    const [statement] = (
      (all.Resources as Record<string, Role>).MemberRole as Role
    ).Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement);

    expect(statement?.Action).toEqual([
      'ec2:DescribeConversionTasks',
      'ec2:DescribeExportTasks',
      'ec2:DescribeBundleTasks',
      'account:ListRegions',
      'servicequotas:ListServiceQuotas',
    ]);
  });

  it('trusts only the monitor role given as a parameter, with a session name saying who assumed it', () => {
    expect(role.Properties.RoleName).toBe('reader');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: { Ref: 'MonitorRoleArn' } },
        Action: 'sts:AssumeRole',
        Condition: { StringLike: { 'sts:RoleSessionName': 'ec2-task-monitor-*' } },
      },
    ]);
    expect(memberSessionName('111111111111')).toBe('ec2-task-monitor-111111111111');
  });

  it("fits StackSets' TemplateBody limit with every task type", () => {
    const all = memberRoleTemplate({
      roleName: 'x'.repeat(64),
      taskTypes: [
        'import-image',
        'import-snapshot',
        'export-image',
        'export-instance',
        'store-image',
        'bundle',
        'conversion',
        'replace-root-volume',
        'mac-modification',
      ],
    });
    expect(JSON.stringify(all).length).toBeLessThan(51_200);
  });
});

describe('the StackSet', () => {
  it("is service-managed, deploys automatically to the root of the organization, in the monitor's Region", () => {
    const { template, worker, stack } = synth();

    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'ec2-task-monitor-member-role',
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Parameters: [
        {
          ParameterKey: 'MonitorRoleArn',
          ParameterValue: { 'Fn::GetAtt': [stack.getLogicalId(worker.node.defaultChild as never), 'Arn'] },
        },
      ],
      StackInstancesGroup: [
        {
          Regions: [TEST_REGION],
          DeploymentTargets: {
            OrganizationalUnitIds: [
              { 'Fn::GetAtt': [Match.stringLikeRegexp('OrganizationRoot'), 'Roots.0.Id'] },
            ],
          },
        },
      ],
    });
    // The root comes from Organizations at deploy time.
    template.hasResourceProperties('Custom::AWS', {
      Update: Match.serializedJson(Match.objectLike({ service: 'Organizations', action: 'listRoots' })),
    });
  });

  it('carries the member role template as its body', () => {
    const { template, construct } = synth();
    const [stackSet] = Object.values(template.findResources('AWS::CloudFormation::StackSet'));

    expect(JSON.parse(stackSet?.Properties.TemplateBody as string)).toEqual(construct.template);
  });

  it('is created from the management account with CallAs SELF', () => {
    synth({ callAs: 'management' }).template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      CallAs: 'SELF',
    });
  });

  it.each<[string, AccountSelection, string[], string[] | undefined, unknown[]]>([
    [
      'the OUs of the list, without the excluded accounts',
      { mode: 'list', accountIds: [], parentIds: [OU] },
      ['333333333333'],
      undefined,
      [
        {
          Regions: [TEST_REGION],
          DeploymentTargets: {
            OrganizationalUnitIds: [OU],
            Accounts: ['333333333333'],
            AccountFilterType: 'DIFFERENCE',
          },
        },
      ],
    ],
    [
      'the listed accounts, as the root filtered to them',
      { mode: 'list', accountIds: ['111111111111', '222222222222'], parentIds: [] },
      ['222222222222'],
      undefined,
      [
        {
          Regions: [TEST_REGION],
          DeploymentTargets: {
            OrganizationalUnitIds: [Match.anyValue()],
            Accounts: ['111111111111'],
            AccountFilterType: 'INTERSECTION',
          },
        },
      ],
    ],
    [
      'the targets given',
      { mode: 'organization' },
      [],
      ['r-ab12'],
      [{ Regions: [TEST_REGION], DeploymentTargets: { OrganizationalUnitIds: ['r-ab12'] } }],
    ],
  ])('targets %s', (_name, accounts, excludeAccounts, targets, groups) => {
    const { template } = synth({
      accounts: accounts as MemberRoleStackSetProps['accounts'],
      excludeAccounts,
      targets,
    });

    template.hasResourceProperties('AWS::CloudFormation::StackSet', { StackInstancesGroup: groups });
    // No root lookup unless a group needs the root.
    expect(Object.keys(template.findResources('Custom::AWS')).length).toBe(
      accounts.mode === 'list' && accounts.accountIds.length > 0 ? 1 : 0,
    );
  });
});

describe('checks', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'member-role-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("passes cdk-nag with only the root lookup's wildcard acknowledged", () => {
    const outdir = path.join(dir, 'nag');
    let error: unknown;
    try {
      synth({ accounts: { mode: 'list', accountIds: ['111111111111'], parentIds: [OU] } }, outdir);
    } catch (caught) {
      error = caught;
    }
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        violations?: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
      }[];
    };
    const violations = report.pluginReports.flatMap((plugin) => plugin.violations ?? []);
    expect(violations).toEqual([]);
    expect(error).toBeUndefined();
  });

  it('passes cfn-lint: the stack and the member template', () => {
    const stackFile = path.join(dir, 'stack.template.json');
    const memberFile = path.join(dir, 'member.template.json');
    const { template, construct } = synth({
      accounts: { mode: 'list', accountIds: ['111111111111'], parentIds: [OU] },
    });
    writeFileSync(stackFile, JSON.stringify(template.toJSON()));
    writeFileSync(memberFile, JSON.stringify(construct.template));

    const lint = spawnSync('cfn-lint', ['--format', 'parseable', stackFile, memberFile], {
      encoding: 'utf8',
    });

    if (lint.error) throw lint.error;
    const unexpected = lint.stdout.split('\n').filter((line) => line.trim() && !line.includes(':W3005:'));
    expect(unexpected).toEqual([]);
    expect([0, 4, 8, 12]).toContain(lint.status);
  });
});
