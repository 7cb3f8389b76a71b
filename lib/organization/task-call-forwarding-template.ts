// What every watched account needs in each watched Region for cloudTrailTrigger in organization
// mode, as a plain CloudFormation template (like member-role-template.ts): a rule on the Region's
// default bus matching CloudTrail's records of the calls that create a task of an enabled type,
// forwarding them to the monitor's task-call bus with a role that may only put events on that bus.
// The task-call StackSet deploys it to every Region of `regions`; a user who cannot use StackSets
// (or the management account, where StackSets never deploy) deploys it by hand (README).
import type { TaskTypeName } from '../../lambdas/domain/task';
import { taskCreationPattern } from '../task-creation-trigger';

/** The template's parameter naming the monitor's task-call bus. */
export const MONITOR_BUS_ARN_PARAMETER = 'MonitorBusArn';

/** What the forwarding template is made from. */
export interface TaskCallForwardingTemplateOptions {
  /** The enabled task types: only the calls creating one of them are forwarded. */
  readonly taskTypes: readonly TaskTypeName[];
}

/**
 * The CloudFormation event pattern of {@link taskCreationPattern}: the CDK's camel-case keys as
 * EventBridge spells them (`detail-type`).
 */
function cloudFormationPattern(taskTypes: readonly TaskTypeName[]): Record<string, unknown> {
  const { source, detailType, detail } = taskCreationPattern(taskTypes);
  return { source, 'detail-type': detailType, detail };
}

/**
 * The forwarding template. The role has no fixed name: the StackSet deploys the template to
 * several Regions of one account, and IAM names are global.
 */
export function taskCallForwardingTemplate(
  options: TaskCallForwardingTemplateOptions,
): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      "EC2 Task Monitor: forwards this Region's task-creating EC2 calls (CloudTrail) to the monitor's bus",
    Parameters: {
      [MONITOR_BUS_ARN_PARAMETER]: {
        Type: 'String',
        Description: "ARN of the EC2 Task Monitor's task-call event bus, in the monitor's account",
        AllowedPattern: '^arn:aws[\\w-]*:events:[a-z0-9-]+:\\d{12}:event-bus/.+$',
      },
    },
    Resources: {
      ForwardingRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Description: "Lets EventBridge put this Region's task-creating calls on the EC2 Task Monitor's bus",
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sts:AssumeRole',
              },
            ],
          },
          Policies: [
            {
              PolicyName: 'PutTaskCallsOnMonitorBus',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: 'events:PutEvents',
                    Resource: { Ref: MONITOR_BUS_ARN_PARAMETER },
                  },
                ],
              },
            },
          ],
        },
      },
      ForwardingRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Description: "Forwards the EC2 calls that create a task to the EC2 Task Monitor's bus",
          EventPattern: cloudFormationPattern(options.taskTypes),
          State: 'ENABLED',
          Targets: [
            {
              Id: 'MonitorBus',
              Arn: { Ref: MONITOR_BUS_ARN_PARAMETER },
              RoleArn: { 'Fn::GetAtt': ['ForwardingRole', 'Arn'] },
            },
          ],
        },
      },
    },
  };
}
