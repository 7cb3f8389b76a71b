// Detection latency, measured on the local engines: `npm run bench:latency`. Not a test (no
// assertion, nothing timed in npm test): it prints the figures the README quotes.
//
// One scenario is replayed three times on the EC2 simulator, once per mode: the default schedule
// alone (fastPollSeconds=off), adaptive (fastPollSeconds=15) and adaptive with the CloudTrail
// trigger. Import-image tasks start at random times, move once while running (a progress jump across
// the progressStep) and end (completed or failed), each change at least 75 s after the task's
// previous one. The latency of a change is from the moment the simulator's task changes to the moment
// its event is received from the topic by an SQS subscriber (the SNS emulator's subscription, as the
// other benches read it): poll, conditional write, the table's stream, the publisher, SNS, SQS.
//
// The poller is the code its handler runs (runAdaptivePoll with the same adapters), invoked as Lambda
// would with reserved concurrency 1: a scheduled event every minute, and in the trigger mode an `AWS
// API Call via CloudTrail` event as each task is created (CloudTrail's own delivery delay to
// EventBridge is not modelled: `--cloudtrail-delay` adds one); an event that arrives while an
// invocation runs waits for it, and is dropped after the function's one-minute maximum event age.
// The stream is read every 2 s of scenario time (the event source's batching window) and the
// subscriber's queue every second.
//
// Time is compressed: scenario time runs `--speed` (10) times faster than the wall clock, for
// everything alike (the schedule, the fast re-polls, the task changes, the stream and queue reads,
// the invocations' time budget). Every figure printed is in scenario time: wall-clock time × speed.
// What is not compressed is the work itself (a poll, a write, a publish take their real time), so its
// share of each latency is counted `speed` times over: the figures are pessimistic by about
// (speed - 1) × the real processing time; a poll's share of it is printed as `pollRealMsMedian`
// (the stream read, the publish and SNS add theirs).
//
//   npm run bench:latency -- [--speed 10] [--tasks 16] [--busy-minutes 10] [--idle-minutes 3] [--seed 14] [--cloudtrail-delay 0]
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { setTimeout as sleepReal } from 'node:timers/promises';
import { runAdaptivePoll } from '../../lambdas/poller/adaptive-poll';
import { pollerContainer } from '../../lambdas/poller/container';
import { type PollerConfig, readPollerConfig } from '../../lambdas/shared/config';
import { sdkClientConfig } from '../../lambdas/shared/sdk-clients';
import { deployLocally, LOCAL_REGION, subscribeQueue } from '../../devkit/local-deployment';
import { endpointEnvironment, startLocalEngines } from '../../devkit/engines/engines';
import { Inbox, type InboxMessage, sortDeliveries } from '../../devkit/engines/inbox';
import type { TaskChangeEvent } from '#events';
import { loadHandlers, streamDeliveryFor } from '../../runtime/cycle';

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : Number.NaN;
  return Number.isFinite(value) ? value : fallback;
}

const SPEED = argument('speed', 10);
const TASKS = argument('tasks', 16);
const BUSY_MINUTES = argument('busy-minutes', 10);
const IDLE_MINUTES = argument('idle-minutes', 3);
const SEED = argument('seed', 14);
const CLOUDTRAIL_DELAY_MS = argument('cloudtrail-delay', 0) * 1000;
const MINUTE = 60_000;
const REGION = LOCAL_REGION;
/** The poller's timeout and maximum event age in the stack. */
const FUNCTION_TIMEOUT_MS = 60_000;
const MAX_EVENT_AGE_MS = 60_000;
const STREAM_READ_MS = 2_000;
const INBOX_READ_MS = 1_000;
const MEMORY_GB = 0.5;

/** Scenario time: `SPEED` times the wall clock since the mode started. */
class ScenarioClock {
  private readonly realStart = performance.now();
  constructor(readonly start: number) {}
  now(): number {
    return this.start + (performance.now() - this.realStart) * SPEED;
  }
  /** Waits `ms` of scenario time. */
  sleep(ms: number): Promise<void> {
    return sleepReal(Math.max(0, ms) / SPEED);
  }
  /** Waits until scenario time `at`. */
  until(at: number): Promise<void> {
    return this.sleep(at - this.now());
  }
}

