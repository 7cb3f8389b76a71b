// Lambda entry point of the Chatbot notifier: its queue receives the events that pass the chat
// filter, and each becomes a custom notification on the chat topic AWS Chatbot posts from.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import { ChatTopicChannel } from '../adapters/chat-topic';
import { deliveryRecords } from '../adapters/delivery-records';
import { readChatbotNotifierConfig } from '../shared/config';
import { logger, metrics } from '../shared/observability';
import { createNotifier } from './notifier';

const config = readChatbotNotifierConfig();

/** Lambda entry point of the Chatbot notifier. */
export const handler = middy(
  createNotifier({
    channel: new ChatTopicChannel(new SNSClient({}), config.chatTopicArn),
    persistenceStore: deliveryRecords(new DynamoDBClient({}), config.tableName, config.channel),
    retentionDays: config.retentionDays,
    logger,
    metrics,
  }),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
