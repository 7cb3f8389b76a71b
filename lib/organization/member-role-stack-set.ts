// The member role delivered to every watched account by a CloudFormation StackSet that is a
// resource of the monitor's one stack: service-managed permissions with automatic deployment, so an
// account that joins a target OU gets the role without anyone acting, and `cdk deploy` of the one
// stack deploys everything. The role is global (IAM), so the StackSet deploys to one Region, the
// monitor's; the workers use the same role for every Region of an account.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { attachCustomSynthesis, Stack } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { AccountSelection } from '../../lambdas/domain/accounts';
import { MONITOR_ROLE_ARN_PARAMETER } from './member-role-template';
import { organizationLookup } from './organization-lookup';

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

/**
 * What the monitor's StackSets share: service-managed permissions with automatic deployment (a new
 * account of a target OU gets the stack, one that leaves loses it), managed execution, and every
 * account and Region deployed at once, where one account's failure (a guardrail, a closed account)
 * never stops the others: its coverage says it is not watched.
 * @param callAs who creates the StackSet: a delegated administrator or the management account
 */
export function serviceManagedStackSet(
  callAs: MemberRoleStackSetProps['callAs'],
): Pick<
  cloudformation.CfnStackSetProps,
  'permissionModel' | 'callAs' | 'autoDeployment' | 'managedExecution' | 'operationPreferences'
> {
  return {
    permissionModel: 'SERVICE_MANAGED',
    callAs: callAs === 'delegated-admin' ? 'DELEGATED_ADMIN' : 'SELF',
    autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
    managedExecution: { Active: true },
    operationPreferences: {
      regionConcurrencyType: 'PARALLEL',
      maxConcurrentPercentage: 100,
      failureTolerancePercentage: 100,
      concurrencyMode: 'SOFT_FAILURE_TOLERANCE',
    },
  };
}

/** Name of the StackSet; unique per Region of the account that creates it. */
const MEMBER_ROLE_STACK_SET_NAME = 'ec2-task-monitor-member-role';

type InstancesGroup = cloudformation.CfnStackSet.StackInstancesProperty;

/** The member role's StackSet (and, when the targets need it, a lookup of the organization's root). */
export class MemberRoleStackSet extends Construct {
  /** The StackSet. */
  public readonly stackSet: cloudformation.CfnStackSet;
  /** The template every member account gets (also printed by `ec2-task-monitor member-role`). */
  public readonly template: Record<string, unknown>;

  /**
   * The StackSet's deployment targets in the given Regions: another StackSet deploying to the same
   * accounts (the forwarding of task-creating calls) uses them.
   */
  public readonly instancesGroupsIn: (regions: readonly string[]) => InstancesGroup[];

  constructor(scope: Construct, id: string, props: MemberRoleStackSetProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    this.template = props.template;
    const root = () => this.organizationRoot(props.callAs);
    const excluded = props.excludeAccounts;
    this.instancesGroupsIn = (regions) => {
      const groups: InstancesGroup[] = [];
      const difference = (ous: string[]): InstancesGroup => ({
        regions: [...regions],
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
            regions: [...regions],
            deploymentTargets: {
              organizationalUnitIds: [root()],
              accounts: named,
              accountFilterType: 'INTERSECTION',
            },
          });
        }
      }
      return groups;
    };
    const groups = this.instancesGroupsIn([region]);
    this.stackSet = new cloudformation.CfnStackSet(this, 'StackSet', {
      stackSetName: MEMBER_ROLE_STACK_SET_NAME,
      description: 'EC2 Task Monitor member role: read-only access to the EC2 task APIs',
      ...serviceManagedStackSet(props.callAs),
      capabilities: ['CAPABILITY_NAMED_IAM'],
      parameters: [{ parameterKey: MONITOR_ROLE_ARN_PARAMETER, parameterValue: props.trustedRole.roleArn }],
      stackInstancesGroup: groups,
      templateBody: JSON.stringify(this.template),
    });
  }

  private rootId?: string;

  /** The organization's root id, read from Organizations at deploy time (ListRoots), once. */
  private organizationRoot(callAs: MemberRoleStackSetProps['callAs']): string {
    this.rootId ??= organizationLookup(this, 'OrganizationRoot', {
      action: 'listRoots',
      physicalResourceId: 'organization-root',
      outputPath: 'Roots.0.Id',
      reason: `${callAs} reads the root once per deployment`,
    });
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