/** A small seeded generator (mulberry32), so every mode replays the same scenario. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type ChangeKind = 'created' | 'progressed' | 'ended';
interface Change {
  /** Scenario ms after the mode's start. */
  at: number;
  task: number;
  kind: ChangeKind;
  failed?: boolean;
}

/** The scenario: each task created, moved and ended, 75 to 150 s apart, all within the busy minutes. */
function scenario(): Change[] {
  const next = random(SEED);
  const gap = () => 75_000 + next() * 75_000;
  const changes: Change[] = [];
  for (let task = 0; task < TASKS; task++) {
    const created = 10_000 + next() * Math.max(0, BUSY_MINUTES * MINUTE - 310_000);
    const progressed = created + gap();
    const ended = progressed + gap();
    changes.push({ at: created, task, kind: 'created' });
    changes.push({ at: progressed, task, kind: 'progressed' });
    changes.push({ at: ended, task, kind: 'ended', failed: next() < 0.3 });
  }
  return changes.sort((a, b) => a.at - b.at);
}

type Mode = 'schedule' | 'adaptive' | 'adaptive+cloudtrail';

interface ModeResult {
  mode: Mode;
  latencies: Record<ChangeKind, number[]>;
  missing: number;
  extra: number;
  ec2PerMinute: { busy: number; idle: number };
  invocations: number;
  dropped: number;
  /** Scenario seconds the poller ran per busy minute. */
  busySecondsPerMinute: number;
  idleSecondsPerMinute: number;
  pollRealMs: number[];
}

