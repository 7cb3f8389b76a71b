// The member role every watched account needs, as a plain CloudFormation template: the StackSet
// of the monitor's stack deploys it (lib/organization/member-role-stack-set.ts), and a user who
// cannot use StackSets deploys the same template by hand (`ec2-task-monitor member-role`, README).
// No CDK here: the template is small (well under StackSets' 51,200-byte TemplateBody limit), has
// no asset and no bootstrap parameter (member accounts are not CDK-bootstrapped), and the command
// line prints it without loading the CDK.
import { QUOTA_LIMIT_ACTIONS, watchedQuotaGroups } from '../../lambdas/domain/quota';
import type { TaskTypeName } from '../../lambdas/domain/task';
import { MEMBER_SESSION_PREFIX } from '../../lambdas/shared/member-session';
import { listingActionsOf } from '../../lambdas/task-types/metadata';

/** The template's parameter naming the role allowed to assume the member role (the worker's). */
export const MONITOR_ROLE_ARN_PARAMETER = 'MonitorRoleArn';

/**
 * The member role's own permissions besides the listing actions: its account's enabled Regions, and
 * when a VM Import/Export quota group is polled, its limits from Service Quotas.
 */
function memberRoleExtraActions(taskTypes: readonly TaskTypeName[]): string[] {
  return ['account:ListRegions', ...(watchedQuotaGroups(taskTypes).length > 0 ? QUOTA_LIMIT_ACTIONS : [])];
}

/** What the member role template is made from. */
export interface MemberRoleTemplateOptions {
  /** The role's name, the same in every account (the workers build its ARN from it). */
  readonly roleName: string;
  /** The enabled task types: the role may call exactly their `ec2:Describe…` actions. */
  readonly taskTypes: readonly TaskTypeName[];
}

/** Every action the member role allows, in a stable order. */
function memberRoleActions(taskTypes: readonly TaskTypeName[]): string[] {
  return [...listingActionsOf(taskTypes), ...memberRoleExtraActions(taskTypes)];
}

/**
 * The member role's CloudFormation template. The role trusts only the role named by the
 * `MonitorRoleArn` parameter (the worker's role, given by the StackSet), and only sessions whose
 * name starts `ec2-task-monitor-`, so the member account's CloudTrail says who assumed it.
 */
export function memberRoleTemplate(options: MemberRoleTemplateOptions): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: "EC2 Task Monitor member role: lets the monitor list this account's EC2 tasks",
    Parameters: {
      [MONITOR_ROLE_ARN_PARAMETER]: {
        Type: 'String',
        Description: "ARN of the EC2 Task Monitor worker's role, in the monitor's account",
        AllowedPattern: '^arn:aws[\\w-]*:iam::\\d{12}:role/.+$',
      },
    },
    Resources: {
      MemberRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: options.roleName,
          Description: 'Read-only access of EC2 Task Monitor to the EC2 task APIs and enabled Regions',
          // The worker's credentials last at most an hour (role chaining) whatever this says.
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: { Ref: MONITOR_ROLE_ARN_PARAMETER } },
                Action: 'sts:AssumeRole',
                Condition: { StringLike: { 'sts:RoleSessionName': `${MEMBER_SESSION_PREFIX}*` } },
              },
            ],
          },
          Policies: [
            {
              PolicyName: 'ListEc2Tasks',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: memberRoleActions(options.taskTypes),
                    // None of the EC2 Describe* actions, ListRegions and ListServiceQuotas supports resource-level permissions.
                    Resource: '*',
                  },
                ],
              },
            },
          ],
        },
      },
    },
    Outputs: {
      MemberRoleArn: { Value: { 'Fn::GetAtt': ['MemberRole', 'Arn'] } },
    },
  };
}
