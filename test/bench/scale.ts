// The poll at scale and at rest, measured on the local engines: `npm run bench`. Not a test (no
// assertion, nothing timed in npm test): it prints the figures the README quotes.
//
// For each size N and layout (every task in one listing, or spread over 2 Regions × 9 types), a
// child process starts the engines (a fresh DynamoDB Local per configuration: it slows down as
// data piles up), loads N unfinished tasks into the EC2 simulator and runs the functions' bundles
// through the in-process runtime (runtime/), the poller's handler and then the publisher's over the
// table's stream, as `poll --once` does. DynamoDB and SNS requests are counted at the wire through
// counting proxies (test/support/fault-proxy.ts); the read units of the reads are DynamoDB Local's
// own count (each read replayed with ReturnConsumedCapacity); EC2 calls are the simulator's log.
//
//   first poll      N tasks discovered: N changes recorded and published
//   idle (warm)     polls where nothing changed, in the same container
//   idle (cold)     the same after the poller's bundle is loaded again (a new container)
//   changes         min(N, 1,000) tasks end: recorded and published (the first poll is N changes)
//   peak memory     how far each step took the child process's RSS and heap above where the step
//                   began (garbage collected first), the poll apart from the delivery (the
//                   publisher and the CLI's stream reader): in AWS they are two functions, each in
//                   its own process. The process also holds the EC2 simulator and the proxies
//                   (their work for the step counts in the poll's figure); DynamoDB Local and the
//                   SNS/SQS emulator run in processes of their own.
//
// Then each function bundle's size and load time (node, with and without --enable-source-maps),
// and the idle cost a month computed from the counted requests.
//
//   npm run bench -- [--sizes 100,1000,10000] [--layouts one,spread] [--idle-polls 3] [--skip-bundles]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { emfSeriesOf } from '../support/emf';
import { samplePeakMemory } from '../support/peak-memory';
import { synthMonitor } from '../lib/synth';

const ROOT = path.resolve(__dirname, '..', '..');
const REGIONS = ['us-east-1', 'eu-west-1'];
const ONE_LISTING = { region: 'us-east-1', taskType: 'import-image' } as const;
/** Polls a month at the default schedule (every minute). */
const POLLS_PER_MONTH = 43_800;
/** Prices (us-east-1, on-demand, December 2026). */
const PRICE = {
  readUnit: 0.125 / 1e6,
  writeUnit: 0.625 / 1e6,
  /** Arm (the functions' architecture). */
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  logsIngestedGb: 0.5,
  metric: 0.3,
  kmsKey: 1,
  alarmMetric: 0.1,
  dashboard: 3,
  snsRequest: 0.5 / 1e6,
};
const POLLER_MEMORY_GB = 0.5;
const BENCH_TIMEOUT_MS = 900_000;

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

type Layout = 'one' | 'spread';

/** What one configuration measured. */
interface ConfigurationResult {
  tasks: number;
  layout: Layout;
  listings: number;
  firstPoll: Phase;
  idleWarm: Phase & { logBytes: number; metricSeries: string[] };
  idleCold: Phase;
  changes: Array<Phase & { changed: number }>;
  ec2: { calls: number; minimum: number };
  /** The process before the first poll (engines up, handlers loaded). */
  memory: { rssBeforeMb: number; heapBeforeMb: number };
}

/** One measured step: times and what went over the wire. */
interface Phase {
  pollMs: number;
  publishMs: number;
  changesRecorded: number;
  published: number;
  dynamodb: Record<string, number>;
  readUnits: number;
  sns: Record<string, number>;
  ec2Calls: number;
  /** Listings that failed and deliveries that stopped, with why (a measured fact, not a crash). */
  failures: string[];
  /**
   * Growth of the process's peak RSS and heap over their level when the step began (MB), for the
   * poll and for the delivery apart: in AWS they are two functions, each in its own process.
   */
  growth: { poll: MemoryGrowth; publish: MemoryGrowth };
}