async function runMode(
  mode: Mode,
  env: { config: PollerConfig; sim: Awaited<ReturnType<typeof startLocalEngines>>['ec2']; inbox: Inbox },
  deliver: () => Promise<unknown>,
  startAt: number,
): Promise<ModeResult & { endAt: number }> {
  const { sim, inbox } = env;
  const config: PollerConfig = { ...env.config, fastPollSeconds: mode === 'schedule' ? undefined : 15 };
  const clock = new ScenarioClock(startAt);
  const prefix = `import-ami-${mode === 'schedule' ? 's' : mode === 'adaptive' ? 'a' : 'c'}${Date.now().toString(16).slice(-6)}`;
  const taskId = (task: number) => `${prefix}${task.toString(16).padStart(9, '0')}`.slice(0, 27);
  const deps = pollerContainer(config, {
    dynamodb: new DynamoDBClient(sdkClientConfig()),
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'Bench' }),
    now: () => new Date(clock.now()),
    sleep: (ms) => clock.sleep(ms),
  });

  // Lambda with reserved concurrency 1: one invocation at a time, the others wait in its queue.
  const queue: { event: unknown; at: number }[] = [];
  let running: Promise<void> | undefined;
  let invocations = 0;
  let dropped = 0;
  const runs: { from: number; to: number }[] = [];
  /** Each poll's wall-clock duration: the work time compression does not shorten. */
  const pollRealMs: number[] = [];
  const invoke = (event: unknown) => {
    queue.push({ event, at: clock.now() });
    running ??= (async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (clock.now() - next.at > MAX_EVENT_AGE_MS) {
          dropped += 1;
          continue;
        }
        const startedAt = clock.now();
        invocations += 1;
        const report = await runAdaptivePoll(next.event, config, {
          ...deps,
          remainingMs: () => startedAt + FUNCTION_TIMEOUT_MS - clock.now(),
        });
        for (const poll of [report, ...report.fastPolls]) pollRealMs.push(poll.durationMs / SPEED);
        runs.push({ from: startedAt, to: clock.now() });
      }
      running = undefined;
    })();
  };

  const changes = scenario();
  const busyEnd = BUSY_MINUTES * MINUTE;
  const end = busyEnd + IDLE_MINUTES * MINUTE;
  const changedAt = new Map<string, number[]>();
  const received: { message: InboxMessage<TaskChangeEvent>; at: number }[] = [];
  let stopped = false;
  const loops = [
    // The schedule: every whole minute of scenario time.
    (async () => {
      for (let minute = 0; clock.start + minute * MINUTE < clock.start + end; minute++) {
        await clock.until(clock.start + minute * MINUTE);
        invoke({
          'detail-type': 'Scheduled Event',
          time: new Date(clock.start + minute * MINUTE).toISOString(),
        });
      }
    })(),
    // The tasks.
    (async () => {
      for (const change of changes) {
        await clock.until(clock.start + change.at);
        const id = taskId(change.task);
        if (change.kind === 'created') {
          sim.putTask(REGION, 'import-image', {
            ImportTaskId: id,
            Status: 'active',
            StatusMessage: 'pending',
            Progress: '2',
          });
          if (mode === 'adaptive+cloudtrail') {
            const event = {
              'detail-type': 'AWS API Call via CloudTrail',
              source: 'aws.ec2',
              account: config.account,
              region: REGION,
              detail: {
                eventSource: 'ec2.amazonaws.com',
                eventName: 'ImportImage',
                awsRegion: REGION,
                recipientAccountId: config.account,
              },
            };
            void clock.sleep(CLOUDTRAIL_DELAY_MS).then(() => invoke(event));
          }
        } else if (change.kind === 'progressed') {
          sim.updateTask(REGION, 'import-image', id, { StatusMessage: 'converting', Progress: '60' });
        } else {
          sim.updateTask(
            REGION,
            'import-image',
            id,
            change.failed
              ? {
                  Status: 'deleted',
                  StatusMessage: 'ClientError: Disk validation failed',
                  Progress: undefined,
                }
              : {
                  Status: 'completed',
                  StatusMessage: undefined,
                  Progress: undefined,
                  ImageId: 'ami-0fedcba9876543210',
                },
          );
        }
        changedAt.set(id, [...(changedAt.get(id) ?? []), clock.now() - clock.start]);
      }
    })(),
  ];
  // The stream read by the publisher, and the subscriber's queue.
  const readers = [
    (async () => {
      while (!stopped) {
        await deliver();
        await clock.sleep(STREAM_READ_MS);
      }
    })(),
    (async () => {
      while (!stopped) {
        for (const message of sortDeliveries(await inbox.drain()).taskChanges)
          received.push({ message, at: clock.now() - clock.start });
        await clock.sleep(INBOX_READ_MS);
      }
    })(),
  ];
  // EC2 calls of the busy and the idle part, from the simulator's log.
  sim.clearRequests();
  await clock.until(clock.start + busyEnd);
  const busyCalls = sim.requests.length;
  sim.clearRequests();
  await Promise.all(loops);
  await clock.until(clock.start + end);
  const idleCalls = sim.requests.length;
  while (running) await running;
  await sleepReal(1_500);
  stopped = true;
  await Promise.all(readers);
  for (const message of sortDeliveries(await inbox.drain()).taskChanges)
    received.push({ message, at: clock.now() - clock.start });

  // Each task's events in order, matched to its changes in order: one event per change.
  const latencies: Record<ChangeKind, number[]> = { created: [], progressed: [], ended: [] };
  let missing = 0;
  let extra = 0;
  const kinds: ChangeKind[] = ['created', 'progressed', 'ended'];
  for (const [id, times] of changedAt) {
    const events = received.filter(({ message }) => message.event.taskId === id);
    times.forEach((at, index) => {
      const event = events[index];
      if (!event) missing += 1;
      else latencies[kinds[index] as ChangeKind].push(event.at - at);
    });
    extra += Math.max(0, events.length - times.length);
  }
  const secondsIn = (from: number, to: number) =>
    runs.reduce(
      (sum, run) =>
        sum + Math.max(0, Math.min(run.to, clock.start + to) - Math.max(run.from, clock.start + from)),
      0,
    ) / 1000;
  return {
    endAt: clock.now(),
    mode,
    latencies,
    missing,
    extra,
    ec2PerMinute: { busy: busyCalls / BUSY_MINUTES, idle: idleCalls / IDLE_MINUTES },
    invocations,
    dropped,
    busySecondsPerMinute: secondsIn(0, busyEnd) / BUSY_MINUTES,
    idleSecondsPerMinute: secondsIn(busyEnd, end) / IDLE_MINUTES,
    pollRealMs,
  };
}

