// Organization mode at scale on the local engines: `npm run bench:org`. Not a test (no assertion,
// nothing timed in npm test): it prints the figures the README quotes.
//
// N accounts (each with the member role) × R Regions × the nine task types, in the Organizations
// and STS stand-ins, the EC2 simulator (one running import per account) and a fresh DynamoDB Local.
// Each cycle is the in-process organization cycle (test/support/organization-cycle.ts): the
// dispatcher's use case, then every unit's worker, W worker containers side by side. DynamoDB
// requests are counted at the wire (a counting proxy), EC2 calls in the simulator's log, AssumeRole
// calls in the stand-in's.
//
//   cycle 1   first cycle: every listing a baseline, every account's role assumed
//   cycle 2   idle, the same worker containers (warm)
//   cycle 3   idle, new worker containers (cold: every container reads what it does not hold)
//
// From the idle warm cycle it computes the workers a deployment of 1,000 accounts × 17 Regions
// needs to fit each cycle in a minute, and its monthly cost.
//
//   npm run bench:org -- [--accounts 200] [--regions 4] [--workers 10]
//
// A new container's idle cycle reads each unit's state (one GetItem per unit; the account's
// coverage comes in the unit message); a warm container reads nothing. The dispatcher reads the
// coverage items every cycle (one Query).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { samplePeakMemory } from '../support/peak-memory';
import { createMonitorTable } from '../support/table';

