// One place fixing the defaults every function of the monitor shares (runtime, architecture,
// tracing, code, log group, Powertools environment), after Powertools' examples/app
// function-with-logstream-construct. Each function gets its own role with no managed policy:
// log writes are granted on its own log group only, instead of AWSLambdaBasicExecutionRole's
// logs:* on every log group of the account.
import { existsSync } from 'node:fs';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambdas/shared/service';
import { functionBundleDir, functionBundleFile } from './function-bundles';

/** Runtime of every function; Node.js 24 is the newest Lambda runtime of this CDK release. */
const MONITOR_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Powertools settings shared by every function. */
const POWERTOOLS_ENVIRONMENT = {
  POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  POWERTOOLS_LOG_LEVEL: 'INFO',
} as const;

/** Properties of a {@link MonitorFunction}. */
export interface MonitorFunctionProps {
  /**
   * The function's bundle in the package (see lib/function-bundles.ts), for example `poller`:
   * dist/functions/<code>/index.js, which exports `handler`.
   */
  readonly code: string;

  /**
   * What the function does, shown in the Lambda console.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Memory in MB; CPU share grows with it.
   *
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * Longest run of one invocation.
   *
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;

  /**
   * Concurrent executions reserved (and capped) for the function.
   *
   * @default - no reservation: the function shares the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * Asynchronous invocations only: how long Lambda keeps an event in its queue, retrying
   * throttles and errors.
   *
   * @default Duration.hours(6) (Lambda's default)
   */
  readonly maxEventAge?: Duration;

  /**
   * Asynchronous invocations only: retries after a function error.
   *
   * @default 2 (Lambda's default)
   */
  readonly retryAttempts?: number;

  /**
   * The actions besides X-Ray's that the function is allowed on "*" because they support no
   * resource-level permissions, named in the reason of its role's one cdk-nag acknowledgement,
   * for example `The EC2 Describe*Tasks actions`.
   *
   * @default - X-Ray's only (active tracing)
   */
  readonly unscopedActions?: string;

  /**
   * Environment variables added to the Powertools and source-map ones. Prefer
   * `addEnvironment` next to the grant the variable needs.
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;

  /**
   * How long the function's log group keeps logs.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the log group when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The package was installed or cloned without its built function code. */
export class FunctionCodeMissingError extends Error {
  constructor(code: string) {
    super(
      `The code of the ${code} function is missing (${functionBundleFile(code)}): the package is not built. ` +
        'In a clone of the repository, run `npm run build`; an installed package ships it.',
    );
    this.name = 'FunctionCodeMissingError';
  }
}

/**
 * A Node.js function with the monitor's defaults: Node.js 24 on ARM64 (cheaper per GB-second),
 * X-Ray tracing, a log group with retention, source maps, and the code the package ships, bundled
 * at build time with the AWS SDK tree-shaken in (scripts/build.ts), so synthesizing needs neither
 * esbuild nor Docker nor the TypeScript sources.
 */
export class MonitorFunction extends lambda.Function {
  constructor(scope: Construct, id: string, props: MonitorFunctionProps) {
    if (!existsSync(functionBundleFile(props.code))) throw new FunctionCodeMissingError(props.code);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    super(scope, id, {
      code: lambda.Code.fromAsset(functionBundleDir(props.code)),
      handler: 'index.handler',
      description: props.description,
      runtime: MONITOR_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(60),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      maxEventAge: props.maxEventAge,
      retryAttempts: props.retryAttempts,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        ...POWERTOOLS_ENVIRONMENT,
        ...props.environment,
      },
    });
    // The function's `logGroup` is this group: writes are granted here and nowhere else.
    logGroup.grantWrite(role);
    // Active tracing allows the X-Ray actions on "*" to every function: the one wildcard finding on
    // its role, acknowledged here with any other unscoped action, so a new wildcard on any other
    // construct still fails the synth.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        `${props.unscopedActions ? `${props.unscopedActions} and ` : ''}X-Ray's ` +
        'xray:PutTraceSegments/PutTelemetryRecords (active tracing) support no resource-level ' +
        'permissions, so "*" is the only valid resource.',
    });
  }
}