/** How far a step took the process's memory above where it started, in MB. */
interface MemoryGrowth {
  rssMb: number;
  heapMb: number;
}

// ---------------------------------------------------------------------------------------------
// The child: one configuration.

async function runConfiguration(
  tasks: number,
  layout: Layout,
  idlePolls: number,
): Promise<ConfigurationResult> {
  // Loaded here so the parent (which only spawns and prints) stays light.
  const { startLocalEngines, LOCAL_CREDENTIALS } = await import('../../devkit/engines/engines');
  const { deployLocally, LOCAL_REGION } = await import('../../devkit/local-deployment');
  const { DEMO_SCENARIO_PATH, parseScenario, TASK_TYPES } = await import('../../devkit/ec2-simulator');
  const specOf = (taskType: string) => {
    const spec = TASK_TYPES.find((candidate) => candidate.taskType === taskType);
    if (!spec) throw new Error(`No simulator spec for ${taskType}`);
    return spec;
  };
  const { endpointEnvironmentThrough, startFaultProxy } = await import('../support/fault-proxy');
  const { loadHandlers, streamDeliveryFor } = await import('../../runtime/cycle');
  const { TASK_TYPE_NAMES } = await import('../../lambdas/domain/task');

  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

  // The functions' output (logs and EMF) is counted, not printed.
  let logBytes = 0;
  const metricSeries = new Set<string>();
  process.stdout.write = ((chunk: string | Uint8Array) => {
    const text = chunk.toString();
    logBytes += Buffer.byteLength(text);
    for (const series of emfSeriesOf(text)) metricSeries.add(series);
    return true;
  }) as typeof process.stdout.write;

  const peak = samplePeakMemory();

  const READS = new Set(['GetItem', 'Query', 'BatchGetItem', 'Scan']);
  const engines = await startLocalEngines();
  const dynamodbProxy = await startFaultProxy({
    target: engines.endpoints.dynamodb,
    keepBody: (operation) => READS.has(operation),
  });
  const messagingProxy = await startFaultProxy({ target: engines.endpoints.sqs, keepBody: () => false });
  const direct = new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: engines.endpoints.dynamodb,
  });
  try {
    const deployment = await deployLocally(engines, { context: { regions: REGIONS.join(',') } });
    Object.assign(
      process.env,
      endpointEnvironmentThrough(engines, { dynamodb: dynamodbProxy, messaging: messagingProxy }),
      { AWS_REGION: LOCAL_REGION },
      deployment.pollerEnv,
      deployment.publisherEnv,
    );
    const taskTypes = (deployment.pollerEnv.TASK_TYPES ?? TASK_TYPE_NAMES.join(',')).split(',');
    const listings = REGIONS.flatMap((region) => taskTypes.map((taskType) => ({ region, taskType })));

    // Tasks: each type's first task of the demo scenario, its first step running and its steps
    // merged as where it ends; ids made unique per task.
    const demo = parseScenario(JSON.parse(readFileSync(DEMO_SCENARIO_PATH, 'utf8')));
    const templates = new Map<string, { start: Record<string, unknown>; end: Record<string, unknown> }>();
    for (const task of demo.tasks) {
      if (templates.has(task.taskType)) continue;
      const steps = task.steps.filter((step) => !step.$remove);
      const strip = (step: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(step).filter(([key]) => !key.startsWith('$')));
      const start = strip(steps[0] as Record<string, unknown>);
      const end = Object.assign({}, ...steps.slice(1).map(strip)) as Record<string, unknown>;
      for (const member of specOf(task.taskType).idMembers) delete end[member];
      templates.set(task.taskType, { start, end });
    }
    const placed = Array.from({ length: tasks }, (_, index) =>
      layout === 'one' ? ONE_LISTING : (listings[index % listings.length] as (typeof listings)[number]),
    );
    const withId = (taskType: string, step: Record<string, unknown>, index: number) => {
      const member = specOf(taskType).idMembers[0] as string;
      const id = String(step[member]);
      const cut = id.lastIndexOf('-') + 1;
      const tail = id.length - cut;
      return { ...step, [member]: id.slice(0, cut) + index.toString(16).padStart(tail, '0').slice(-tail) };
    };
    /** A scenario where the tasks below `ending` end at tick 1 and the others stay as they are. */
    const scenario = (ending: number) =>
      parseScenario({
        tasks: placed.map(({ region, taskType }, index) => {
          const template = templates.get(taskType);
          if (!template) throw new Error(`The demo scenario has no ${taskType} task`);
          const steps: Record<string, unknown>[] = [withId(taskType, template.start, index)];
          if (index < ending) steps.push(template.end);
          return { region, taskType, steps };
        }),
      });
    const minimumCalls = listings.reduce((sum, { region, taskType }) => {
      const count = placed.filter((task) => task.region === region && task.taskType === taskType).length;
      const pagination = specOf(taskType).pagination;
      return sum + (pagination ? Math.max(1, Math.ceil(count / pagination.max)) : 1);
    }, 0);

    // Lambda's longest timeout, so that the figures are measured to the end even where the stack's
    // 60 s would cut them short (the output compares with those 60 s).
    let handlers = loadHandlers(BENCH_TIMEOUT_MS);
    const delivery = streamDeliveryFor(deployment.tableName);

    const countOps = (requests: readonly { service: string; operation: string }[], service: string) => {
      const counts: Record<string, number> = {};
      for (const request of requests) {
        if (request.service !== service) continue;
        counts[request.operation] = (counts[request.operation] ?? 0) + 1;
      }
      return counts;
    };
    /** DynamoDB Local's read units for the reads logged, each replayed with ReturnConsumedCapacity. */
    const readUnitsOf = async (requests: readonly { operation: string; body: string }[]) => {
      let units = 0;
      for (const request of requests) {
        const input = { ...JSON.parse(request.body || '{}'), ReturnConsumedCapacity: 'TOTAL' };
        if (request.operation === 'Query')
          units += (await direct.send(new QueryCommand(input))).ConsumedCapacity?.CapacityUnits ?? 0;
        if (request.operation === 'GetItem')
          units += (await direct.send(new GetItemCommand(input))).ConsumedCapacity?.CapacityUnits ?? 0;
      }
      return units;
    };
    const measure = async (): Promise<Phase> => {
      dynamodbProxy.clearRequests();
      messagingProxy.clearRequests();
      engines.ec2.clearRequests();
      // Each step's peak above its own start: garbage of the step before is collected first.
      const growthOf = async (step: () => Promise<unknown>): Promise<MemoryGrowth> => {
        global.gc?.();
        const start = process.memoryUsage();
        peak.reset();
        await step();
        peak.sample();
        const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
        return { rssMb: mb(peak.rss - start.rss), heapMb: mb(peak.heap - start.heapUsed) };
      };
      let started = 0;
      let polled = 0;
      let report: Awaited<ReturnType<typeof handlers.poll>> | undefined;
      const pollGrowth = await growthOf(async () => {
        started = performance.now();
        report = await handlers.poll();
        polled = performance.now();
      });
      if (!report) throw new Error('the poll returned no report');
      const pollRequests = [...dynamodbProxy.requests];
      let published = 0;
      let result: Awaited<ReturnType<typeof delivery.deliver>> | undefined;
      const publishGrowth = await growthOf(async () => {
        const delivering = performance.now();
        result = await delivery.deliver(handlers.publish);
        published = performance.now() - delivering + polled;
      });
      if (!result) throw new Error('the delivery returned no result');
      const pollReads = pollRequests.filter((request) => READS.has(request.operation));
      const failures = report.listings
        .filter((listing) => !listing.ok)
        .map((listing) => `${listing.region}/${listing.taskType}: ${listing.error?.code ?? 'Error'}`);
      if (result.failure) failures.push(`delivery: ${result.failure}`);
      return {
        failures,
        pollMs: Math.round(polled - started),
        publishMs: Math.round(published - polled),
        changesRecorded: report.changes,
        published: countOps(messagingProxy.requests, 'sns').PublishBatch ?? 0,
        dynamodb: countOps(pollRequests, 'dynamodb'),
        readUnits: await readUnitsOf(pollReads),
        sns: countOps(messagingProxy.requests, 'sns'),
        ec2Calls: engines.ec2.requests.length,
        growth: { poll: pollGrowth, publish: publishGrowth },
      };
    };

    engines.ec2.loadScenario(scenario(Math.min(tasks, 1_000)));
    global.gc?.();
    const before = process.memoryUsage();
    const firstPoll = await measure();
    const ec2 = { calls: firstPoll.ec2Calls, minimum: minimumCalls };

    const idle: Phase[] = [];
    let idleLogBytes = 0;
    for (let poll = 0; poll < idlePolls; poll++) {
      logBytes = 0;
      metricSeries.clear();
      idle.push(await measure());
      idleLogBytes = logBytes;
    }
    const idleWarm = { ...median(idle), logBytes: idleLogBytes, metricSeries: [...metricSeries].sort() };

    // A new container: the bundle evaluated afresh (the runtime's require cache dropped).
    const poller = require.resolve(path.join(ROOT, 'dist', 'functions', 'poller', 'index.js'));
    delete require.cache[poller];
    handlers = loadHandlers(BENCH_TIMEOUT_MS);
    const idleCold = await measure();

    const changes: Array<Phase & { changed: number }> = [];
    engines.ec2.tick();
    changes.push({ ...(await measure()), changed: Math.min(tasks, 1_000) });
    const idleAfter = await measure();
    changes.push({ ...idleAfter, changed: 0 });
    return {
      tasks,
      layout,
      listings: layout === 'one' ? 1 : listings.length,
      firstPoll,
      idleWarm,
      idleCold,
      changes,
      ec2,
      memory: {
        rssBeforeMb: Math.round(before.rss / 2 ** 20),
        heapBeforeMb: Math.round(before.heapUsed / 2 ** 20),
      },
    };
  } finally {
    peak.stop();
    direct.destroy();
    await Promise.allSettled([dynamodbProxy.close(), messagingProxy.close()]);
    await engines.stop();
  }
}

