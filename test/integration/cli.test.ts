// The command line as a user runs it: `node bin/ec2-task-monitor.mjs ...` in a child process,
// configured only through the environment the stack gives the functions plus the SDK's endpoint
// variables, against this file's deployment on the engines.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { freePort } from '../../devkit/engines/engines';
import { onlyTaskChanges } from '../../devkit/engines/inbox';
import { CoverageStore } from '../../lambdas/adapters/coverage-store';
import { SnapshotStore } from '../../lambdas/adapters/snapshot-store';
import { sdkClientConfig } from '../../lambdas/shared/sdk-clients';
import { COVERAGE_PARTITION_KEY, coverageSortKey, TABLE_LAYOUT } from '../../lambdas/shared/table-layout';
import { anEvent } from '../support/stream-records';
import { aTask } from '../support/tasks';
import {
  type StackStandIn,
  stackStandInEnvironment,
  startStackStandIn,
} from '../../devkit/stand-ins/stack-stand-in';
import { functionSettings, LAUNCHER, REPO_ROOT, type Run, runCli, sdkEnvironment } from './support/cli';
import { createHarness, type Harness } from './support/harness';
import { sorted, tuples } from './support/events';

const REGION = 'us-east-1';
const RUNNING = 'import-ami-0e00000000000run1';
const FINISHED = 'import-ami-0e0000000000done1';

let harness: Harness;

/** The environment a user would export: the SDK's endpoints and credentials, and the functions' variables. */
function userEnvironment(): Record<string, string> {
  return {
    ...sdkEnvironment(),
    ...functionSettings(harness.deployment.pollerEnv, harness.deployment.publisherEnv),
  };
}

/** Runs the CLI in a child process and waits for it to exit. */
function cli(args: string[], env: Record<string, string | undefined> = userEnvironment()): Promise<Run> {
  return runCli(args, env);
}

let stackApis: StackStandIn;

beforeAll(async () => {
  harness = await createHarness({ context: { regions: REGION, taskTypes: 'import-image,mac-modification' } });
  // The deployment as CloudFormation and Lambda describe it, for --stack-name.
  stackApis = await startStackStandIn();
  stackApis.putStack({
    name: 'Ec2TaskMonitor',
    outputs: harness.deployment.outputs,
    functions: { [harness.deployment.functionNames.poller]: harness.deployment.pollerEnv },
  });
});
afterAll(async () => {
  await stackApis?.stop();
  await harness?.close();
});

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
    /^Polled 2 listings in \d+ ms: 1 change recorded, \d+ stream records? delivered, 0 failures\.\n$/,
  );
  expect(tuples(onlyTaskChanges(await harness.inbox.drain()))).toEqual([
    [RUNNING, 'TaskDiscovered', 'running'],
  ]);
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
    /^Polled 2 listings in \d+ ms: 1 change recorded, \d+ stream records? delivered, 1 failure\.\n$/,
  );
  // stderr has exactly one line per failure (the functions' JSON logs are off on a terminal).
  expect(run.stderr.endsWith('\n')).toBe(true);
  expect(run.stderr.slice(0, -1).split('\n')).toEqual([
    expect.stringMatching(
      /^mac-modification in us-east-1: UnauthorizedOperation: You are not authorized to perform this operation\..*ec2:DescribeMacModificationTasks/,
    ),
  ]);
  // This second process re-reads the stream from its start, yet publishes only the new change.
  expect(tuples(onlyTaskChanges(await harness.inbox.drain()))).toEqual([
    [RUNNING, 'TaskStateChanged', 'succeeded'],
  ]);
});

