// Counts the AWS requests one poll makes, on the local engines, for the README's cost estimate:
// the built-in demo scenario from start to end (every change recorded, published and delivered to
// the channels), then idle polls over the finished tasks. DynamoDB and SNS/SQS requests go through
// counting proxies (test/support/fault-proxy.ts, no fault injected), EC2's are the simulator's log;
// the read units of an idle poll's queries are asked of DynamoDB Local (ReturnConsumedCapacity), and
// the custom metrics are counted from the functions' EMF output. Not a test: it prints figures.
//   npm run bench:poll-calls (node --import tsx test/bench/poll-calls.ts) [--idle-polls 10]
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { loadHandlers, runCycle, streamDeliveryFor } from '../../runtime/cycle';
import { partitionKey, TABLE_LAYOUT } from '../../lambdas/shared/table-layout';
import { DEMO_SCENARIO_PATH, parseScenario } from '../../devkit/ec2-simulator';
import { deployLocally, LOCAL_REGION } from '../../devkit/local-deployment';
import { LOCAL_CREDENTIALS, startLocalEngines } from '../../devkit/engines/engines';
import { emfSeriesOf } from '../support/emf';
import { endpointEnvironmentThrough, type ProxiedRequest, startFaultProxy } from '../support/fault-proxy';
import { awsStandInsEnvironment, startAwsStandIns } from '../../devkit/stand-ins/aws-stand-ins';
import { startSlackStandIn } from '../../devkit/stand-ins/slack-stand-in';

const IDLE_POLLS = Number(process.argv[process.argv.indexOf('--idle-polls') + 1]) || 10;

function countBy(requests: readonly ProxiedRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of requests) {
    const key = `${request.service}.${request.operation}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

async function main(): Promise<void> {
  // Metrics on, written as EMF to stdout, which this script reads instead of printing.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const metricSets = new Set<string>();
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = chunk.toString();
    if (text.includes('"_aws"')) {
      for (const series of emfSeriesOf(text)) metricSets.add(series);
      return true;
    }
    return write(chunk as string, ...(rest as []));
  }) as typeof process.stdout.write;

  const engines = await startLocalEngines();
  const dynamodbProxy = await startFaultProxy({ target: engines.endpoints.dynamodb });
  const messagingProxy = await startFaultProxy({ target: engines.endpoints.sqs });
  const slack = await startSlackStandIn();
  const aws = await startAwsStandIns();
  try {
    const scenario = parseScenario(JSON.parse(readFileSync(DEMO_SCENARIO_PATH, 'utf8')));
    const regions = [...new Set(scenario.tasks.map((task) => task.region))];
    aws.putSecret('ec2-task-monitor/local-slack-webhook', slack.url);
    const deployment = await deployLocally(engines, {
      context: {
        regions: regions.join(','),
        slackWorkspaceId: 'T0LOCAL',
        slackChannelId: 'C0LOCAL',
        slackWebhookSecretName: 'ec2-task-monitor/local-slack-webhook',
        eventBus: 'create',
      },
    });
    // The handlers reach DynamoDB and SNS/SQS through the counting proxies.
    Object.assign(
      process.env,
      endpointEnvironmentThrough(engines, { dynamodb: dynamodbProxy, messaging: messagingProxy }),
      awsStandInsEnvironment(aws),
      { AWS_REGION: LOCAL_REGION },
      deployment.pollerEnv,
      deployment.publisherEnv,
      { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    );
    const handlers = loadHandlers(undefined, deployment.channels);
    const delivery = streamDeliveryFor(deployment.tableName);
    engines.ec2.loadScenario(scenario);
    engines.ec2.clearRequests();

    let busyPolls = 0;
    let changes = 0;
    for (; busyPolls === 0 || !engines.ec2.scenarioFinished; busyPolls++) {
      if (busyPolls > 0) engines.ec2.tick();
      changes += (await runCycle(handlers, delivery)).report.changes;
    }
    const busy = {
      polls: busyPolls,
      changes,
      ec2: engines.ec2.requests.length,
      ...countBy([...dynamodbProxy.requests, ...messagingProxy.requests]),
    };
    dynamodbProxy.clearRequests();
    messagingProxy.clearRequests();
    engines.ec2.clearRequests();
    const busyMetrics = new Set(metricSets);
    metricSets.clear();

    for (let poll = 0; poll < IDLE_POLLS; poll++) await runCycle(handlers, delivery);
    const idle = {
      polls: IDLE_POLLS,
      ec2: engines.ec2.requests.length,
      ...countBy([...dynamodbProxy.requests, ...messagingProxy.requests]),
    };

    // The read units of one idle poll's queries (one per Region and task type), as DynamoDB counts them.
    const client = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: engines.endpoints.dynamodb,
    });
    let readUnits = 0;
    const taskTypes = (deployment.pollerEnv.TASK_TYPES ?? '').split(',');
    for (const region of regions) {
      for (const taskType of taskTypes) {
        const answer = await client.send(
          new QueryCommand({
            TableName: deployment.tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey },
            ExpressionAttributeValues: {
              ':pk': { S: partitionKey({ account: '000000000000', region }, taskType as never) },
            },
            ConsistentRead: true,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        readUnits += answer.ConsumedCapacity?.CapacityUnits ?? 0;
      }
    }
    client.destroy();
    write(
      `${JSON.stringify(
        {
          regions,
          taskTypes: taskTypes.length,
          tasks: scenario.tasks.length,
          busy,
          idle,
          idleQueryReadUnitsPerPoll: readUnits,
          // Each distinct metric name and dimension set is one custom metric on the bill.
          metricSets: {
            scenarioRun: busyMetrics.size,
            idlePolls: metricSets.size,
            idleNames: [...metricSets].sort(),
          },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await Promise.allSettled([dynamodbProxy.close(), messagingProxy.close(), slack.stop(), aws.stop()]);
    await engines.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
