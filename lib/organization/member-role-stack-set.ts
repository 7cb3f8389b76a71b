// The member role delivered to every watched account by a CloudFormation StackSet that is a
// resource of the monitor's one stack: service-managed permissions with automatic deployment, so an
// account that joins a target OU gets the role without anyone acting, and `cdk deploy` of the one
// stack deploys everything. The role is global (IAM), so the StackSet deploys to one Region, the
// monitor's; the workers use the same role for every Region of an account.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { attachCustomSynthesis, Stack, Validations } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as cr from 'aws-cdk-lib/custom-resources';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { AccountSelection } from '../../lambdas/domain/accounts';
import { MONITOR_ROLE_ARN_PARAMETER } from './member-role-template';

/** Properties of {@link MemberRoleStackSet}. */
export interface MemberRoleStackSetProps {
  /** The member role's template (member-role-template.ts), the one the synth also writes beside the stack. */
  readonly template: Record<string, unknown>;
  /** The role the member role trusts: the worker's. */
  readonly trustedRole: iam.IRole;
  /** Who creates the StackSet: a delegated administrator (CallAs DELEGATED_ADMIN) or the management account (SELF). */
  readonly callAs: 'delegated-admin' | 'management';
  /** The accounts watched: the StackSet's targets follow them unless `targets` is given. */
  readonly accounts: Exclude<AccountSelection, { mode: 'self' }>;
  /** Accounts never watched: no role is deployed to them. */
  readonly excludeAccounts: readonly string[];
  /**
   * OU and root ids to deploy to.
   *
   * @default - the OU and root ids of `accounts`; the organization's root for `organization` and
   * for listed account ids (filtered to those accounts)
   */
  readonly targets?: readonly string[];
}

/** Name of the StackSet; unique per Region of the account that creates it. */
const MEMBER_ROLE_STACK_SET_NAME = 'ec2-task-monitor-member-role';

/** Construct id of the function CDK creates once per stack for every AwsCustomResource. */
const AWS_CUSTOM_RESOURCE_SINGLETON = 'AWS679f53fac002430cb0da5b7982bd2287';

type InstancesGroup = cloudformation.CfnStackSet.StackInstancesProperty;

/** The member role's StackSet (and, when the targets need it, a lookup of the organization's root). */
export class MemberRoleStackSet extends Construct {
  /** The StackSet. */
  public readonly stackSet: cloudformation.CfnStackSet;
  /** The template every member account gets (also printed by `ec2-task-monitor member-role`). */
  public readonly template: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: MemberRoleStackSetProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    this.template = props.template;
    const root = () => this.organizationRoot(props.callAs);
    const excluded = props.excludeAccounts;
    const groups: InstancesGroup[] = [];
    const difference = (ous: string[]): InstancesGroup => ({
      regions: [region],
      deploymentTargets: {
        organizationalUnitIds: ous,
        ...(excluded.length > 0 ? { accounts: [...excluded], accountFilterType: 'DIFFERENCE' } : {}),
      },
    });
    if (props.targets && props.targets.length > 0) {
      groups.push(difference([...props.targets]));
    } else if (props.accounts.mode === 'organization') {
      groups.push(difference([root()]));
    } else {
      if (props.accounts.parentIds.length > 0) groups.push(difference([...props.accounts.parentIds]));
      const named = props.accounts.accountIds.filter((account) => !excluded.includes(account));
      if (named.length > 0) {
        groups.push({
          regions: [region],
          deploymentTargets: {
            organizationalUnitIds: [root()],
            accounts: named,
            accountFilterType: 'INTERSECTION',
          },
        });
      }
    }
    this.stackSet = new cloudformation.CfnStackSet(this, 'StackSet', {
      stackSetName: MEMBER_ROLE_STACK_SET_NAME,
      description: 'EC2 Task Monitor member role: read-only access to the EC2 task APIs',
      permissionModel: 'SERVICE_MANAGED',
      callAs: props.callAs === 'delegated-admin' ? 'DELEGATED_ADMIN' : 'SELF',
      // A new account of a target OU gets the role; one that leaves loses it.
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: {
        regionConcurrencyType: 'PARALLEL',
        maxConcurrentPercentage: 100,
        // An account whose deployment fails (a guardrail, a closed account) does not stop the others;
        // its coverage says it is not watched.
        failureTolerancePercentage: 100,
        concurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      },
      parameters: [{ parameterKey: MONITOR_ROLE_ARN_PARAMETER, parameterValue: props.trustedRole.roleArn }],
      stackInstancesGroup: groups,
      templateBody: JSON.stringify(this.template),
    });
  }

  private rootId?: string;

  /** The organization's root id, read from Organizations at deploy time (ListRoots), once. */
  private organizationRoot(callAs: MemberRoleStackSetProps['callAs']): string {
    if (this.rootId) return this.rootId;
    const lookup = new cr.AwsCustomResource(this, 'OrganizationRoot', {
      onUpdate: {
        service: 'Organizations',
        action: 'listRoots',
        physicalResourceId: cr.PhysicalResourceId.of('organization-root'),
        outputPaths: ['Roots.0.Id'],
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
    Validations.of(lookup).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `organizations:ListRoots supports no resource-level permissions (${callAs} reads the root once per deployment).`,
    });
    // The custom resource's one function per stack (a singleton CDK adds beside the lookup).
    const provider = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_SINGLETON);
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "The CDK's AwsCustomResource function (it reads the organization's root once per deployment) " +
          'writes its logs with the AWS managed basic execution policy, which the CDK attaches.',
      });
    }
    this.rootId = lookup.getResponseField('Roots.0.Id');
    return this.rootId;
  }
}

/** The member role's template beside the stacks' templates in the cloud assembly (cdk.out). */
const MEMBER_ROLE_TEMPLATE_FILE = 'ec2-task-monitor-member-role.template.json';

/**
 * Writes the member role's template into the cloud assembly on every synth (`cdk.out/` +
 * {@link MEMBER_ROLE_TEMPLATE_FILE}), for accounts that get the role by hand: the management
 * account (StackSets never deploys to it), or every account with `memberRoleStackSet=none`.
 */
export function emitMemberRoleTemplate(scope: Construct, template: Record<string, unknown>): void {
  attachCustomSynthesis(scope, {
    onSynthesize(session) {
      writeFileSync(
        path.join(session.outdir, MEMBER_ROLE_TEMPLATE_FILE),
        `${JSON.stringify(template, null, 2)}\n`,
      );
    },
  });
}