it('poll --once: exit 2 naming every missing variable, or the wrong one, before any EC2 call', async () => {
  // Prepare
  harness.sim.clearRequests();
  const env = userEnvironment();

  // Act
  const [noRegions, noneAtAll, everyOne, badTaskType] = await Promise.all([
    cli(['poll', '--once'], { ...env, REGIONS: undefined }),
    cli(['poll', '--once'], { ...env, TABLE_NAME: undefined, REGIONS: undefined, ACCOUNT_ID: undefined }),
    cli(['poll', '--once'], { PATH: env.PATH, HOME: env.HOME }),
    cli(['poll', '--once'], { ...env, TASK_TYPES: 'import-image,import-images' }),
  ]);

  // Assess: all missing variables in one line, and where to find them (behaviour changed by issue 10).
  const where =
    "take TABLE_NAME and TOPIC_ARN from the stack's outputs (aws cloudformation describe-stacks --stack-name Ec2TaskMonitor), the others from its poller's environment (aws lambda get-function-configuration --function-name <its PollerFunctionName output>), or for the local mode source .local/ec2-task-monitor.env";
  expect(noRegions).toEqual({
    code: 2,
    stdout: '',
    stderr: `ec2-task-monitor: REGIONS is not set: ${where}\n`,
  });
  expect(noneAtAll).toEqual({
    code: 2,
    stdout: '',
    stderr: `ec2-task-monitor: TABLE_NAME, REGIONS and ACCOUNT_ID are not set: ${where}\n`,
  });
  // Every variable the poller and publisher read, named at once (fixed after review finding B3).
  expect(everyOne).toEqual({
    code: 2,
    stdout: '',
    stderr: `ec2-task-monitor: TABLE_NAME, TOPIC_ARN, REGIONS, TASK_TYPES, ACCOUNT_ID, PROGRESS_STEP, RETENTION_DAYS, DISAPPEAR_AFTER_MISSES, QUOTA_WARNING_SHARE, POLL_INTERVAL_SECONDS, FAST_POLL_SECONDS and STALL_AFTER are not set: ${where}\n`,
  });
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

it('redrive --dry-run with nothing to redrive says so', async () => {
  const run = await cli(['redrive', '--dry-run']);

  expect(run).toEqual({
    code: 0,
    stdout: 'Nothing to redrive: every recorded change was published.\n',
    stderr: '',
  });
});

describe('status finds the deployed stack', () => {
  /** A user's environment with no variable of the monitor: only credentials, Region and endpoints. */
  function bareEnvironment(): Record<string, string | undefined> {
    const env = userEnvironment();
    for (const name of Object.keys(env))
      if (/^[A-Z_]+$/.test(name) && !/^(AWS_|PATH$|HOME$|TMPDIR$)/.test(name)) delete env[name];
    return { ...env, ...stackStandInEnvironment(stackApis) };
  }

  it('reads the table and the settings from the stack when no variable is set', async () => {
    const run = await cli(['status', '--json', '--stack-name', 'Ec2TaskMonitor'], bareEnvironment());

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const tasks = JSON.parse(run.stdout) as Array<{ task: { taskId: string } }>;
    expect(sorted(tasks.map(({ task }) => [task.taskId]))).toEqual(sorted([[FINISHED], [RUNNING]]));
  });

  it('lets the environment win over the stack', async () => {
    const run = await cli(['status', '--json'], { ...bareEnvironment(), TASK_TYPES: 'mac-modification' });

    expect(run).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it('says which stack it did not find, and where, in one line', async () => {
    const run = await cli(
      ['history', RUNNING, '--stack-name', 'Other', '--region', 'eu-west-3'],
      bareEnvironment(),
    );

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^ec2-task-monitor: TABLE_NAME is not set and stack Other was not found in eu-west-3: pass --stack-name, --region or --profile, .*\n$/,
    );
    expect(run.stderr.split('\n')).toHaveLength(2);
  });
});

describe('usage mistakes: exit 2, one line, no stack trace', () => {
  it.each([
    [['poll', '--interval', '-1'], '--interval must be a positive number, got "-1"'],
    [['poll', '--once', '--timeout', '-3'], '--timeout must be a positive number, got "-3"'],
    [
      ['poll', '--once', '--timeout', '2'],
      '--timeout must be at least 3 seconds (the poll keeps 2 s for its writes and report), got "2"',
    ],
    [['status', '--json=yes'], '--json takes no value, got --json=yes'],
    [['local', '--scenario'], '--scenario needs a value: --scenario <file>'],
    [['history', 'a', 'b'], 'history takes one argument, <taskId>; got 2: a b'],
    [
      ['status', '--once'],
      '--once is not an option of status (it belongs to poll); status takes --help, --json, --account <id>, --stack-name <name>, --region <region>, --profile <profile>, --no-color',
    ],
    [
      ['status', '--bogus'],
      'unknown option --bogus for status; it takes --help, --json, --account <id>, --stack-name <name>, --region <region>, --profile <profile>, --no-color',
    ],
  ])('%j', async (args, message) => {
    const run = await cli(args);

    expect(run).toEqual({ code: 2, stdout: '', stderr: `ec2-task-monitor: ${message}\n` });
  });
});

it('--help loads the compiled command only: no TypeScript, no AWS SDK, no CDK', async () => {
  // Prepare: a preload that records every module the CommonJS loader is asked for.
  const directory = mkdtempSync(path.join(tmpdir(), 'cli-load-'));
  const hook = path.join(directory, 'record.js');
  const record = path.join(directory, 'loaded.json');
  writeFileSync(
    hook,
    `const Module = require('node:module'); const fs = require('node:fs'); const loaded = [];
     const load = Module._load; Module._load = function (request, ...rest) { loaded.push(request); return load.call(this, request, ...rest); };
     process.on('exit', () => fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify(loaded)));`,
  );

  // Act
  const run = await runCli(['status', '--help'], process.env, ['--require', hook]);
  const loaded = JSON.parse(readFileSync(record, 'utf8')) as string[];
  rmSync(directory, { recursive: true, force: true });

  // Assess
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^Usage: ec2-task-monitor status/);
  expect(loaded).toContain(path.join(REPO_ROOT, 'dist', 'cli', 'ec2-task-monitor.js'));
  expect(loaded.filter((request) => /^(@aws-sdk|aws-cdk-lib|tsx|typescript)|\.ts$/.test(request))).toEqual(
    [],
  );
});

it('a refused connection to the local engines says to restart or re-source, in one line', async () => {
  const port = await freePort();

  const run = await cli(['status'], {
    ...userEnvironment(),
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
  });

  expect(run).toEqual({
    code: 2,
    stdout: '',
    stderr: `ec2-task-monitor: nothing answers at 127.0.0.1:${port} (connection refused): is \`npm start\` running? Each run picks new ports: source .local/ec2-task-monitor.env again (or the file \`npm start\` named)\n`,
  });
});

describe('local', () => {
  it('without Java says Java 17 is needed, in one line', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'no-java-'));

    const run = await cli(['local', '--cycles', '1'], { ...userEnvironment(), PATH: empty });
    rmSync(empty, { recursive: true, force: true });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^ec2-task-monitor: Java 17 is needed for DynamoDB Local: install a JDK 17 .*\n$/,
    );
    expect(run.stderr.split('\n')).toHaveLength(2);
  });

  it('refuses a port that is already in use', async () => {
    const port = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));

    const run = await cli(['local', '--cycles', '1', '--sns-port', String(port)]);
    await new Promise<void>((resolve) => holder.close(() => resolve()));

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `ec2-task-monitor: port ${port} for the SNS/SQS emulator is already in use on 127.0.0.1: choose another port, or leave the option out for a free one\n`,
    );
  });

  it('two runs each write their own env file and remove only theirs; nothing about CDK feature flags', async () => {
    // Prepare: a first run that goes on until it is stopped.
    const envFileOf = (stdout: string) => /source (\S+)/.exec(stdout)?.[1];
    // A long pause: after its first cycle it waits (Ctrl-C ends the wait), leaving the cores to the second run.
    // Both single-account: the env files are the point, and the organization's first cycle (four
    // accounts' units) is more work on a 2-core machine (test/integration/local-organization.test.ts runs it).
    const first = spawn(
      process.execPath,
      [LAUNCHER, 'local', '--single-account', '--interval', '60', '--no-color'],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let firstOut = '';
    let firstErr = '';
    first.stderr.on('data', (chunk: Buffer) => (firstErr += chunk.toString()));
    const firstExit = new Promise<number | null>((resolve) => first.once('close', resolve));
    const firstFile = await new Promise<string>((resolve, reject) => {
      first.stdout.on('data', (chunk: Buffer) => {
        firstOut += chunk.toString();
        const file = envFileOf(firstOut);
        if (file) resolve(path.resolve(REPO_ROOT, file));
      });
      first.once('close', () => reject(new Error(`the first run ended early:\n${firstOut}${firstErr}`)));
    });

    try {
      // Act: a second run from start to end while the first runs.
      const second = await cli(
        ['local', '--single-account', '--cycles', '1', '--interval', '0.1', '--no-color'],
        {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
        },
      );
      const secondFile = path.resolve(REPO_ROOT, envFileOf(second.stdout) ?? '');

      // Assess
      expect(second.code).toBe(0);
      expect(second.stderr).toBe('');
      expect(secondFile).not.toBe(firstFile);
      expect(existsSync(secondFile)).toBe(false);
      expect(existsSync(firstFile)).toBe(true);
      expect(readFileSync(firstFile, 'utf8')).toContain(
        `# Written by ec2-task-monitor local (pid ${first.pid})`,
      );
      expect(`${firstOut}${second.stdout}`).not.toMatch(/feature flag/i);
    } finally {
      first.kill('SIGINT');
    }
    expect(await firstExit).toBe(0);
    expect(existsSync(firstFile)).toBe(false);
    expect(firstErr).toBe('');
    expect(firstOut).not.toMatch(/feature flag/i);
    // Two full local runs on a 2-core machine: more than the usual 60 s when CI is busy.
  }, 150_000);
});

