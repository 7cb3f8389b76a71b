// Measures the completion estimator's error on a replayed history: the simulator plays the
// eta-replay scenario (one tick read as one minute), the product's task lister reads each listing
// every tick as the poller would, and each task's anchor and estimate follow
// lambdas/domain/completion-estimate.ts. Each estimate is compared with the tick the task was
// first listed finished. Two sets are measured: every poll (what the estimator gives on any
// observation) and only the polls that record a change with the default progress step of 25 (the
// estimates events and `status` carry). Not a test: it prints figures.
//   npm run bench:eta (node --import tsx test/bench/eta.ts) [--scenario <file>]
import { EC2Client } from '@aws-sdk/client-ec2';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario, startEc2Simulator } from '../../devkit/ec2-simulator';
import { LOCAL_CREDENTIALS } from '../../devkit/engines/engines';
import { listTasks } from '../../lambdas/adapters/task-lister';
import { progressBucket } from '../../lambdas/domain/changes';
import {
  anchorAfter,
  estimateCompletion,
  type ProgressObservation,
} from '../../lambdas/domain/completion-estimate';
import { isTerminal } from '../../lambdas/domain/phase';
import type { TaskStatus, TaskTypeName } from '../../lambdas/domain/task';
import { taskTypeDescriptor } from '../../lambdas/task-types';

const SCENARIO = process.argv.includes('--scenario')
  ? (process.argv[process.argv.indexOf('--scenario') + 1] as string)
  : join(__dirname, '../../devkit/ec2-simulator/scenarios/eta-replay.json');
const MINUTE = 60_000;
const START = Date.parse('2026-12-02T08:00:00.000Z');
const PROGRESS_STEP = 25;

/** One estimate given at a poll: when it was made, what it said, and whether an event carried it. */
interface Estimate {
  taskId: string;
  taskType: TaskTypeName;
  at: number;
  eta: number;
  recorded: boolean;
}

interface Followed {
  taskType: TaskTypeName;
  anchor?: ProgressObservation;
  last?: TaskStatus;
  /** The status the poller last wrote (a change or the discovery). */
  written?: TaskStatus;
  doneAt?: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

function isRecorded(written: TaskStatus | undefined, status: TaskStatus): boolean {
  return (
    !written ||
    written.phase !== status.phase ||
    written.state !== status.state ||
    written.statusMessage !== status.statusMessage ||
    progressBucket(written.progress, PROGRESS_STEP) !== progressBucket(status.progress, PROGRESS_STEP)
  );
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const scenario = parseScenario(JSON.parse(readFileSync(SCENARIO, 'utf8')));
  const sim = await startEc2Simulator({ host: '127.0.0.1', port: 0 });
  const regions = [...new Set(scenario.tasks.map((task) => task.region))];
  const types = [...new Set(scenario.tasks.map((task) => task.taskType as TaskTypeName))];
  const clients = new Map(
    regions.map((region) => [
      region,
      new EC2Client({ region, endpoint: sim.url, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 }),
    ]),
  );
  const followed = new Map<string, Followed>();
  const estimates: Estimate[] = [];
  try {
    sim.loadScenario(scenario);
    // Every tick is listed, the one that finishes the scenario included.
    for (let tick = 0; ; tick++) {
      const now = new Date(START + tick * MINUTE);
      for (const region of regions) {
        for (const taskType of types) {
          const listing = await listTasks(
            taskTypeDescriptor(taskType),
            clients.get(region) as EC2Client,
            { region, account: '000000000000' },
            10_000,
          );
          for (const task of listing.tasks) {
            const key = `${region}/${task.taskId}`;
            const state = followed.get(key) ?? { taskType };
            followed.set(key, state);
            if (state.doneAt !== undefined) continue;
            if (isTerminal(task.phase)) {
              state.doneAt = now.getTime();
              continue;
            }
            // The poller keeps the last known progress when EC2 leaves it out.
            const status: TaskStatus = { ...task, progress: task.progress ?? state.last?.progress ?? null };
            state.anchor = anchorAfter(state.anchor, state.last, status, now);
            const eta = estimateCompletion(state.anchor, {
              at: now,
              progress: status.progress,
              phase: status.phase,
            });
            const recorded = isRecorded(state.written, status);
            if (recorded) state.written = status;
            state.last = status;
            if (eta !== undefined) {
              estimates.push({
                taskId: task.taskId,
                taskType,
                at: now.getTime(),
                eta: Date.parse(eta),
                recorded,
              });
            }
          }
        }
      }
      if (sim.scenarioFinished) break;
      sim.tick();
    }
  } finally {
    clients.forEach((client) => client.destroy());
    await sim.close();
  }

  const report = (label: string, chosen: readonly Estimate[]) => {
    const minutes: number[] = [];
    const shares: number[] = [];
    for (const estimate of chosen) {
      const doneAt = followed.get(
        [...followed.keys()].find((key) => key.endsWith(`/${estimate.taskId}`)) as string,
      )?.doneAt;
      if (doneAt === undefined) continue;
      const error = Math.abs(estimate.eta - doneAt) / MINUTE;
      minutes.push(error);
      shares.push(error / Math.max(1, (doneAt - estimate.at) / MINUTE));
    }
    minutes.sort((a, b) => a - b);
    shares.sort((a, b) => a - b);
    const pct = (value: number) => `${Math.round(value * 100)} %`;
    console.log(
      `${label.padEnd(34)} ${String(minutes.length).padStart(5)}  ${quantile(minutes, 0.5).toFixed(1).padStart(6)} min  ${quantile(minutes, 0.9).toFixed(1).padStart(6)} min  ${pct(quantile(shares, 0.5)).padStart(6)}  ${pct(quantile(shares, 0.9)).padStart(6)}`,
    );
  };
  const finished = [...followed.values()].filter((task) => task.doneAt !== undefined).length;
  console.log(`Scenario: ${SCENARIO} (${followed.size} tasks, ${finished} finished), one tick = one minute`);
  console.log(
    `${'estimates'.padEnd(34)} count  median abs error   p90 abs error  median   p90 (share of time left)`,
  );
  report('every poll', estimates);
  report(
    `recorded changes (step ${PROGRESS_STEP})`,
    estimates.filter((estimate) => estimate.recorded),
  );
  for (const type of types)
    report(
      `  every poll, ${type}`,
      estimates.filter((estimate) => estimate.taskType === type),
    );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
