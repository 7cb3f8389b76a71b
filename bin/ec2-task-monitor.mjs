#!/usr/bin/env node
// Launcher of the `ec2-task-monitor` command: runs the compiled bundle that `npm run build` writes
// to dist/ (npm ci builds it through the `prepare` script), so no TypeScript is transpiled at run
// time. See scripts/build.ts.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli/ec2-task-monitor.js', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write(
    'ec2-task-monitor: the command is not built yet (dist/cli/ec2-task-monitor.js is missing): run `npm run build`\n',
  );
  process.exit(2);
}
process.setSourceMapsEnabled(true);
const { run } = createRequire(import.meta.url)(bundle);
await run(process.argv.slice(2));
