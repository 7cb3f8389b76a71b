// The command line as a user runs it: `node bin/ec2-task-monitor.mjs ...` in a child process, with
// only the environment given (the SDK's endpoints and credentials, the functions' variables).
import { spawn } from 'node:child_process';
import path from 'node:path';

/** The repository's root, where the command runs. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** The command's launcher, as `npx ec2-task-monitor` runs it. */
export const LAUNCHER = path.join(REPO_ROOT, 'bin', 'ec2-task-monitor.mjs');

/** How a run of the command ended. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in a child process with exactly `env` (undefined values left out) and waits for it to exit.
 * @param nodeArguments Node's own arguments before the launcher (a `--require` preload, say); none by default
 */
export function runCli(
  args: readonly string[],
  env: Record<string, string | undefined>,
  nodeArguments: readonly string[] = [],
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArguments, LAUNCHER, ...args], {
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

/** The SDK's variables a user's shell passes on: where the engines are, the Region, the credentials. */
export function sdkEnvironment(): Record<string, string> {
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
  return environment;
}

/**
 * The functions' settings, not their Lambda-only tuning (log level, NODE_OPTIONS): what the local
 * mode's .local/ec2-task-monitor.env gives a user.
 */
export function functionSettings(...environments: Array<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    environments
      .flatMap((environment) => Object.entries(environment))
      .filter(([name]) => !name.startsWith('POWERTOOLS_') && name !== 'NODE_OPTIONS'),
  );
}
