// Creates the stack's resources on the local engines from the stack's own synthesized template:
// the table (keys, stream, TTL), the topic, and the functions' environment. No second copy of
// the schema exists that could drift from what `cdk deploy` creates.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp, FALLBACK_REGION, STACK_NAME } from '../../bin/app';
import { type FilterPolicy, readSettings } from '../../lib/settings';
import { ENV } from '../../lambdas/shared/config';
import { LOCAL_CREDENTIALS, type LocalEngines } from './engines';

/** Account id the local mode stamps on tasks and events. */
export const LOCAL_ACCOUNT = '000000000000';
/** Region the local resources live in. */
export const LOCAL_REGION = 'us-east-1';

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** What the stack would deploy, read from its template. */
export interface StackDefinition {
  template: Template;
  table: {
    logicalId: string;
    keySchema: KeySchemaElement[];
    attributeDefinitions: AttributeDefinition[];
    streamViewType: string;
    timeToLiveAttribute: string | undefined;
  };
  topicLogicalId: string;
  /** Environment of the poller and the publisher, with references left as CloudFormation objects. */
  pollerEnvironment: Record<string, unknown>;
  publisherEnvironment: Record<string, unknown>;
  /** Filter policy the stack gives its email subscriptions. */
  emailFilterPolicy: FilterPolicy;
}

/** Resources created on the engines. */
export interface LocalDeployment {
  tableName: string;
  streamArn: string;
  topicArn: string;
  /** Environment for the poller handler (the stack's values, local names resolved). */
  pollerEnv: Record<string, string>;
  /** Environment for the publisher handler. */
  publisherEnv: Record<string, string>;
  definition: StackDefinition;
}

function single(template: Template, type: string): [string, Record<string, unknown>] {
  const matches = Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
  if (matches.length !== 1) throw new Error(`Expected one ${type} in the stack, found ${matches.length}`);
  const [logicalId, resource] = matches[0] as [string, { Properties?: Record<string, unknown> }];
  return [logicalId, resource.Properties ?? {}];
}