const MONITOR = '999999999999';
const ROLE = 'ec2-task-monitor-reader';
const HOME_REGION = 'us-east-1';
const ALL_REGIONS = [
  'us-east-1',
  'eu-west-1',
  'ap-southeast-2',
  'sa-east-1',
  'us-west-2',
  'eu-central-1',
  'ap-northeast-1',
  'ca-central-1',
];
const CYCLES_PER_MONTH = 43_800;
/** The deployment the figures are scaled to. */
const TARGET = { accounts: 1_000, regions: 17 };
/** us-east-1 list prices. */
const PRICE = {
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  sqsFifoRequest: 0.5 / 1e6,
  readUnit: 0.125 / 1e6,
  writeUnit: 0.625 / 1e6,
};
const WORKER_MEMORY_GB = 0.5;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a whole number ≥ 1`);
  return value;
}

async function main(): Promise<void> {
  const accounts = argument('accounts', 200);
  const regionCount = argument('regions', 4);
  const workerCount = argument('workers', 10);
  if (regionCount > ALL_REGIONS.length) throw new Error(`--regions takes at most ${ALL_REGIONS.length}`);
  const regions = ALL_REGIONS.slice(0, regionCount);

  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // The workers' EMF documents are not the figures: the bench counts requests at the wire.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const { startLocalEngines, LOCAL_CREDENTIALS } = await import('../../devkit/engines/engines');
  const { startOrganizationStandIn, organizationStandInEnvironment } =
    await import('../../devkit/stand-ins/organization-stand-in');
  const { startFaultProxy } = await import('../support/fault-proxy');
  const { TASK_TYPE_NAMES } = await import('../../lambdas/domain/task');
  const { organizationCycle, workerContainer } = await import('../support/organization-cycle');

  const peak = samplePeakMemory();

  const engines = await startLocalEngines();
  const standIn = await startOrganizationStandIn();
  const dynamodbProxy = await startFaultProxy({ target: engines.endpoints.dynamodb, keepBody: () => false });
  try {
    Object.assign(process.env, organizationStandInEnvironment(standIn), {
      AWS_ENDPOINT_URL_EC2: engines.ec2.url,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: HOME_REGION,
    });
    const client = new DynamoDBClient({
      region: HOME_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: dynamodbProxy.url,
    });
    const tableName = await createMonitorTable(client, 'bench-org');
    const ids = Array.from({ length: accounts }, (_, index) => String(100_000_000_000 + index));
    for (const [index, id] of ids.entries()) {
      standIn.putAccount({ id, name: `account-${index}`, roles: [ROLE], regions });
      engines.ec2.putTask(
        regions[0] as string,
        'import-image',
        {
          ImportTaskId: `import-ami-0${index.toString(16).padStart(16, '0')}`,
          Status: 'active',
          StatusMessage: 'converting',
          Progress: '30',
        },
        id,
      );
    }
    let clock = Date.parse('2026-12-02T12:00:00Z');
    const setup = {
      client,
      tableName,
      monitor: MONITOR,
      region: HOME_REGION,
      regions,
      taskTypes: [...TASK_TYPE_NAMES],
      memberRoleName: ROLE,
      now: () => new Date(clock),
    };
    const units = accounts * regions.length;
    const listings = units * TASK_TYPE_NAMES.length;
    // One page per listing: every listing here holds at most one task.
    const minimumEc2 = listings;

    const lines: string[] = [
      `ec2-task-monitor bench:org: ${accounts} accounts × ${regions.length} Regions × ${TASK_TYPE_NAMES.length} task types = ${units} units, ${listings} listings a cycle; ${workerCount} worker containers side by side`,
      '',
    ];
    let containers = Array.from({ length: workerCount }, () => workerContainer(setup));
    let idleWarmMs = 0;
    for (const [index, label] of [
      'cycle 1 (first)',
      'cycle 2 (idle, warm)',
      'cycle 3 (idle, cold)',
    ].entries()) {
      if (index === 2) containers = Array.from({ length: workerCount }, () => workerContainer(setup));
      clock += 60_000;
      dynamodbProxy.clearRequests();
      engines.ec2.clearRequests();
      const assumedBefore = standIn.assumeRoleCalls.length;
      const started = performance.now();
      const { reports } = await organizationCycle(setup, containers);
      const wallMs = performance.now() - started;
      peak.sample();
      if (index === 1) idleWarmMs = wallMs;
      const dynamodb: Record<string, number> = {};
      for (const request of dynamodbProxy.requests)
        dynamodb[request.operation] = (dynamodb[request.operation] ?? 0) + 1;
      const failed = reports.filter((report) => report.failure || (report.poll?.failures ?? 0) > 0).length;
      const changes = reports.reduce((sum, report) => sum + (report.poll?.changes ?? 0), 0);
      lines.push(
        `${label.padEnd(22)} ${(wallMs / 1000).toFixed(1).padStart(6)} s  ${(listings / (wallMs / 1000) / workerCount).toFixed(1)} listings/s per worker  changes ${changes}  failed units ${failed}`,
        `${''.padEnd(22)} EC2 ${engines.ec2.requests.length} (minimum ${minimumEc2})  AssumeRole ${standIn.assumeRoleCalls.length - assumedBefore} (minimum ${index === 1 ? 0 : accounts})  DynamoDB ${
          Object.entries(dynamodb)
            .map(([op, n]) => `${op} ${n}`)
            .join(', ') || 'none'
        } (${units} units)`,
      );
    }
    lines.push(
      `peak memory: heap ${Math.round(peak.heap / 2 ** 20)} MB, RSS ${Math.round(peak.rss / 2 ** 20)} MB (engines' proxies, simulator and stand-ins included)`,
    );

    // Scaled to the target: time per unit in a warm worker, measured above.
    const unitMs = (idleWarmMs * workerCount) / units;
    const targetUnits = TARGET.accounts * TARGET.regions;
    // Each cycle must finish within the minute; 45 s leaves the dispatcher's spread and a margin.
    const workersNeeded = Math.ceil((targetUnits * unitMs) / 45_000);
    const lambda =
      CYCLES_PER_MONTH *
      (targetUnits * (unitMs / 1000) * WORKER_MEMORY_GB * PRICE.lambdaGbSecond +
        (targetUnits / 10) * PRICE.lambdaRequest);
    // FIFO: SendMessageBatch (10 units), Lambda's ReceiveMessage and DeleteMessageBatch per batch of 10.
    const sqs = CYCLES_PER_MONTH * (targetUnits / 10) * 3 * PRICE.sqsFifoRequest;
    // Each Region's EC2 calls per account a minute: one per type, so DescribeStoreImageTasks (0.5/s refill) is asked 1/60 s.
    lines.push(
      '',
      `scaled to ${TARGET.accounts} accounts × ${TARGET.regions} Regions (${targetUnits} units a minute), from ${unitMs.toFixed(1)} ms per idle unit:`,
      `  workers needed to finish a cycle in 45 s: ${workersNeeded} (workerConcurrency)`,
      `  a month: Lambda $${lambda.toFixed(2)}, SQS FIFO $${sqs.toFixed(2)}, DynamoDB $0.00 at rest (no request on a warm idle unit), STS $0 (no charge; one AssumeRole per account and container an hour)`,
      `  EC2 per account and Region: 1 call per task type a minute (DescribeStoreImageTasks: 1/60 s against its 0.5/s refill, 3 %)`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    client.destroy();
  } finally {
    peak.stop();
    await dynamodbProxy.close();
    await standIn.stop();
    await engines.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:org failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
