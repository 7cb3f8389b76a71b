// jest globalSetup of the projects that read dist/ (the infrastructure tests synthesize the
// functions' code assets; the integration tests run the functions' bundles and the command): runs
// the incremental build first (scripts/build.ts), so a test never uses a bundle older than its
// sources. Nothing is rebuilt when nothing changed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** Runs `npm run build` (its incremental jobs) in this repository; throws with its output on failure. */
export function buildFirst(): void {
  const root = path.resolve(__dirname, '..', '..');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`npm run build failed:\n${run.stdout}${run.stderr}`);
}

export default function globalSetup(): void {
  buildFirst();
}