function functionEnvironment(template: Template, variable: string): Record<string, unknown> {
  const functions = Object.values(template.Resources).filter(
    (resource) => resource.Type === 'AWS::Lambda::Function',
  );
  for (const fn of functions) {
    const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables;
    if (variables && variable in variables) return variables;
  }
  throw new Error(`No function in the stack sets ${variable}`);
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The `context` of the repository's cdk.json, as `cdk synth` would apply it. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/**
 * Synthesizes the stack in-process (bundling skipped) with cdk.json's context plus `context`,
 * and reads what the local mode needs from its template.
 */
export function readStackDefinition(context: Record<string, unknown> = {}): StackDefinition {
  const outdir = mkdtempSync(path.join(tmpdir(), 'ec2-task-monitor-synth-'));
  try {
    const { app } = buildApp({ ...cdkJsonContext(), ...context, 'aws:cdk:bundling-stacks': [] }, { outdir });
    const template = app.synth().getStackByName(STACK_NAME).template as Template;
    const [tableId, table] = single(template, 'AWS::DynamoDB::Table');
    const publisherEnvironment = functionEnvironment(template, ENV.topicArn);
    // The event topic is the one the publisher publishes to (the stack has an operator topic too).
    const topicId = (publisherEnvironment[ENV.topicArn] as { Ref?: string } | undefined)?.Ref;
    if (!topicId || template.Resources[topicId]?.Type !== 'AWS::SNS::Topic') {
      throw new Error(`The publisher's ${ENV.topicArn} does not reference a topic of the stack`);
    }
    const settings = readSettings(app.node, process.env.CDK_DEFAULT_REGION || FALLBACK_REGION);
    return {
      template,
      table: {
        logicalId: tableId,
        keySchema: table.KeySchema as KeySchemaElement[],
        attributeDefinitions: table.AttributeDefinitions as AttributeDefinition[],
        streamViewType: (table.StreamSpecification as { StreamViewType: string }).StreamViewType,
        timeToLiveAttribute: (table.TimeToLiveSpecification as { AttributeName?: string } | undefined)
          ?.AttributeName,
      },
      topicLogicalId: topicId,
      pollerEnvironment: functionEnvironment(template, ENV.regions),
      publisherEnvironment,
      emailFilterPolicy: settings.emailFilterPolicy,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Resolves the references the functions' environment holds into local values. */
function resolveEnvironment(
  variables: Record<string, unknown>,
  physical: Record<string, string>,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string' || typeof value === 'number') {
      resolved[name] = String(value);
      continue;
    }
    const ref = (value as { Ref?: string }).Ref;
    const physicalValue = ref === undefined ? undefined : physical[ref];
    if (physicalValue === undefined)
      throw new Error(`Cannot resolve ${name}=${JSON.stringify(value)} locally`);
    resolved[name] = physicalValue;
  }
  return resolved;
}

/** Creates the table and topic on the engines, and resolves the functions' environment. */
export async function deployLocally(
  engines: Pick<LocalEngines, 'endpoints'>,
  options: { context?: Record<string, unknown>; name?: string } = {},
): Promise<LocalDeployment> {
  const definition = readStackDefinition(options.context);
  const name = options.name ?? 'ec2-task-monitor';
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: engines.endpoints.dynamodb });
  const sns = new SNSClient({ ...common, endpoint: engines.endpoints.sns });
  try {
    const { table } = definition;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: table.keySchema,
        AttributeDefinitions: table.attributeDefinitions,
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: {
          StreamEnabled: true,
          StreamViewType: table.streamViewType as 'NEW_AND_OLD_IMAGES',
        },
      }),
    );
    if (table.timeToLiveAttribute) {
      await dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { Enabled: true, AttributeName: table.timeToLiveAttribute },
        }),
      );
    }
    const described = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
    const streamArn = described.Table?.LatestStreamArn;
    if (!streamArn) throw new Error('DynamoDB Local created the table without a stream');
    const { TopicArn: topicArn } = await sns.send(new CreateTopicCommand({ Name: `${name}-events` }));
    if (!topicArn) throw new Error('The SNS emulator returned no topic ARN');
    const physical = {
      [table.logicalId]: name,
      [definition.topicLogicalId]: topicArn,
      'AWS::AccountId': LOCAL_ACCOUNT,
      'AWS::Region': LOCAL_REGION,
    };
    return {
      tableName: name,
      streamArn,
      topicArn,
      pollerEnv: resolveEnvironment(definition.pollerEnvironment, physical),
      publisherEnv: resolveEnvironment(definition.publisherEnvironment, physical),
      definition,
    };
  } finally {
    dynamodb.destroy();
    sns.destroy();
  }
}

/** Creates an SQS queue subscribed to the topic (optionally with a filter policy), as a subscriber would. */
export async function subscribeQueue(
  engines: Pick<LocalEngines, 'endpoints'>,
  topicArn: string,
  queueName: string,
  filterPolicy?: unknown,
): Promise<{ queueUrl: string; queueArn: string }> {
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const sqs = new SQSClient({ ...common, endpoint: engines.endpoints.sqs, useQueueUrlAsEndpoint: false });
  const sns = new SNSClient({ ...common, endpoint: engines.endpoints.sns });
  try {
    const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
    if (!queueUrl) throw new Error('The SQS emulator returned no queue URL');
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const queueArn = attributes.Attributes?.QueueArn;
    if (!queueArn) throw new Error('The SQS emulator returned no queue ARN');
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        Attributes: filterPolicy
          ? { FilterPolicy: JSON.stringify(filterPolicy), FilterPolicyScope: 'MessageAttributes' }
          : undefined,
      }),
    );
    return { queueUrl, queueArn };
  } finally {
    sqs.destroy();
    sns.destroy();
  }
}
