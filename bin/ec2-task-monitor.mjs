#!/usr/bin/env node
// Launcher of the `ec2-task-monitor` CLI: runs the TypeScript sources as they are (the same
// sources the Lambda bundles are built from) through tsx, then hands over to cli/main.ts.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register as registerCjs } from 'tsx/cjs/api';

// middy ships ES modules only, with no `require` export. Node (20.19+) can require an ES module
// by its path, so it is loaded here before tsx hooks module resolution, and tsconfig.cli.json
// points the CommonJS sources' `@middy/core` at that same, already loaded, file.
const require = createRequire(import.meta.url);
require(fileURLToPath(new URL('../node_modules/@middy/core/index.js', import.meta.url)));
process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL('../tsconfig.cli.json', import.meta.url));
registerCjs();

const { run } = require('../cli/main.ts');
await run(process.argv.slice(2));
