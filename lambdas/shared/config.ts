// Configuration of the functions, read once per container from the environment that the CDK
// construct sets (and that the local mode and the CLI set the same way). A missing or bad value
// fails fast with a ConfigurationError naming the variable, never a silent default.
import { isTaskTypeName, TASK_TYPE_NAMES, type TaskTypeName } from '../domain/task';

/** Names of the environment variables the functions read. */
export const ENV = {
  tableName: 'TABLE_NAME',
  topicArn: 'TOPIC_ARN',
  regions: 'REGIONS',
  taskTypes: 'TASK_TYPES',
  accountId: 'ACCOUNT_ID',
  progressStep: 'PROGRESS_STEP',
  retentionDays: 'RETENTION_DAYS',
  disappearAfterMisses: 'DISAPPEAR_AFTER_MISSES',
  channel: 'CHANNEL',
  chatTopicArn: 'CHAT_TOPIC_ARN',
  webhookSecretName: 'SLACK_WEBHOOK_SECRET_NAME',
  webhookPostIntervalMs: 'SLACK_POST_INTERVAL_MS',
  eventBusName: 'EVENT_BUS_NAME',
} as const;

/** The notification channels, each served by its own notifier function. */
export type ChannelName = 'chatbot' | 'slack-webhook' | 'event-bus';

/** Every channel name. */
export const CHANNEL_NAMES: readonly ChannelName[] = ['chatbot', 'slack-webhook', 'event-bus'];

/** A configuration value is missing or invalid. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** Settings of the poller function. */
export interface PollerConfig {
  tableName: string;
  regions: string[];
  taskTypes: TaskTypeName[];
  account: string;
  /** Progress granularity in percent: a TaskProgressed is emitted when progress crosses a multiple of it. */
  progressStep: number;
  retentionDays: number;
  /** Consecutive complete listings an unfinished task must be missing from before it is declared disappeared. */
  disappearAfterMisses: number;
}

/** Settings of the publisher function. */
export interface PublisherConfig {
  tableName: string;
  topicArn: string;
}

/** What every notifier needs: its channel (checked against the deployed CHANNEL) and the table holding its delivery records. */
export interface NotifierConfig {
  channel: ChannelName;
  tableName: string;
  /** Days a delivery record is kept, so a redelivery within them is recognised. */
  retentionDays: number;
}

/** Settings of the Chatbot notifier. */
export interface ChatbotNotifierConfig extends NotifierConfig {
  chatTopicArn: string;
}

/** Settings of the Slack webhook notifier. */
export interface SlackWebhookNotifierConfig extends NotifierConfig {
  /** Name of the Secrets Manager secret holding the webhook URL. */
  secretName: string;
  /**
   * Minimum time between the starts of two posts of one notifier instance: Slack's one message
   * per second times the number of instances the queue may run at once.
   */
  postIntervalMs: number;
}

/** Settings of the EventBridge notifier. */
export interface EventBusNotifierConfig extends NotifierConfig {
  eventBusName: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Limits shared with the stack's settings validation. */
export const LIMITS = {
  progressStep: { min: 1, max: 100 },
  retentionDays: { min: 1, max: 3650 },
  disappearAfterMisses: { min: 1, max: 20 },
  webhookPostIntervalMs: { min: 0, max: 60_000 },
} as const;

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigurationError(`${name} is not set`);
  return value;
}

function list(env: Env, name: string): string[] {
  const items = required(env, name)
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new ConfigurationError(`${name} lists nothing`);
  return [...new Set(items)];
}

function integer(env: Env, name: string, limits: { min: number; max: number }): number {
  const text = required(env, name);
  const value = Number(text);
  if (!Number.isInteger(value) || value < limits.min || value > limits.max) {
    throw new ConfigurationError(
      `${name} must be an integer from ${limits.min} to ${limits.max}, got "${text}"`,
    );
  }
  return value;
}

