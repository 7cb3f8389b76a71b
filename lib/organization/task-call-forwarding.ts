// Detection within seconds in organization mode (cloudTrailTrigger): CloudTrail's records of the
// calls that create a task reach the dispatcher, which queues the call's unit for the workers
// (lambdas/dispatcher/trigger.ts). Member accounts forward their records from each watched Region's
// default bus to a bus of the monitor's (a second StackSet, beside the member role's, to the same
// accounts); the bus accepts events from the organization's accounts only (aws:PrincipalOrgID,
// the organization's id read at deploy time). The deployment account's own calls in the monitor's
// Region reach its default bus, where a second rule picks them up: StackSets with service-managed
// permissions never deploy to the management account.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { attachCustomSynthesis, Duration, Stack } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { TaskTypeName } from '../../lambdas/domain/task';
import { taskCreationPattern } from '../task-creation-trigger';
import { type MemberRoleStackSet, serviceManagedStackSet } from './member-role-stack-set';
import { organizationLookup } from './organization-lookup';
import { MONITOR_BUS_ARN_PARAMETER, taskCallForwardingTemplate } from './task-call-forwarding-template';

/** Name of the monitor's bus receiving the member accounts' task-creating calls. */
export const TASK_CALL_BUS_NAME = 'ec2-task-monitor-task-calls';

/** Name of the StackSet forwarding the calls; unique per Region of the account that creates it. */
const TASK_CALL_STACK_SET_NAME = 'ec2-task-monitor-task-call-forwarding';

/** Properties of {@link TaskCallForwarding}. */
export interface TaskCallForwardingProps {
  /** The function queueing a call's unit: the dispatcher. */
  readonly dispatcher: lambda.IFunction;
  /** The enabled task types: only the calls creating one of them are matched. */
  readonly taskTypes: readonly TaskTypeName[];
  /** The watched Regions: the forwarding StackSet deploys its rule to each. */
  readonly regions: readonly string[];
  /**
   * The member role's StackSet: the forwarding StackSet deploys to the same accounts, as the same
   * administrator.
   *
   * @default - no forwarding StackSet (memberRoleStackSet=none): the template is deployed by hand
   */
  readonly memberRole?: MemberRoleStackSet;
  /** Who creates the StackSets (with `memberRole`). */
  readonly callAs: 'delegated-admin' | 'management' | 'none';
}

/** The bus, its policy, the two rules invoking the dispatcher, and the forwarding StackSet. */
export class TaskCallForwarding extends Construct {
  /** The bus the member accounts forward their task-creating calls to. */
  public readonly bus: events.EventBus;
  /** The forwarding StackSet; undefined with memberRoleStackSet=none. */
  public readonly stackSet?: cloudformation.CfnStackSet;
  /** The template each member account gets in each watched Region (also written beside the stack). */
  public readonly template: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: TaskCallForwardingProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: TASK_CALL_BUS_NAME,
      description: "Task-creating EC2 calls forwarded from the organization's accounts to EC2 Task Monitor",
    });
    const organizationId = organizationLookup(this, 'OrganizationId', {
      action: 'describeOrganization',
      physicalResourceId: 'organization-id',
      outputPath: 'Organization.Id',
      reason: 'the task-call bus accepts events from its accounts only; read once per deployment',
    });
    // The bus's own Policy property: EventBus.addToResourcePolicy would add an
    // AWS::Events::EventBusPolicy resource through a construct built on its deprecated Principal.
    (this.bus.node.defaultChild as events.CfnEventBus).policy = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'OrganizationAccountsPutTaskCalls',
          principals: [new iam.AnyPrincipal()],
          actions: ['events:PutEvents'],
          // Its ARN from its name: the bus's own Arn attribute would make the bus depend on itself.
          resources: [
            Stack.of(this).formatArn({
              service: 'events',
              resource: 'event-bus',
              resourceName: TASK_CALL_BUS_NAME,
            }),
          ],
          conditions: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
        }),
      ],
    }).toJSON();
    // EventBridge hands the event to Lambda's asynchronous queue; the dispatcher's own settings
    // (reserved concurrency 1, maximum event age) apply from there.
    const target = () =>
      new targets.LambdaFunction(props.dispatcher, { retryAttempts: 2, maxEventAge: Duration.minutes(2) });
    const pattern = taskCreationPattern(props.taskTypes);
    new events.Rule(this, 'ForwardedCalls', {
      description:
        "Queues a unit poll for each task-creating call forwarded from the organization's accounts",
      eventBus: this.bus,
      eventPattern: pattern,
      targets: [target()],
    });
    new events.Rule(this, 'OwnCalls', {
      description:
        "Queues a unit poll for each task-creating call of the monitor's own account in its Region",
      eventPattern: pattern,
      targets: [target()],
    });

    this.template = taskCallForwardingTemplate({ taskTypes: props.taskTypes });
    emitTaskCallForwardingTemplate(this, this.template);
    if (props.memberRole && props.callAs !== 'none') {
      this.stackSet = new cloudformation.CfnStackSet(this, 'StackSet', {
        stackSetName: TASK_CALL_STACK_SET_NAME,
        description: "EC2 Task Monitor: forwards each Region's task-creating EC2 calls to the monitor's bus",
        // As the member role's: a new account of a target OU forwards its calls; one that leaves stops.
        ...serviceManagedStackSet(props.callAs),
        // The forwarding role has no fixed name (one per Region of an account).
        capabilities: ['CAPABILITY_IAM'],
        parameters: [{ parameterKey: MONITOR_BUS_ARN_PARAMETER, parameterValue: this.bus.eventBusArn }],
        stackInstancesGroup: props.memberRole.instancesGroupsIn(props.regions),
        templateBody: JSON.stringify(this.template),
      });
    }
  }
}

/** The forwarding template beside the stacks' templates in the cloud assembly (cdk.out). */
export const TASK_CALL_FORWARDING_TEMPLATE_FILE = 'ec2-task-monitor-task-call-forwarding.template.json';

/**
 * Writes the forwarding template into the cloud assembly on every synth, for accounts that get it
 * by hand: the management account's other Regions (StackSets never deploy to it), or every account
 * with `memberRoleStackSet=none`.
 */
function emitTaskCallForwardingTemplate(scope: Construct, template: Record<string, unknown>): void {
  attachCustomSynthesis(scope, {
    onSynthesize(session) {
      writeFileSync(
        path.join(session.outdir, TASK_CALL_FORWARDING_TEMPLATE_FILE),
        `${JSON.stringify(template, null, 2)}\n`,
      );
    },
  });
}
