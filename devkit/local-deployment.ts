// Creates the stack's resources on the local engines from the stack's own synthesized template:
// the table (keys, stream, TTL), the topic, and the functions' environment. No second copy of
// the schema exists that could drift from what `cdk deploy` creates.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { App } from 'aws-cdk-lib';
import { packagePath } from '#package-root';
import { addMonitorStack, type FilterPolicy, STACK_NAME } from '#monitor';
import { type ChannelName, ENV } from '#runtime';
import { LOCAL_CREDENTIALS, type LocalEngines } from './engines/engines';
import { sqsMessageOf } from './engines/sns-delivery';

/** Account id the local mode stamps on tasks and events. */
export const LOCAL_ACCOUNT = '000000000000';
/** Region the local resources live in. */
export const LOCAL_REGION = 'us-east-1';

type Template = {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown }>;
};

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
  /** Logical ids of the poller and publisher functions. */
  pollerLogicalId: string;
  publisherLogicalId: string;
  /** Environment of the poller and the publisher, with references left as CloudFormation objects. */
  pollerEnvironment: Record<string, unknown>;
  publisherEnvironment: Record<string, unknown>;
  /** Filter policy the stack gives its email subscriptions. */
  emailFilterPolicy: FilterPolicy;
  /** The notification channels the stack deploys (Chatbot, Slack webhook, EventBridge). */
  channels: ChannelDefinition[];
  /** Organization mode's dispatcher and unit queue; undefined with accounts=self. */
  organization?: OrganizationDefinition;
}

/** Organization mode as the template defines it: the poller is the worker, fed by the unit queue. */
export interface OrganizationDefinition {
  dispatcherLogicalId: string;
  /** The dispatcher's environment, references left as CloudFormation objects. */
  dispatcherEnvironment: Record<string, unknown>;
  /** The FIFO queue the worker's event source reads. */
  queueLogicalId: string;
  /** Receives before a unit's message moves to the dead-letter queue. */
  maxReceiveCount: number;
}

/** One notification channel as the template defines it. */
export interface ChannelDefinition {
  channel: ChannelName;
  /** The notifier's environment, references left as CloudFormation objects. */
  environment: Record<string, unknown>;
  /** Filter policy of the queue's subscription to the event topic; undefined = every event. */
  filterPolicy: FilterPolicy | undefined;
  rawMessageDelivery: boolean;
  /** Deliveries before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  /** The event source's maximum concurrency; undefined when it has none. */
  maxConcurrency: number | undefined;
  /** The notifier's reserved concurrency; undefined when it has none. */
  reservedConcurrency: number | undefined;
  /** Topics and buses the notifier's environment refers to, to create locally. */
  topicLogicalIds: string[];
  eventBuses: Array<{ logicalId: string; name: string }>;
}

/** A channel's queues on the engines and its notifier's environment. */
export interface LocalChannel {
  channel: ChannelName;
  queueUrl: string;
  deadLetterQueueUrl: string;
  maxReceiveCount: number;
  /** The event source's maximum concurrency; undefined when it has none. */
  maxConcurrency: number | undefined;
  /** The notifier's reserved concurrency; undefined when it has none. */
  reservedConcurrency: number | undefined;
  /** Environment for the notifier handler (the stack's values, local names resolved). */
  env: Record<string, string>;
  /** The emulator delivers a published message structure whole: the notifier gets the SQS member, as from SNS. */
  bodyOf: (body: string) => string;
  /** Local ARNs of the topics the notifier publishes to (a chat channel's chat topic). */
  topicArns: string[];
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
  /** The notification channels, with their queues created and subscribed. */
  channels: LocalChannel[];
  /** Local ARNs of the topics the channels publish to (the chat topic), by logical id. */
  channelTopics: Record<string, string>;
  /** The local names of the poller and publisher functions. */
  functionNames: { poller: string; publisher: string };
  /** Organization mode: the dispatcher's environment and the unit queue; undefined with accounts=self. */
  organization?: { dispatcherEnv: Record<string, string>; queueUrl: string; deadLetterQueueUrl: string };
  /** The stack's outputs that refer to what exists locally (TableName, TopicArn, PollerFunctionName, ...). */
  outputs: Record<string, string>;
  definition: StackDefinition;
}

function single(template: Template, type: string): [string, Record<string, unknown>] {
  const matches = Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
  if (matches.length !== 1) throw new Error(`Expected one ${type} in the stack, found ${matches.length}`);
  const [logicalId, resource] = matches[0] as [string, { Properties?: Record<string, unknown> }];
  return [logicalId, resource.Properties ?? {}];
}