/** Nearest-rank percentile; undefined for no values. */
function percentile(values: readonly number[], p: number): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

/** Scenario ms as seconds with one decimal. */
const seconds = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms / 100) / 10);

function summary(result: ModeResult) {
  const all = Object.values(result.latencies).flat();
  const figures = (values: number[]) => ({
    n: values.length,
    medianS: seconds(percentile(values, 50)),
    p95S: seconds(percentile(values, 95)),
    maxS: seconds(percentile(values, 100)),
  });
  return {
    mode: result.mode,
    latency: figures(all),
    byChange: {
      created: figures(result.latencies.created),
      whileRunning: figures([...result.latencies.progressed, ...result.latencies.ended]),
    },
    eventsMissing: result.missing,
    eventsExtra: result.extra,
    ec2CallsPerMinute: result.ec2PerMinute,
    invocations: result.invocations,
    eventsDroppedByMaxEventAge: result.dropped,
    pollerSecondsPerMinute: {
      busy: Math.round(result.busySecondsPerMinute * 10) / 10,
      idle: Math.round(result.idleSecondsPerMinute * 10) / 10,
    },
    lambdaGbSecondsPerBusyMinute: Math.round(result.busySecondsPerMinute * MEMORY_GB * 10) / 10,
    pollRealMsMedian: Math.round(percentile(result.pollRealMs, 50) ?? 0),
  };
}

async function main(): Promise<void> {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const engines = await startLocalEngines();
  try {
    const deployment = await deployLocally(engines, { context: { regions: REGION }, name: 'bench-latency' });
    Object.assign(
      process.env,
      endpointEnvironment(engines),
      { AWS_REGION: REGION },
      deployment.pollerEnv,
      deployment.publisherEnv,
      // After the functions' variables, which set INFO: the publisher's log lines are not the output.
      { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    );
    const { queueUrl } = await subscribeQueue(engines, deployment.topicArn, 'bench-latency-inbox');
    const inbox = new Inbox(engines.endpoints.sqs, queueUrl);
    const handlers = loadHandlers();
    const delivery = streamDeliveryFor(deployment.tableName);
    const config = readPollerConfig(process.env);
    // The listings' first baseline, so that every mode starts from a recorded, idle deployment.
    await runAdaptivePoll(undefined, config, {
      ...pollerContainer(config, {
        dynamodb: new DynamoDBClient(sdkClientConfig()),
        logger: new Logger({ logLevel: 'SILENT' }),
        metrics: new Metrics({ namespace: 'Bench' }),
      }),
      remainingMs: () => FUNCTION_TIMEOUT_MS,
    });
    const results: ReturnType<typeof summary>[] = [];
    // Scenario time starts on a whole minute, as a rate(1 minute) schedule's times do, and each mode
    // starts where the previous one ended: the table never sees time go back.
    let startAt = Math.ceil(Date.now() / MINUTE) * MINUTE;
    for (const mode of ['schedule', 'adaptive', 'adaptive+cloudtrail'] as const) {
      const result = await runMode(
        mode,
        { config, sim: engines.ec2, inbox },
        () => delivery.deliver(handlers.publish),
        startAt,
      );
      startAt = Math.ceil(result.endAt / MINUTE) * MINUTE;
      results.push(summary(result));
      process.stderr.write(`${mode}: done\n`);
    }
    process.stdout.write(
      `${JSON.stringify(
        {
          scenario: {
            tasks: TASKS,
            changes: TASKS * 3,
            busyMinutes: BUSY_MINUTES,
            idleMinutes: IDLE_MINUTES,
            seed: SEED,
            taskTypes: config.taskTypes.length,
          },
          timeCompression: {
            speed: SPEED,
            note: 'figures in scenario time (wall clock x speed); processing counted speed times over',
          },
          cloudTrailDelaySeconds: CLOUDTRAIL_DELAY_MS / 1000,
          results,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await engines.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
