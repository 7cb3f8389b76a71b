// The command line as a user runs it: `node bin/ec2-task-monitor.mjs ...` in a child process,
// configured only through the environment the stack gives the functions plus the SDK's endpoint
// variables, against this file's deployment on the engines.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createHarness, type Harness } from './support/harness';
import { sorted, tuples } from './support/events';

jest.setTimeout(60_000);

const REGION = 'us-east-1';
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const LAUNCHER = path.join(REPO_ROOT, 'bin', 'ec2-task-monitor.mjs');
const RUNNING = 'import-ami-0e00000000000run1';
const FINISHED = 'import-ami-0e0000000000done1';

let harness: Harness;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a user would export: the SDK's endpoints and credentials, and the functions' variables. */
function userEnvironment(): Record<string, string> {
  const passed = [
    'PATH',
    'HOME',
    'TMPDIR',
    'AWS_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_ENDPOINT_URL_DYNAMODB',
    'AWS_ENDPOINT_URL_DYNAMODB_STREAMS',
    'AWS_ENDPOINT_URL_SNS',
    'AWS_ENDPOINT_URL_SQS',
    'AWS_ENDPOINT_URL_EC2',
  ];
  const environment: Record<string, string> = {};
  for (const name of passed) {
    const value = process.env[name];
    if (value !== undefined) environment[name] = value;
  }
  // The functions' settings, not their Lambda-only tuning (log level, NODE_OPTIONS): what the
  // local mode's .local/ec2-task-monitor.env gives a user.
  const settings = Object.entries({
    ...harness.deployment.pollerEnv,
    ...harness.deployment.publisherEnv,
  }).filter(([name]) => !name.startsWith('POWERTOOLS_') && name !== 'NODE_OPTIONS');
  return { ...environment, ...Object.fromEntries(settings) };
}

/** Runs the CLI in a child process and waits for it to exit. */
function cli(args: string[], env: Record<string, string | undefined> = userEnvironment()): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAUNCHER, ...args], {
      cwd: REPO_ROOT,
      env: Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  harness = await createHarness({ context: { regions: REGION, taskTypes: 'import-image,mac-modification' } });
});
afterAll(() => harness?.close());

it('poll --once: exit 0 and a summary line when every listing is polled and every change delivered', async () => {
  // Prepare: the monitor's first poll finds one running and one finished import.
  harness.sim.putTask(REGION, 'import-image', {
    ImportTaskId: RUNNING,
    Status: 'active',
    StatusMessage: 'converting',
    Progress: '30',
  });
  harness.sim.putTask(REGION, 'import-image', { ImportTaskId: FINISHED, Status: 'completed' });

  // Act
  const run = await cli(['poll', '--once']);

  // Assess
  expect(run).toEqual({ code: 0, stdout: expect.any(String), stderr: '' });
  expect(run.stdout).toMatch(
    /^Polled 2 listings in \d+ ms: 1 changes recorded, \d+ stream records delivered, 0 failures\.\n$/,
  );
  expect(tuples(await harness.inbox.drain())).toEqual([[RUNNING, 'TaskDiscovered', 'running']]);
});

it('poll --once: exit 1 and one line per failed listing on stderr; the rest is still polled and delivered', async () => {
  // Prepare
  harness.sim.injectFault({ api: 'DescribeMacModificationTasks', code: 'UnauthorizedOperation' });
  harness.sim.updateTask(REGION, 'import-image', RUNNING, {
    Status: 'completed',
    StatusMessage: null,
    Progress: null,
  });

  // Act
  const run = await cli(['poll', '--once']);
  harness.sim.clearFaults();

  // Assess
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(
    /^Polled 2 listings in \d+ ms: 1 changes recorded, \d+ stream records delivered, 1 failures\.\n$/,
  );
  // stderr has exactly one line per failure (the functions' JSON logs are off on a terminal).
  expect(run.stderr.endsWith('\n')).toBe(true);
  expect(run.stderr.slice(0, -1).split('\n')).toEqual([
    expect.stringMatching(
      /^mac-modification in us-east-1: UnauthorizedOperation: You are not authorized to perform this operation\..*ec2:DescribeMacModificationTasks/,
    ),
  ]);
  // This second process re-reads the stream from its start, yet publishes only the new change.
  expect(tuples(await harness.inbox.drain())).toEqual([[RUNNING, 'TaskStateChanged', 'succeeded']]);
});

it('poll --once: exit 2 naming the variable when the configuration is missing or wrong, before any EC2 call', async () => {
  // Prepare
  harness.sim.clearRequests();
  const env = userEnvironment();

  // Act
  const [noRegions, badTaskType] = await Promise.all([
    cli(['poll', '--once'], { ...env, REGIONS: undefined }),
    cli(['poll', '--once'], { ...env, TASK_TYPES: 'import-image,import-images' }),
  ]);

  // Assess
  expect(noRegions).toEqual({ code: 2, stdout: '', stderr: 'ec2-task-monitor: REGIONS is not set\n' });
  expect(badTaskType.code).toBe(2);
  expect(badTaskType.stdout).toBe('');
  expect(badTaskType.stderr).toMatch(
    /^ec2-task-monitor: TASK_TYPES: unknown task type "import-images"; allowed: /,
  );
  expect(badTaskType.stderr.split('\n')).toHaveLength(2);
  expect(harness.sim.requests).toEqual([]);
});

it('status --json lists the recorded tasks', async () => {
  const run = await cli(['status', '--json']);

  expect(run.code).toBe(0);
  expect(run.stderr).toBe('');
  const tasks = JSON.parse(run.stdout) as Array<{ task: { taskId: string; phase: string }; gone: boolean }>;
  expect(sorted(tasks.map(({ task, gone }) => [task.taskId, task.phase, gone]))).toEqual(
    sorted([
      [FINISHED, 'succeeded', false],
      [RUNNING, 'succeeded', false],
    ]),
  );
});

it('history <taskId> prints the timeline oldest first', async () => {
  const run = await cli(['history', RUNNING]);

  expect(run.code).toBe(0);
  expect(run.stderr).toBe('');
  const lines = run.stdout.trimEnd().split('\n');
  expect(lines[0]?.split(/\s{2,}/)).toEqual([
    'TASK',
    'VERSION',
    'DETECTED',
    'CHANGE',
    'FROM',
    'TO',
    'MESSAGE',
    'PUBLISHED',
  ]);
  expect(lines.slice(1).map((line) => line.split(/\s{2,}/))).toEqual([
    [
      RUNNING,
      '1',
      expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      'TaskDiscovered',
      '-',
      'running/active',
      'converting',
      'yes',
    ],
    [
      RUNNING,
      '2',
      expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      'TaskStateChanged',
      'running/active',
      'succeeded/completed',
      'yes',
    ],
  ]);
});

it('--help of each command exits 0 with its usage', async () => {
  const commands = ['poll', 'status', 'history', 'redrive', 'local'];

  const runs = await Promise.all(commands.map((command) => cli([command, '--help'])));

  expect(
    runs.map((run, index) => [
      run.code,
      run.stderr,
      run.stdout.split('\n')[0]?.startsWith(`Usage: ec2-task-monitor ${commands[index]}`),
    ]),
  ).toEqual(commands.map(() => [0, '', true]));
});