/** The function whose environment sets `variable` (and no CHANNEL: the notifiers set TABLE_NAME too). */
function functionSetting(template: Template, variable: string): [string, Record<string, unknown>] {
  const found = findFunctionSetting(template, variable);
  if (!found) throw new Error(`No function in the stack sets ${variable}`);
  return found;
}

function findFunctionSetting(
  template: Template,
  variable: string,
): [string, Record<string, unknown>] | undefined {
  for (const [logicalId, fn] of Object.entries(template.Resources)) {
    if (fn.Type !== 'AWS::Lambda::Function') continue;
    const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables;
    if (variables && variable in variables && !(ENV.channel in variables)) return [logicalId, variables];
  }
  return undefined;
}

type Resources = Template['Resources'];

/** The logical id a `{ "Fn::GetAtt": [id, "Arn"] }` or `{ "Ref": id }` points to. */
function referenced(value: unknown): string | undefined {
  const object = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
  return object?.Ref ?? object?.['Fn::GetAtt']?.[0];
}

/**
 * The channels of the template: every function with a CHANNEL variable, the queue its event
 * source mapping reads, that queue's redrive policy and its subscription to the event topic.
 */
function channelDefinitions(resources: Resources): ChannelDefinition[] {
  const entries = Object.entries(resources);
  return entries.flatMap(([functionId, fn]) => {
    if (fn.Type !== 'AWS::Lambda::Function') return [];
    const environment = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables;
    const channel = environment?.[ENV.channel];
    if (!environment || typeof channel !== 'string') return [];
    const mapping = entries.find(
      ([, resource]) =>
        resource.Type === 'AWS::Lambda::EventSourceMapping' &&
        referenced(resource.Properties?.FunctionName) === functionId,
    );
    const queueId = referenced(mapping?.[1].Properties?.EventSourceArn);
    const queue = queueId ? resources[queueId] : undefined;
    if (!queueId || queue?.Type !== 'AWS::SQS::Queue')
      throw new Error(`The ${channel} notifier is fed by no queue`);
    const subscription = entries.find(
      ([, resource]) =>
        resource.Type === 'AWS::SNS::Subscription' && referenced(resource.Properties?.Endpoint) === queueId,
    )?.[1].Properties;
    if (!subscription) throw new Error(`The ${channel} queue is subscribed to no topic`);
    const redrive = queue.Properties?.RedrivePolicy as { maxReceiveCount?: number } | undefined;
    const refs = Object.values(environment)
      .map(referenced)
      .filter((id): id is string => id !== undefined);
    return [
      {
        channel: channel as ChannelName,
        environment,
        filterPolicy: subscription.FilterPolicy as FilterPolicy | undefined,
        rawMessageDelivery: subscription.RawMessageDelivery === true,
        maxReceiveCount: redrive?.maxReceiveCount ?? Number.POSITIVE_INFINITY,
        maxConcurrency: (
          mapping?.[1].Properties?.ScalingConfig as { MaximumConcurrency?: number } | undefined
        )?.MaximumConcurrency,
        reservedConcurrency: fn.Properties?.ReservedConcurrentExecutions as number | undefined,
        topicLogicalIds: refs.filter((id) => resources[id]?.Type === 'AWS::SNS::Topic'),
        eventBuses: refs
          .filter((id) => resources[id]?.Type === 'AWS::Events::EventBus')
          .map((id) => ({ logicalId: id, name: String(resources[id]?.Properties?.Name ?? id) })),
      },
    ];
  });
}

/**
 * Organization mode's pieces, when the template has a dispatcher (the function setting QUEUE_URL):
 * the queue its QUEUE_URL names, which must be the one the poller's (the worker's) event source reads.
 */
function organizationDefinition(
  template: Template,
  pollerLogicalId: string,
): OrganizationDefinition | undefined {
  const dispatcher = findFunctionSetting(template, ENV.queueUrl);
  if (!dispatcher) return undefined;
  const [dispatcherLogicalId, dispatcherEnvironment] = dispatcher;
  const queueLogicalId = referenced(dispatcherEnvironment[ENV.queueUrl]);
  const mapping = Object.values(template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::EventSourceMapping' &&
      referenced(resource.Properties?.FunctionName) === pollerLogicalId,
  );
  const queue = queueLogicalId ? template.Resources[queueLogicalId] : undefined;
  if (
    !queueLogicalId ||
    queue?.Type !== 'AWS::SQS::Queue' ||
    referenced(mapping?.Properties?.EventSourceArn) !== queueLogicalId
  )
    throw new Error(`The dispatcher's ${ENV.queueUrl} is not the queue that feeds the worker`);
  const redrive = queue.Properties?.RedrivePolicy as { maxReceiveCount?: number } | undefined;
  return {
    dispatcherLogicalId,
    dispatcherEnvironment,
    queueLogicalId,
    maxReceiveCount: redrive?.maxReceiveCount ?? Number.POSITIVE_INFINITY,
  };
}

