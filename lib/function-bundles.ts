// Where each function's code is: `npm run build` bundles every handler with esbuild into
// dist/functions/<name>/index.js, and that directory is the function's code asset (the package
// ships it, so a CDK app that installs it needs no esbuild and no TypeScript). The in-process
// runtime (`poll --once`, the local mode, the integration tests) loads the same files, so what runs
// locally is byte for byte what Lambda runs. Node's standard library only.
import { packagePath } from './package-root';

/** The bundles' directory, relative to the package root. */
export const FUNCTIONS_DIR = 'dist/functions';

/** The function that polls the task APIs. */
export const POLLER_FUNCTION = 'poller';

/** The function that sends each cycle's units to the workers' queue (organization mode). */
export const DISPATCHER_FUNCTION = 'dispatcher';

/** The function that polls one unit (an account in a Region) per message (organization mode). */
export const WORKER_FUNCTION = 'worker';

/** The function that publishes the recorded changes. */
export const PUBLISHER_FUNCTION = 'publisher';

/** The name of a channel's notifier function, e.g. `chatbot-notifier`. */
export function notifierFunction(channel: string): string {
  return `${channel}-notifier`;
}

/** The directory of a function's bundle (its code asset). */
export function functionBundleDir(name: string): string {
  return packagePath(FUNCTIONS_DIR, name);
}

/** The file of a function's bundle, which exports its `handler`. */
export function functionBundleFile(name: string): string {
  return packagePath(FUNCTIONS_DIR, name, 'index.js');
}