/** Parses a comma list of task type names, naming the bad entry and the allowed values. */
export function parseTaskTypes(items: readonly string[], name: string): TaskTypeName[] {
  for (const item of items) {
    if (!isTaskTypeName(item)) {
      throw new ConfigurationError(
        `${name}: unknown task type "${item}"; allowed: ${TASK_TYPE_NAMES.join(', ')}`,
      );
    }
  }
  return items as TaskTypeName[];
}

/** Reads the poller's configuration. Throws {@link ConfigurationError} naming the bad variable. */
export function readPollerConfig(env: Env = process.env): PollerConfig {
  const regions = list(env, ENV.regions);
  const badRegion = regions.find((region) => !REGION_PATTERN.test(region));
  if (badRegion) throw new ConfigurationError(`${ENV.regions}: "${badRegion}" is not a Region name`);
  const account = required(env, ENV.accountId);
  if (!/^\d{12}$/.test(account))
    throw new ConfigurationError(`${ENV.accountId} must be 12 digits, got "${account}"`);
  return {
    tableName: required(env, ENV.tableName),
    regions,
    taskTypes: parseTaskTypes(list(env, ENV.taskTypes), ENV.taskTypes),
    account,
    progressStep: integer(env, ENV.progressStep, LIMITS.progressStep),
    retentionDays: integer(env, ENV.retentionDays, LIMITS.retentionDays),
    disappearAfterMisses: integer(env, ENV.disappearAfterMisses, LIMITS.disappearAfterMisses),
  };
}

function topicArn(env: Env, name: string): string {
  const arn = required(env, name);
  if (!/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+$/.test(arn)) {
    throw new ConfigurationError(`${name} is not an SNS topic ARN: "${arn}"`);
  }
  return arn;
}

/**
 * Reads what every notifier needs. The deployed CHANNEL must be the handler's own: a function
 * deployed with another channel's handler would deliver to the wrong place.
 */
export function readNotifierConfig(channel: ChannelName, env: Env = process.env): NotifierConfig {
  const deployed = required(env, ENV.channel);
  if (deployed !== channel) {
    throw new ConfigurationError(`${ENV.channel} is "${deployed}" but this is the ${channel} notifier`);
  }
  return {
    channel,
    tableName: required(env, ENV.tableName),
    retentionDays: integer(env, ENV.retentionDays, LIMITS.retentionDays),
  };
}

/** Reads the Chatbot notifier's configuration. */
export function readChatbotNotifierConfig(env: Env = process.env): ChatbotNotifierConfig {
  return { ...readNotifierConfig('chatbot', env), chatTopicArn: topicArn(env, ENV.chatTopicArn) };
}

/** Reads the Slack webhook notifier's configuration. */
export function readSlackWebhookNotifierConfig(env: Env = process.env): SlackWebhookNotifierConfig {
  return {
    ...readNotifierConfig('slack-webhook', env),
    secretName: required(env, ENV.webhookSecretName),
    postIntervalMs: integer(env, ENV.webhookPostIntervalMs, LIMITS.webhookPostIntervalMs),
  };
}

/** Reads the EventBridge notifier's configuration. */
export function readEventBusNotifierConfig(env: Env = process.env): EventBusNotifierConfig {
  const eventBusName = required(env, ENV.eventBusName);
  // A name, or an ARN (PutEvents takes both); CloudFormation's pattern for names.
  if (!/^(arn:aws[\w-]*:events:[\w-]+:\d{12}:event-bus\/)?[/.\-_A-Za-z0-9]{1,256}$/.test(eventBusName)) {
    throw new ConfigurationError(`${ENV.eventBusName} is not an event bus name or ARN: "${eventBusName}"`);
  }
  return { ...readNotifierConfig('event-bus', env), eventBusName };
}

/** Reads the publisher's configuration. Throws {@link ConfigurationError} naming the bad variable. */
export function readPublisherConfig(env: Env = process.env): PublisherConfig {
  return { tableName: required(env, ENV.tableName), topicArn: topicArn(env, ENV.topicArn) };
}