/** The `context` of the repository's cdk.json, as `cdk synth` would apply it. */
function cdkJsonContext(): Record<string, unknown> {
  // An installed package has no cdk.json: the stack is then synthesized with the CDK's defaults.
  if (!existsSync(packagePath('cdk.json'))) return {};
  const cdkJson = JSON.parse(readFileSync(packagePath('cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/**
 * Synthesizes the stack in-process (assets left in place) with cdk.json's context plus `context`,
 * and reads what the local mode needs from its template.
 */
export function readStackDefinition(context: Record<string, unknown> = {}): StackDefinition {
  const outdir = mkdtempSync(path.join(tmpdir(), 'ec2-task-monitor-synth-'));
  try {
    const app = new App({
      context: { ...cdkJsonContext(), ...context, 'aws:cdk:disable-asset-staging': true },
      outdir,
      autoSynth: false,
    });
    const stack = addMonitorStack(app);
    const template = app.synth().getStackByName(STACK_NAME).template as Template;
    const [tableId, table] = single(template, 'AWS::DynamoDB::Table');
    const [publisherLogicalId, publisherEnvironment] = functionSetting(template, ENV.topicArn);
    // TASK_TYPES: the poller's (in organization mode the worker's); the dispatcher sets REGIONS too.
    const [pollerLogicalId, pollerEnvironment] = functionSetting(template, ENV.taskTypes);
    // The event topic is the one the publisher publishes to (the stack has an operator topic too).
    const topicId = (publisherEnvironment[ENV.topicArn] as { Ref?: string } | undefined)?.Ref;
    if (!topicId || template.Resources[topicId]?.Type !== 'AWS::SNS::Topic') {
      throw new Error(`The publisher's ${ENV.topicArn} does not reference a topic of the stack`);
    }
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
      pollerLogicalId,
      publisherLogicalId,
      pollerEnvironment,
      publisherEnvironment,
      emailFilterPolicy: stack.monitor.emailFilterPolicy,
      channels: channelDefinitions(template.Resources),
      organization: organizationDefinition(template, pollerLogicalId),
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

/** The template's outputs whose value is a reference to something created locally; the rest are left out. */
function resolvedOutputs(template: Template, physical: Record<string, string>): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const [key, output] of Object.entries(template.Outputs ?? {})) {
    const ref = (output.Value as { Ref?: string } | undefined)?.Ref;
    const value = ref === undefined ? undefined : physical[ref];
    if (value !== undefined) outputs[key] = value;
  }
  return outputs;
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
    const functionNames = { poller: `${name}-poller`, publisher: `${name}-publisher` };
    const physical: Record<string, string> = {
      [table.logicalId]: name,
      [definition.topicLogicalId]: topicArn,
      [definition.pollerLogicalId]: functionNames.poller,
      [definition.publisherLogicalId]: functionNames.publisher,
      'AWS::AccountId': LOCAL_ACCOUNT,
      'AWS::Region': LOCAL_REGION,
    };
    const organization = definition.organization;
    const unitQueues = organization && (await createUnitQueue(engines, organization, name, physical));
    const channelTopics: Record<string, string> = {};
    const channels: LocalChannel[] = [];
    for (const channel of definition.channels) {
      for (const topicId of channel.topicLogicalIds) {
        const created = await sns.send(new CreateTopicCommand({ Name: `${name}-${channel.channel}` }));
        if (!created.TopicArn) throw new Error('The SNS emulator returned no topic ARN');
        channelTopics[topicId] = physical[topicId] = created.TopicArn;
      }
      // No EventBridge engine: a bus is its name, which the EventBridge stand-in records.
      for (const bus of channel.eventBuses) physical[bus.logicalId] = bus.name;
      const queues = await subscribeQueue(
        engines,
        topicArn,
        `${name}-${channel.channel}`,
        channel.filterPolicy,
        {
          raw: channel.rawMessageDelivery,
          maxReceiveCount: channel.maxReceiveCount,
        },
      );
      channels.push({
        channel: channel.channel,
        queueUrl: queues.queueUrl,
        deadLetterQueueUrl: queues.deadLetterQueueUrl ?? '',
        maxReceiveCount: channel.maxReceiveCount,
        maxConcurrency: channel.maxConcurrency,
        reservedConcurrency: channel.reservedConcurrency,
        env: resolveEnvironment(channel.environment, physical),
        bodyOf: sqsMessageOf,
        topicArns: channel.topicLogicalIds.map((topicId) => physical[topicId] as string),
      });
    }
    return {
      tableName: name,
      streamArn,
      topicArn,
      pollerEnv: resolveEnvironment(definition.pollerEnvironment, physical),
      publisherEnv: resolveEnvironment(definition.publisherEnvironment, physical),
      channels,
      channelTopics,
      functionNames,
      ...(organization && unitQueues
        ? {
            organization: {
              ...unitQueues,
              dispatcherEnv: resolveEnvironment(organization.dispatcherEnvironment, physical),
            },
          }
        : {}),
      outputs: resolvedOutputs(definition.template, physical),
      definition,
    };
  } finally {
    dynamodb.destroy();
    sns.destroy();
  }
}

/** Creates a queue on the emulator; returns its URL and ARN. */
async function createLocalQueue(
  sqs: SQSClient,
  name: string,
  queueAttributes?: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  const { QueueUrl: url } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: queueAttributes }),
  );
  if (!url) throw new Error('The SQS emulator returned no queue URL');
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = attributes.Attributes?.QueueArn;
  if (!arn) throw new Error('The SQS emulator returned no queue ARN');
  return { url, arn };
}

