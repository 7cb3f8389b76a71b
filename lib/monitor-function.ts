// One place fixing the defaults every function of the monitor shares (runtime, architecture,
// tracing, bundling, log group, Powertools environment), after Powertools' examples/app
// function-with-logstream-construct. Each function gets its own role with no managed policy:
// log writes are granted on its own log group only, instead of AWSLambdaBasicExecutionRole's
// logs:* on every log group of the account.
import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambdas/shared/service';
import { PACKAGE_ROOT } from './package-root';

/** Root of the repository: the esbuild project root and the home of package-lock.json. */
export const REPO_ROOT = PACKAGE_ROOT;

/** Runtime of every function; Node.js 24 is the newest Lambda runtime of this CDK release. */
export const MONITOR_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Powertools settings shared by every function. */
export const POWERTOOLS_ENVIRONMENT = {
  POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  POWERTOOLS_LOG_LEVEL: 'INFO',
} as const;

/** Properties of a {@link MonitorFunction}. */
export interface MonitorFunctionProps {
  /**
   * Handler file, relative to the repository root (for example `lambdas/poller/handler.ts`).
   * It must export `handler`.
   */
  readonly entry: string;

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

/**
 * A Node.js function with the monitor's defaults: Node.js 24 on ARM64 (cheaper per GB-second),
 * X-Ray tracing, a log group with retention, source maps, and the AWS SDK bundled and
 * tree-shaken (`mainFields: ['module', 'main']` lets esbuild pick the SDK's ES modules), which
 * pins the SDK version and gives the fastest cold start measured.
 */
export class MonitorFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: MonitorFunctionProps) {
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
      entry: path.join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
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
      bundling: {
        minify: true,
        sourceMap: true,
        target: `node${/nodejs(\d+)/.exec(MONITOR_RUNTIME.name)?.[1] ?? ''}`,
        mainFields: ['module', 'main'],
        // Empty, so the SDK is bundled instead of taken from the runtime (see above).
        externalModules: [],
      },
    });
    // The function's `logGroup` is this group: writes are granted here and nowhere else.
    logGroup.grantWrite(role);
  }
}
