// Primary adapter of the dispatcher (organization mode): wires configuration, clients and
// Powertools around the dispatch. Invoked by the schedule (and by `poll --once` in process), and
// with cloudTrailTrigger by the rules on task-creating calls: a CloudTrail record queues the unit
// of its call (trigger.ts) and never starts a cycle. `newHandler` builds one on another clock for
// the in-process runtime (the local mode's scenario clock).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { AccountClient } from '@aws-sdk/client-account';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { listEnabledRegions } from '../adapters/account-regions';
import { CoverageStore } from '../adapters/coverage-store';
import { memberCredentialsIn } from '../adapters/member-credentials';
import { OrganizationDirectory } from '../adapters/organization';
import { sendUnits } from '../adapters/unit-queue';
import { type HandlerOptions, systemClock } from '../shared/clock';
import { readDispatcherConfig } from '../shared/config';
import { logger, metrics } from '../shared/observability';
import { sdkClientConfig } from '../shared/sdk-clients';
import { type DispatchReport, runDispatch } from './dispatch';
import { isApiCallEvent, runTrigger, type TriggerReport } from './trigger';

const config = readDispatcherConfig();
const region = process.env.AWS_REGION ?? 'us-east-1';
// The monitor's own Region: its token is valid in every Region of the member accounts.
const credentials = memberCredentialsIn(region, config);
const directory = new OrganizationDirectory(new OrganizationsClient(sdkClientConfig({ region })));
const coverage = new CoverageStore(new DynamoDBClient(sdkClientConfig()), config.tableName);
// The queue is in the function's own Region, whose endpoint its URL names: the client sends to its
// resolved endpoint, so the SDK's standard AWS_ENDPOINT_URL_SQS reaches a local emulator as well
// (whose queue URLs name another host), and nothing warns that the two differ.
const sqs = new SQSClient(sdkClientConfig({ useQueueUrlAsEndpoint: false }));
const accountClients = new Map<string, AccountClient>();
/** This container's last scheduled dispatch: a triggered unit's schedule period counts from it. */
const schedule: { lastCycleStart?: Date } = {};

function accountClient(account: string): AccountClient {
  let client = accountClients.get(account);
  if (!client) {
    client = new AccountClient(sdkClientConfig({ region, ...credentials.clientCredentials(account) }));
    accountClients.set(account, client);
  }
  return client;
}

const send = (units: Parameters<typeof sendUnits>[2]) => sendUnits(sqs, config.queueUrl, units);

async function dispatchHandler(event: unknown, now: () => Date): Promise<DispatchReport | TriggerReport> {
  if (isApiCallEvent(event)) {
    return runTrigger(event, config, {
      coverage,
      send,
      logger,
      metrics,
      now,
      lastCycleStart: schedule.lastCycleStart,
    });
  }
  const report = await runDispatch(config, {
    accountsOf: (settings) => directory.accountsOf(settings.accounts),
    enabledRegions: (account) => listEnabledRegions(accountClient(account)),
    coverage,
    send,
    logger,
    metrics,
    now,
  });
  logger.info('Dispatch finished', {
    units: report.units.length,
    watched: report.watched,
    skipped: report.skipped,
    unmonitored: report.unmonitored,
    coverageWrites: report.coverageWrites,
  });
  schedule.lastCycleStart = new Date(report.cycleStart);
  return report;
}

/**
 * A dispatcher handler on a clock (the time its units and the coverage are stamped with).
 * @param options the clock (default: the system clock)
 */
export function newHandler(options: HandlerOptions = {}) {
  const now = options.now ?? systemClock;
  return middy((event: unknown) => dispatchHandler(event, now))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

/** Lambda entry point of the dispatcher. */
export const handler = newHandler();