/**
 * Organization mode's unit queue and its dead-letter queue, FIFO as in the stack, for the
 * dispatcher to send to; `physical` gets their names.
 */
async function createUnitQueue(
  engines: Pick<LocalEngines, 'endpoints'>,
  organization: OrganizationDefinition,
  name: string,
  physical: Record<string, string>,
): Promise<{ queueUrl: string; deadLetterQueueUrl: string }> {
  const sqs = new SQSClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: engines.endpoints.sqs,
    useQueueUrlAsEndpoint: false,
  });
  try {
    const fifo = { FifoQueue: 'true' };
    const deadLetter = await createLocalQueue(sqs, `${name}-units-dlq.fifo`, fifo);
    const { maxReceiveCount } = organization;
    const queue = await createLocalQueue(sqs, `${name}-units.fifo`, {
      ...fifo,
      ...(Number.isFinite(maxReceiveCount)
        ? { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetter.arn, maxReceiveCount }) }
        : {}),
    });
    physical[organization.queueLogicalId] = queue.url;
    physical[organization.dispatcherLogicalId] = `${name}-dispatcher`;
    return { queueUrl: queue.url, deadLetterQueueUrl: deadLetter.url };
  } finally {
    sqs.destroy();
  }
}

/** How {@link subscribeQueue} subscribes. */
export interface SubscribeOptions {
  /** Raw message delivery (the message itself as the body, no SNS envelope). Default false. */
  raw?: boolean;
  /** With a dead-letter queue that receives a message after this many receives. Default: none. */
  maxReceiveCount?: number;
}

/** Creates an SQS queue subscribed to the topic (optionally with a filter policy), as a subscriber would. */
export async function subscribeQueue(
  engines: Pick<LocalEngines, 'endpoints'>,
  topicArn: string,
  queueName: string,
  filterPolicy?: unknown,
  options: SubscribeOptions = {},
): Promise<{ queueUrl: string; queueArn: string; deadLetterQueueUrl?: string }> {
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const sqs = new SQSClient({ ...common, endpoint: engines.endpoints.sqs, useQueueUrlAsEndpoint: false });
  const sns = new SNSClient({ ...common, endpoint: engines.endpoints.sns });
  try {
    const createQueue = (name: string, attributes?: Record<string, string>) =>
      createLocalQueue(sqs, name, attributes);
    const { maxReceiveCount } = options;
    const deadLetter =
      maxReceiveCount !== undefined && Number.isFinite(maxReceiveCount)
        ? await createQueue(`${queueName}-dlq`)
        : undefined;
    const queue = await createQueue(
      queueName,
      deadLetter
        ? { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetter.arn, maxReceiveCount }) }
        : undefined,
    );
    const attributes: Record<string, string> = {};
    if (filterPolicy)
      Object.assign(attributes, {
        FilterPolicy: JSON.stringify(filterPolicy),
        FilterPolicyScope: 'MessageAttributes',
      });
    if (options.raw) attributes.RawMessageDelivery = 'true';
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queue.arn,
        Attributes: Object.keys(attributes).length > 0 ? attributes : undefined,
      }),
    );
    return {
      queueUrl: queue.url,
      queueArn: queue.arn,
      ...(deadLetter ? { deadLetterQueueUrl: deadLetter.url } : {}),
    };
  } finally {
    sqs.destroy();
    sns.destroy();
  }
}
