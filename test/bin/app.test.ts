// The app entry point: stack name and environment, settings read from context, and a bad
// setting reported as one clear line with exit code 1 when run the way `cdk synth` runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp, FALLBACK_REGION, STACK_NAME } from '../../bin/monitor-app';
import { SettingsError } from '../../lib/settings';

const NO_STAGING = { 'aws:cdk:disable-asset-staging': true };
const REPO_ROOT = path.resolve(__dirname, '../..');

describe('buildApp', () => {
  const saved = { region: process.env.CDK_DEFAULT_REGION, account: process.env.CDK_DEFAULT_ACCOUNT };

  afterEach(() => {
    for (const [key, value] of [
      ['CDK_DEFAULT_REGION', saved.region],
      ['CDK_DEFAULT_ACCOUNT', saved.account],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('builds the Ec2TaskMonitor stack in us-east-1 when no Region is known (offline synth)', () => {
    delete process.env.CDK_DEFAULT_REGION;
    delete process.env.CDK_DEFAULT_ACCOUNT;

    const { stack } = buildApp(NO_STAGING);

    expect(stack.stackName).toBe(STACK_NAME);
    expect(stack.region).toBe(FALLBACK_REGION);
    expect(Token.isUnresolved(stack.account)).toBe(true);
  });

  it('uses the CLI environment and reads the settings from context', () => {
    process.env.CDK_DEFAULT_REGION = 'eu-north-1';
    process.env.CDK_DEFAULT_ACCOUNT = '210987654321';

    const { stack } = buildApp({ ...NO_STAGING, taskTypes: 'bundle' });

    expect(stack.region).toBe('eu-north-1');
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          REGIONS: 'eu-north-1',
          TASK_TYPES: 'bundle',
          ACCOUNT_ID: '210987654321',
        }),
      },
    });
  });

  it('throws a SettingsError for a bad setting', () => {
    expect(() => buildApp({ ...NO_STAGING, regions: 'mars-1' })).toThrow(SettingsError);
  });
});

describe('bin/app.ts as the CLI runs it', () => {
  let outdir: string;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'app-'));
  });

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('prints the bad setting without a stack trace and exits 1', () => {
    // The CLI hands context to the app through CDK_CONTEXT_JSON and the output directory through CDK_OUTDIR.
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ ...NO_STAGING, regions: 'mars-1' }),
        CDK_OUTDIR: outdir,
      },
    });

    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(
      /^Invalid setting: regions: unknown Region "mars-1"; allowed: af-south-1, .*\(\d+ Regions\)$/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails on a misspelled setting with the one it meant, instead of ignoring it', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({
          ...NO_STAGING,
          'cli-telemetry': false,
          email: 'ops@example.com',
        }),
        CDK_OUTDIR: outdir,
      },
    });

    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(
      /^Invalid setting: email: not a setting, did you mean "emails"\?; allowed: /,
    );
  });
});
