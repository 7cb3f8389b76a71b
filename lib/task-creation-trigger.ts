// The optional trigger of detection within seconds (`cloudTrailTrigger`): an EventBridge rule on
// CloudTrail's record of every EC2 call that creates a task of a watched type invokes the poller
// with the event, and the poller polls that one listing at once, then fast-polls it while it runs
// (lambdas/poller/adaptive-poll.ts). The poller keeps its reserved concurrency of 1: an event that
// arrives while a run is polling waits for it (Lambda's asynchronous queue, up to the function's
// maximum event age), so no two polls of a listing ever run at once. Organization mode uses the
// same pattern on its task-call bus and the member accounts' buses (organization/task-call-forwarding.ts).
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { creatingCallsOf } from '../lambdas/domain/fast-poll';
import type { TaskTypeName } from '../lambdas/domain/task';

/**
 * The event pattern of the successful task-creating calls of the given types, as CloudTrail
 * management events reach EventBridge (`AWS API Call via CloudTrail`, source `aws.ec2`). A call that
 * failed (`errorCode`) created nothing and is left out.
 */
export function taskCreationPattern(taskTypes: readonly TaskTypeName[]): events.EventPattern {
  return {
    source: ['aws.ec2'],
    detailType: ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['ec2.amazonaws.com'],
      eventName: creatingCallsOf(taskTypes),
      errorCode: [{ exists: false }],
    },
  };
}

/** The rule on the default bus of the stack's Region invoking the poller on each task-creating call. */
export function taskCreationTrigger(
  scope: Construct,
  id: string,
  props: { poller: lambda.IFunction; taskTypes: readonly TaskTypeName[] },
): events.Rule {
  return new events.Rule(scope, id, {
    description: 'Starts fast polling of a task type when CloudTrail records a call that creates a task',
    eventPattern: taskCreationPattern(props.taskTypes),
    targets: [
      new targets.LambdaFunction(props.poller, { retryAttempts: 2, maxEventAge: Duration.minutes(2) }),
    ],
  });
}
