// Why: tests and the demo start and stop simulators all the time; close() must end every pooled
// connection (or jest hangs), and the CLI must print its URL and stop cleanly on a signal.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeBundleTasksCommand, DescribeImportImageTasksCommand } from '@aws-sdk/client-ec2';
import { startEc2Simulator } from '../../../devkit/ec2-simulator';
import { clientFor, numberedTask } from './fixtures';

const REPO_ROOT = path.join(__dirname, '../../..');
const CLI = path.join(REPO_ROOT, 'devkit/ec2-simulator/cli.ts');

interface CliRun {
  /** Resolves with the first line matching the pattern. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function runCli(args: string[]): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of [...waiters]) {
      const match = waiter.pattern.exec(stdout);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return {
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const match = pattern.exec(stdout);
        if (match) resolve(match);
        else waiters.push({ pattern, resolve });
        exited.then(
          () => reject(new Error(`CLI exited before printing ${pattern}: ${stdout}${stderr}`)),
          reject,
        );
      }),
    kill: (signal) => child.kill(signal),
    exited,
  };
}

describe('EC2 simulator: start and stop', () => {
  it('close() ends pooled keep-alive connections and is safe to call twice', async () => {
    // Prepare: an SDK client that keeps its socket open after the call
    const sim = await startEc2Simulator();
    const ec2 = clientFor(sim);
    sim.putTask('us-east-1', 'bundle', numberedTask('bundle', 1));
    await ec2.send(new DescribeBundleTasksCommand({}));
    const url = sim.url;
    // Act
    const started = Date.now();
    await sim.close();
    await sim.close();
    const closedIn = Date.now() - started;
    // Assess
    expect(closedIn).toBeLessThan(1000);
    await expect(fetch(url)).rejects.toThrow();
    ec2.destroy();
  });

  it('startTicking() advances the scenario on a timer and close() stops it', async () => {
    // Prepare
    const sim = await startEc2Simulator();
    sim.loadScenario({
      tasks: [
        {
          region: 'us-east-1',
          taskType: 'bundle',
          steps: [
            { BundleId: 'bun-00000001', State: 'pending' },
            { State: 'bundling' },
            { State: 'complete' },
          ],
        },
      ],
    });
    const ticks: number[] = [];
    // Act
    sim.startTicking(20, { onTick: (tick) => ticks.push(tick) });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await sim.close();
    const count = ticks.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    // Assess
    expect(ticks.slice(0, 2)).toEqual([1, 2]);
    expect(ticks).toHaveLength(count);
    expect(sim.listTasks()[0]?.task.State).toBe('complete');
  });

  it('the CLI prints its URL, serves the demo scenario and stops cleanly on SIGTERM', async () => {
    // Prepare
    const cli = runCli(['--port', '0', '--scenario', 'demo', '--tick-seconds', '0']);
    const [, url] = await cli.waitFor(/EC2 simulator listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const ec2 = clientFor({ url: url as string });
    // Act
    const images = await ec2.send(new DescribeImportImageTasksCommand({}));
    const ticked = await fetch(`${url}/_simulator/tick`, { method: 'POST' }).then((response) =>
      response.json(),
    );
    ec2.destroy();
    cli.kill('SIGTERM');
    const { code, stdout } = await cli.exited;
    // Assess
    expect(images.ImportImageTasks?.map((task) => [task.ImportTaskId, task.StatusMessage])).toEqual([
      ['import-ami-0e2c2d8f7a1b3c4d5', 'pending'],
    ]);
    expect(ticked).toEqual({ tick: 1, finished: false });
    expect(code).toBe(0);
    expect(stdout).toContain(`AWS_ENDPOINT_URL_EC2=${url}`);
    expect(stdout).toContain('stopped (SIGTERM)');
  }, 30_000);

  it('the CLI names the bad field of a scenario file and exits 1; a bad option exits 2 with the usage', async () => {
    // Prepare
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ec2-sim-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ tasks: [{ region: 'us-east-1', taskType: 'bundle', steps: [{ State: 'x' }] }] }),
    );
    try {
      // Act
      const badScenario = await runCli(['--port', '0', '--scenario', file]).exited;
      const badOption = await runCli(['--port', 'eighty']).exited;
      // Assess
      expect(badScenario.code).toBe(1);
      expect(badScenario.stderr).toContain(
        `Invalid scenario: tasks[0].steps[0].BundleId: the first step must set the task's id (BundleId) (in ${file})`,
      );
      expect(badOption.code).toBe(2);
      expect(badOption.stderr).toContain('--port: expected 0–65535, got eighty');
      expect(badOption.stderr).toContain('Usage: node --import tsx devkit/ec2-simulator/cli.ts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
