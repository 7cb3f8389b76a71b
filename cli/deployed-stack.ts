// Finds what a command needs (the table, the topic, the polled Regions and task types) the way an
// AWS CLI user expects: from the deployed stack, named by --stack-name, in --region with --profile.
// The stack's outputs give the table and topic (CloudFormation DescribeStacks), its poller's
// environment gives the settings (Lambda GetFunctionConfiguration). A variable set in the
// environment wins over the stack's value, so the local mode's env file and a hand-set TABLE_NAME
// keep working; the stack is only read when a required variable is missing.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ConfigurationError, ENV } from '../lambdas/shared/config';
import { sdkClientConfig } from '../lambdas/shared/sdk-clients';
import { STACK_NAME, STACK_OUTPUTS } from '../lib/stack-outputs';
import { LOCAL_ENV_FILE } from './local-env-file';
import path from 'node:path';

/** Where the deployed stack is: `--stack-name`, `--region`, `--profile`. */
export interface StackOptions {
  /** @default STACK_NAME (Ec2TaskMonitor) */
  stackName?: string;
  /** @default the SDK's: AWS_REGION, then the profile's Region */
  region?: string;
  /** @default the SDK's: AWS_PROFILE, then `default` */
  profile?: string;
}

/** What a command reads: variables it cannot run without, and ones with a fallback of their own. */
export interface WantedVariables {
  required: readonly string[];
  optional?: readonly string[];
}

/** The poller's variables that describe its runtime, not the monitor's settings. */
const NOT_SETTINGS = /^(POWERTOOLS_|AWS_|NODE_OPTIONS$)/;

/**
 * Makes `--region` and `--profile` apply to every SDK client this process creates: they win over
 * AWS_REGION and AWS_PROFILE, as in the AWS CLI.
 */
export function applyStackOptions(options: StackOptions): void {
  if (options.region) process.env.AWS_REGION = options.region;
  if (options.profile) process.env.AWS_PROFILE = options.profile;
}

/** Why the stack could not be read, in the user's words. */
function reasonOf(error: unknown, stackName: string, region: string | undefined): string {
  const { name, message } = error as Error;
  const where = region ? ` in ${region}` : '';
  if (name === 'ValidationError' && /does not exist/.test(message))
    return `stack ${stackName} was not found${where}`;
  if (name === 'CredentialsProviderError' || /credential/i.test(message))
    return `no AWS credentials were found to read stack ${stackName} (--profile or AWS_PROFILE)`;
  if (/region is missing/i.test(message))
    return `no Region is set to find stack ${stackName} in (--region or AWS_REGION)`;
  if (name === 'AccessDeniedException' || name === 'AccessDenied')
    return `reading stack ${stackName}${where} was denied: ${message}`;
  if ((error as { code?: string }).code === 'ECONNREFUSED')
    return `stack ${stackName} could not be reached${where} (connection refused)`;
  return `stack ${stackName} could not be read${where}: ${message}`;
}

/**
 * Reads the monitor's variables from the deployed stack: TABLE_NAME and TOPIC_ARN from its outputs,
 * the settings (REGIONS, TASK_TYPES, ...) from its poller's environment.
 * @throws Error with the SDK's error when a call fails
 */
export async function readStackVariables(stackName: string): Promise<Record<string, string>> {
  const cloudFormation = new CloudFormationClient(sdkClientConfig());
  const lambda = new LambdaClient(sdkClientConfig());
  try {
    const { Stacks: stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = Object.fromEntries(
      (stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']),
    );
    const pollerName = outputs[STACK_OUTPUTS.pollerFunctionName];
    if (!pollerName) {
      throw new ConfigurationError(
        `stack ${stackName} has no ${STACK_OUTPUTS.pollerFunctionName} output: deploy it with this version (npx cdk deploy), or set REGIONS and TASK_TYPES`,
      );
    }
    const configuration = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: pollerName }),
    );
    const settings = Object.entries(configuration.Environment?.Variables ?? {}).filter(
      ([name]) => !NOT_SETTINGS.test(name),
    );
    const variables: Record<string, string> = Object.fromEntries(settings);
    const tableName = outputs[STACK_OUTPUTS.tableName];
    const topicArn = outputs[STACK_OUTPUTS.topicArn];
    if (tableName) variables[ENV.tableName] = tableName;
    if (topicArn) variables[ENV.topicArn] = topicArn;
    return variables;
  } finally {
    cloudFormation.destroy();
    lambda.destroy();
  }
}

function listed(names: readonly string[]): string {
  return names.length === 1 ? `${names[0]} is` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are`;
}

/** Where to find the variables, said once for every message. */
export function whereToFind(stackName = STACK_NAME): string {
  const envFile = path.relative(process.cwd(), LOCAL_ENV_FILE) || LOCAL_ENV_FILE;
  return (
    `take ${ENV.tableName} and ${ENV.topicArn} from the stack's outputs (aws cloudformation describe-stacks --stack-name ${stackName}), ` +
    `the others from its poller's environment (aws lambda get-function-configuration --function-name <its ${STACK_OUTPUTS.pollerFunctionName} output>), ` +
    `or for the local mode source ${envFile}`
  );
}

/** Fails with every missing variable named at once. */
export function requireVariables(
  names: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const missing = names.filter((name) => !env[name]?.trim());
  if (missing.length > 0) throw new ConfigurationError(`${listed(missing)} not set: ${whereToFind()}`);
  return Object.fromEntries(names.map((name) => [name, (env[name] as string).trim()]));
}

/**
 * The variables a command wants: each from the environment when set there, otherwise from the
 * deployed stack (read only when a required one is missing). Also sets them in `process.env`, where
 * the handlers read their configuration.
 * @throws ConfigurationError naming every required variable still missing, and why the stack did not have it
 */
export async function resolveVariables(
  wanted: WantedVariables,
  options: StackOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, string>> {
  const names = [...wanted.required, ...(wanted.optional ?? [])];
  const fromEnvironment = Object.fromEntries(
    names.filter((name) => env[name]?.trim()).map((name) => [name, (env[name] as string).trim()]),
  );
  const missing = wanted.required.filter((name) => !(name in fromEnvironment));
  if (missing.length === 0) return fromEnvironment;
  const stackName = options.stackName ?? STACK_NAME;
  let fromStack: Record<string, string>;
  try {
    fromStack = await readStackVariables(stackName);
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(
      `${listed(missing)} not set and ${reasonOf(error, stackName, env.AWS_REGION)}: pass --stack-name, --region or --profile, or set the variables: ${whereToFind(stackName)}`,
    );
  }
  const resolved: Record<string, string> = {};
  for (const name of names) {
    const value = fromEnvironment[name] ?? fromStack[name];
    if (value !== undefined) resolved[name] = value;
  }
  const stillMissing = wanted.required.filter((name) => !(name in resolved));
  if (stillMissing.length > 0)
    throw new ConfigurationError(
      `${listed(stillMissing)} not set, and stack ${stackName} does not say: ${whereToFind(stackName)}`,
    );
  Object.assign(env, resolved);
  return resolved;
}
