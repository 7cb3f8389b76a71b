// The file through which the local mode tells other shells where its engines are. Two local runs
// never share one: the first run takes `.local/ec2-task-monitor.env`, a run started while that
// file's owner is still alive writes its own `.local/ec2-task-monitor.<pid>.env`, and each run
// removes only the file it wrote (a file whose owner died is taken over, by one run at a time).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the local mode writes the environment other commands need to reach its engines: in the
 * directory it runs in (the repository's root for `npm start`), never inside an installed package.
 */
export const LOCAL_ENV_FILE = path.resolve('.local', 'ec2-task-monitor.env');

/** What to tell a user whose local engines went away. */
export const LOCAL_ENV_FILE_HINT = `source ${path.join('.local', path.basename(LOCAL_ENV_FILE))} again (or the file \`npm start\` named)`;

/** An env file this process wrote. */
export interface ClaimedEnvFile {
  /** Absolute path of the file. */
  readonly path: string;
  /** Removes the file if it is still the one this process wrote. */
  release(): void;
}

/** Options of {@link claimEnvFile}; tests change them. */
export interface ClaimOptions {
  /** @default LOCAL_ENV_FILE */
  file?: string;
  /** @default process.pid */
  pid?: number;
  /** @default a signal-0 probe of the process */
  isRunning?: (pid: number) => boolean;
}

const OWNER = /^# Written by ec2-task-monitor local \(pid (\d+)\)/;

/** Whether a process with that id exists (signal 0 checks without signalling). */
export function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(file: string): number | undefined {
  try {
    const match = OWNER.exec(readFileSync(file, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function exclusiveWrite(file: string, text: string): boolean {
  try {
    writeFileSync(file, text, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Writes `export NAME=value` lines that another shell can `source`, in a file of this process's own. */
export function claimEnvFile(variables: Record<string, string>, options: ClaimOptions = {}): ClaimedEnvFile {
  const shared = options.file ?? LOCAL_ENV_FILE;
  const pid = options.pid ?? process.pid;
  const isRunning = options.isRunning ?? processIsRunning;
  mkdirSync(path.dirname(shared), { recursive: true });
  const text = [
    `# Written by ec2-task-monitor local (pid ${pid}); removed when it stops.`,
    ...Object.entries(variables).map(([name, value]) => `export ${name}='${value.replace(/'/g, "'\\''")}'`),
    '',
  ].join('\n');
  let file = shared;
  if (!exclusiveWrite(shared, text) && !takeOver(shared, pid, text, isRunning)) {
    file = ownFile(shared, pid, text);
  }
  return {
    path: file,
    release() {
      if (ownerOf(file) === pid) rmSync(file, { force: true });
    },
  };
}

/**
 * Takes over the shared file when the run that wrote it died, so `source .local/ec2-task-monitor.env`
 * works. Removing the dead run's file and writing ours are two steps: two runs doing both at once
 * could each remove the file the other just wrote. So the takeover is done under a lock file,
 * created exclusively next to it: a run that cannot take the lock gets a file of its own. The
 * owner is read under the lock, so a takeover another run finished meanwhile is seen. A lock left
 * by a run killed during its takeover is removed, and that run's successor gets its own file.
 * @returns whether this run now owns the shared file
 */
function takeOver(shared: string, pid: number, text: string, isRunning: (pid: number) => boolean): boolean {
  const lock = `${shared}.lock`;
  if (!exclusiveWrite(lock, `# Written by ec2-task-monitor local (pid ${pid}) while taking over\n`)) {
    const holder = ownerOf(lock);
    if (holder !== undefined && !isRunning(holder)) rmSync(lock, { force: true });
    return false;
  }
  try {
    const owner = ownerOf(shared);
    if (owner === undefined || isRunning(owner)) return false;
    rmSync(shared, { force: true });
    // A run starting afresh may have written it since the removal: it keeps it.
    return exclusiveWrite(shared, text);
  } finally {
    rmSync(lock, { force: true });
  }
}

function ownFile(shared: string, pid: number, text: string): string {
  const file = shared.replace(/\.env$/, `.${pid}.env`);
  writeFileSync(file, text);
  return file;
}