describe('organization mode: status and history read every watched account', () => {
  // Two member accounts as the worker leaves them: a coverage item each, and a task each under
  // that account's keys. The file's own deployment polls its own account (ACCOUNT_ID).
  const MEMBERS = ['111111111111', '222222222222'];
  const taskOf = (account: string) => `import-ami-0c0000${account.slice(0, 4)}memb`;
  let client: DynamoDBClient;

  beforeAll(async () => {
    client = new DynamoDBClient({ ...sdkClientConfig(), region: REGION });
    const { tableName } = harness.deployment;
    const writtenAt = new Date().toISOString();
    for (const account of MEMBERS) {
      await new CoverageStore(client, tableName).put({ account, regions: [REGION], writtenAt }, undefined);
      const task = aTask({ account, region: REGION, taskId: taskOf(account) });
      await new SnapshotStore(client, tableName, account).recordChange(
        { task, gone: false, expectedVersion: 0, expiresAt: undefined, writtenAt, listedAt: writtenAt },
        anEvent(1, task),
        Math.floor(Date.now() / 1000) + 86_400,
      );
    }
  });
  afterAll(async () => {
    // Without coverage items the table reads as self mode again.
    for (const account of MEMBERS) {
      await client.send(
        new DeleteItemCommand({
          TableName: harness.deployment.tableName,
          Key: marshall({
            [TABLE_LAYOUT.partitionKey]: COVERAGE_PARTITION_KEY,
            [TABLE_LAYOUT.sortKey]: coverageSortKey(account),
          }),
        }),
      );
    }
    client.destroy();
  });

  it('status lists the tasks of every account with a coverage item, with an ACCOUNT column', async () => {
    const json = await cli(['status', '--json']);
    const table = await cli(['status', '--no-color']);

    expect(json.code).toBe(0);
    const tasks = JSON.parse(json.stdout) as Array<{ task: { account: string; taskId: string } }>;
    expect(sorted(tasks.map(({ task }) => [task.account, task.taskId]))).toEqual(
      sorted(MEMBERS.map((account) => [account, taskOf(account)])),
    );
    expect(table.stdout.split('\n')[0]).toMatch(/^ACCOUNT\s+TYPE\s+TASK ID/);
  });

  it('--account keeps one account, for status and history', async () => {
    const [member, other] = MEMBERS as [string, string];
    const status = await cli(['status', '--json', '--account', member]);
    const found = await cli(['history', taskOf(member), '--json', '--account', member]);
    const elsewhere = await cli(['history', taskOf(other), '--account', member]);

    expect(
      (JSON.parse(status.stdout) as Array<{ task: { taskId: string } }>).map(({ task }) => task.taskId),
    ).toEqual([taskOf(member)]);
    expect(found.code).toBe(0);
    expect(
      (JSON.parse(found.stdout) as Array<{ event: { account: string } }>).map(({ event }) => event.account),
    ).toEqual([member]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stdout).toBe(`No recorded changes for task ${taskOf(other)} in ${REGION}.\n`);
  });

  it('--account that is not an account id: exit 2 and one line naming it', async () => {
    const run = await cli(['status', '--account', '1234']);

    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('--account: "1234" is not an account id (12 digits)');
  });
});