function median(phases: Phase[]): Phase {
  const sorted = [...phases].sort((a, b) => a.pollMs - b.pollMs);
  return sorted[Math.floor(sorted.length / 2)] as Phase;
}

// ---------------------------------------------------------------------------------------------
// Bundles: size and load time.

interface BundleResult {
  name: string;
  bytes: number;
  gzipBytes: number;
  mapBytes: number;
  loadMs: number;
  loadMsSourceMaps: number;
}

function loadTime(file: string, sourceMaps: boolean): number {
  const env = {
    ...process.env,
    TABLE_NAME: 'bench',
    TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:bench',
    REGIONS: REGIONS.join(','),
    TASK_TYPES:
      'bundle,conversion,import-image,import-snapshot,store-image,export-instance,export-image,replace-root-volume,mac-modification',
    ACCOUNT_ID: '000000000000',
    PROGRESS_STEP: '25',
    RETENTION_DAYS: '30',
    DISAPPEAR_AFTER_MISSES: '2',
    POLL_INTERVAL_SECONDS: '60',
    FAST_POLL_SECONDS: '15',
    STALL_AFTER:
      'bundle=120,conversion=720,import-image=180,import-snapshot=180,store-image=60,export-instance=360,export-image=120,replace-root-volume=60,mac-modification=180',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const script = `const t=process.hrtime.bigint();try{require(${JSON.stringify(file)})}catch{};process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const times: number[] = [];
  for (let run = 0; run < 7; run++) {
    const args = [...(sourceMaps ? ['--enable-source-maps'] : []), '-e', script];
    times.push(Number(execFileSync(process.execPath, args, { env, encoding: 'utf8' })));
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] as number);
}

function measureBundles(): BundleResult[] {
  const dir = path.join(ROOT, 'dist', 'functions');
  return readdirSync(dir)
    .filter((name) => existsSync(path.join(dir, name, 'index.js')))
    .map((name) => {
      const file = path.join(dir, name, 'index.js');
      const map = `${file}.map`;
      return {
        name,
        bytes: statSync(file).size,
        gzipBytes: gzipSync(readFileSync(file)).length,
        mapBytes: existsSync(map) ? statSync(map).size : 0,
        loadMs: loadTime(file, false),
        loadMsSourceMaps: loadTime(file, true),
      };
    });
}

// ---------------------------------------------------------------------------------------------
// The parent: runs each configuration in its own process and prints the figures.

function runChild(tasks: number, layout: Layout, idlePolls: number): Promise<ConfigurationResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ec2tm-bench-'));
  const out = path.join(dir, 'result.json');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        __filename,
        '--child',
        `${tasks}:${layout}:${idlePolls}`,
        '--out',
        out,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'], cwd: ROOT },
    );
    child.once('exit', (code) => {
      if (code === 0 && existsSync(out))
        resolve(JSON.parse(readFileSync(out, 'utf8')) as ConfigurationResult);
      else reject(new Error(`The ${tasks}-task ${layout} configuration failed (exit ${code})`));
    });
  });
}

const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
const ops = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort()
    .map(([name, count]) => `${name} ${count}`)
    .join(', ') || 'none';

function print(results: ConfigurationResult[], bundles: BundleResult[]): void {
  const lines: string[] = [];
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  lines.push(
    `ec2-task-monitor bench: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`,
  );
  lines.push(
    `Regions ${REGIONS.join(', ')} × 9 task types polled (18 listings); one listing = ${ONE_LISTING.taskType} in ${ONE_LISTING.region}`,
  );
  for (const result of results) {
    const where = result.layout === 'one' ? 'in one listing' : 'spread over 2 Regions × 9 types';
    lines.push('');
    lines.push(
      result.tasks === 0
        ? '== at rest: no task in any listing'
        : `== ${result.tasks.toLocaleString('en')} tasks ${where}`,
    );
    const phase = (label: string, p: Phase) =>
      `${label.padEnd(26)}${p.failures?.length ? ` FAILED (${p.failures.length}: ${[...new Set(p.failures.map((f) => f.split(': ')[1]))].join(', ')})` : ''} poll ${String(p.pollMs).padStart(6)} ms  publish ${String(p.publishMs).padStart(6)} ms  changes ${String(p.changesRecorded).padStart(6)}  DynamoDB: ${ops(p.dynamodb)} (${p.readUnits} read units)  SNS: ${ops(p.sns)}`;
    lines.push(phase('first poll', result.firstPoll));
    lines.push(phase('idle poll, warm (median)', result.idleWarm));
    lines.push(phase('idle poll, cold', result.idleCold));
    // At rest nothing changes: its two later polls are idle polls like the ones above.
    for (const change of result.tasks === 0 ? [] : result.changes) {
      lines.push(phase(change.changed > 0 ? `${change.changed} changes` : 'idle poll after changes', change));
    }
    if (result.tasks === 0) {
      lines.push(
        `${'idle poll output'.padEnd(26)} ${kb(result.idleWarm.logBytes)} of log, ${result.idleWarm.metricSeries.length} metric series: ${result.idleWarm.metricSeries.join(' ')}`,
      );
      continue;
    }
    const perChange = (p: Phase) =>
      p.changesRecorded > 0 ? (p.pollMs + p.publishMs) / p.changesRecorded : 0;
    lines.push(
      `${'per change'.padEnd(26)} first poll ${perChange(result.firstPoll).toFixed(2)} ms, ${result.changes[0]?.changed} changes ${perChange(result.changes[0] as Phase).toFixed(2)} ms (poll + publish)`,
    );
    lines.push(`${'EC2 calls per poll'.padEnd(26)} ${result.ec2.calls} (minimum ${result.ec2.minimum})`);
    const { memory } = result;
    const steps = [result.firstPoll, result.idleWarm, result.idleCold, ...result.changes];
    const highest = (of: 'poll' | 'publish') => ({
      rssMb: Math.max(...steps.map((step) => step.growth[of].rssMb)),
      heapMb: Math.max(...steps.map((step) => step.growth[of].heapMb)),
    });
    const growth = (g: MemoryGrowth) => `RSS +${g.rssMb} MB, heap +${g.heapMb} MB`;
    lines.push(
      `${'peak memory, highest step'.padEnd(26)} poll ${growth(highest('poll'))}; delivery ${growth(highest('publish'))} (process before the first poll: RSS ${memory.rssBeforeMb} MB, heap ${memory.heapBeforeMb} MB)`,
    );
    lines.push(
      `${'idle poll output'.padEnd(26)} ${kb(result.idleWarm.logBytes)} of log, ${result.idleWarm.metricSeries.length} metric series: ${result.idleWarm.metricSeries.join(' ')}`,
    );
  }
  // Ratio of the time per change: 1,000 changes among 10,000 tasks against among 1,000.
  for (const layout of ['one', 'spread'] as const) {
    const small = results.find((r) => r.layout === layout && r.tasks === 1_000)?.changes[0];
    const large = results.find((r) => r.layout === layout && r.tasks === 10_000)?.changes[0];
    if (small && large && small.changesRecorded > 0 && large.changesRecorded > 0) {
      const ratio =
        (large.pollMs + large.publishMs) /
        large.changesRecorded /
        ((small.pollMs + small.publishMs) / small.changesRecorded);
      lines.push(
        `time per change, 1,000 changes among 10,000 vs 1,000 tasks (${layout}): ${ratio.toFixed(2)}×`,
      );
    }
  }
  if (bundles.length > 0) {
    lines.push('');
    lines.push('== bundles (dist/functions, load = require() in a fresh node, median of 7)');
    for (const bundle of bundles) {
      lines.push(
        `${bundle.name.padEnd(26)} ${kb(bundle.bytes).padStart(8)} (${kb(bundle.gzipBytes)} gzip, map ${kb(bundle.mapBytes)})  load ${bundle.loadMs} ms, ${bundle.loadMsSourceMaps} ms with --enable-source-maps`,
      );
    }
  }
  // Idle cost a month: the warm idle poll of the 2-Region deployment, at one poll a minute, plus
  // what the default stack costs whatever it does (counted in its synthesized template); at rest
  // (no task), then with N unfinished tasks that do not change all month (while tasks hold
  // VM Import/Export slots, each (Region, quota) in use adds its QuotaTasksInUse series).
  const fixed = fixedCosts();
  lines.push('');
  lines.push('== idle cost a month (one poll a minute, 43,800 polls; us-east-1 on-demand prices)');
  for (const result of results.filter((r) => r.layout === 'spread')) {
    const idle = result.idleWarm;
    const writes = ['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem'].reduce(
      (sum, name) => sum + (idle.dynamodb[name] ?? 0),
      0,
    );
    const reads = idle.readUnits * POLLS_PER_MONTH * PRICE.readUnit;
    const writeCost = writes * POLLS_PER_MONTH * PRICE.writeUnit;
    const lambda =
      POLLS_PER_MONTH *
      (PRICE.lambdaRequest + (idle.pollMs / 1000) * POLLER_MEMORY_GB * PRICE.lambdaGbSecond);
    const logs = (idle.logBytes * POLLS_PER_MONTH * PRICE.logsIngestedGb) / 2 ** 30;
    const metrics = idle.metricSeries.length * PRICE.metric;
    const total = reads + writeCost + lambda + logs + metrics + fixed.total;
    const label = result.tasks === 0 ? 'at rest' : `${result.tasks.toLocaleString('en')} tasks`;
    lines.push(
      `${label.padStart(12)}: DynamoDB reads $${reads.toFixed(2)} (${idle.readUnits} RRU/poll), writes $${writeCost.toFixed(2)}, Lambda $${lambda.toFixed(2)} (${idle.pollMs} ms at 512 MB), logs $${logs.toFixed(2)} (${idle.logBytes} B/poll), metrics $${metrics.toFixed(2)} (${idle.metricSeries.length} series), fixed $${fixed.total.toFixed(2)}: $${total.toFixed(2)}`,
    );
  }
  lines.push(`fixed items of the default stack (synthesized): ${fixed.text}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The monthly items of the default stack that do not depend on its work: keys, alarm metrics, dashboards. */
function fixedCosts(): { total: number; text: string } {
  const template = synthMonitor({ regions: REGIONS.join(',') }).template.toJSON() as {
    Resources: Record<string, { Type: string; Properties?: { Metrics?: { MetricStat?: unknown }[] } }>;
  };
  const resources = Object.values(template.Resources);
  const count = (type: string) => resources.filter((resource) => resource.Type === type).length;
  const alarmMetrics = resources
    .filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm')
    .reduce((sum, alarm) => sum + (alarm.Properties?.Metrics?.filter((m) => m.MetricStat).length || 1), 0);
  const keys = count('AWS::KMS::Key');
  const dashboards = count('AWS::CloudWatch::Dashboard');
  const total = keys * PRICE.kmsKey + alarmMetrics * PRICE.alarmMetric + dashboards * PRICE.dashboard;
  return {
    total,
    text: `${keys} KMS key(s) $${(keys * PRICE.kmsKey).toFixed(2)}, ${alarmMetrics} alarm metrics $${(alarmMetrics * PRICE.alarmMetric).toFixed(2)}, ${dashboards} dashboard(s) $${(dashboards * PRICE.dashboard).toFixed(2)}: $${total.toFixed(2)}`,
  };
}

async function main(): Promise<void> {
  const child = argument('child', '');
  if (child) {
    const [tasks, layout, idlePolls] = child.split(':');
    const result = await runConfiguration(Number(tasks), layout as Layout, Number(idlePolls));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(argument('out', ''), JSON.stringify(result));
    return;
  }
  const saved = argument('from', '');
  if (saved) {
    // Prints results saved by earlier runs (each child's result.json), e.g. to redo the table.
    const results = saved
      .split(',')
      .map((file) => JSON.parse(readFileSync(file, 'utf8')) as ConfigurationResult);
    results.sort((a, b) => a.tasks - b.tasks || a.layout.localeCompare(b.layout));
    print(results, flag('skip-bundles') ? [] : measureBundles());
    return;
  }
  const sizes = argument('sizes', '100,1000,10000').split(',').map(Number);
  const layouts = argument('layouts', 'one,spread').split(',') as Layout[];
  const idlePolls = Number(argument('idle-polls', '3'));
  const results: ConfigurationResult[] = [];
  // At rest: an account with no task at all, what most deployments poll most of the time.
  process.stderr.write('bench: at rest, no task...\n');
  results.push(await runChild(0, 'spread', idlePolls));
  for (const tasks of sizes) {
    for (const layout of layouts) {
      process.stderr.write(`bench: ${tasks} tasks, ${layout === 'one' ? 'one listing' : 'spread'}...\n`);
      results.push(await runChild(tasks, layout, idlePolls));
    }
  }
  const bundles = flag('skip-bundles') ? [] : measureBundles();
  print(results, bundles);
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
