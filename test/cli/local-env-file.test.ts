// Why: two local runs must never point a shell at each other's engines, and a run that stops must
// remove only the file it wrote.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { claimEnvFile } from '../../cli/local-env-file';

let directory: string;
let shared: string;
const running = new Set<number>();
const isRunning = (pid: number) => running.has(pid);

beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'env-file-'));
  shared = path.join(directory, 'ec2-task-monitor.env');
  running.clear();
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

it('gives the first run the shared file, with its variables quoted for a shell', () => {
  running.add(100);

  const claimed = claimEnvFile(
    { TABLE_NAME: "it's", AWS_REGION: 'us-east-1' },
    { file: shared, pid: 100, isRunning },
  );

  expect(claimed.path).toBe(shared);
  expect(readFileSync(shared, 'utf8')).toBe(
    "# Written by ec2-task-monitor local (pid 100); removed when it stops.\nexport TABLE_NAME='it'\\''s'\nexport AWS_REGION='us-east-1'\n",
  );
});

it('gives a second run its own file while the first runs, and each removes only its own', () => {
  running.add(100).add(200);
  const first = claimEnvFile({ TABLE_NAME: 'a' }, { file: shared, pid: 100, isRunning });

  const second = claimEnvFile({ TABLE_NAME: 'b' }, { file: shared, pid: 200, isRunning });

  expect(second.path).toBe(path.join(directory, 'ec2-task-monitor.200.env'));
  expect(readFileSync(shared, 'utf8')).toContain("TABLE_NAME='a'");
  second.release();
  expect(existsSync(second.path)).toBe(false);
  expect(existsSync(shared)).toBe(true);
  first.release();
  expect(existsSync(shared)).toBe(false);
});

it("takes over the shared file of a run that died, and the dead run's file is not removed by anyone else", () => {
  writeFileSync(
    shared,
    '# Written by ec2-task-monitor local (pid 300); removed when it stops.\nexport TABLE_NAME=old\n',
  );
  running.add(400);

  const claimed = claimEnvFile({ TABLE_NAME: 'new' }, { file: shared, pid: 400, isRunning });

  expect(claimed.path).toBe(shared);
  expect(readFileSync(shared, 'utf8')).toContain("TABLE_NAME='new'");
});

it('leaves alone a shared file that another run took over after this one claimed it', () => {
  running.add(500);
  const claimed = claimEnvFile({ TABLE_NAME: 'a' }, { file: shared, pid: 500, isRunning });
  writeFileSync(shared, '# Written by ec2-task-monitor local (pid 600); removed when it stops.\n');

  claimed.release();

  expect(existsSync(shared)).toBe(true);
});

it('never overwrites a file it did not write (no owner line)', () => {
  writeFileSync(shared, 'export TABLE_NAME=mine\n');
  running.add(700);

  const claimed = claimEnvFile({ TABLE_NAME: 'x' }, { file: shared, pid: 700, isRunning });

  expect(claimed.path).toBe(path.join(directory, 'ec2-task-monitor.700.env'));
  expect(readFileSync(shared, 'utf8')).toBe('export TABLE_NAME=mine\n');
});

// Review finding B9: two runs taking over a dead run's file at once. The second run's whole claim
// is made at the worst moment of the first one's: after it found the owner dead, before it wrote.
it("lets only one of two runs take over a dead run's file at once; the other gets its own file", () => {
  writeFileSync(shared, '# Written by ec2-task-monitor local (pid 800); removed when it stops.\n');
  running.add(810).add(820);
  let second: ReturnType<typeof claimEnvFile> | undefined;
  const firstSeesTheOwner = (pid: number) => {
    second ??= claimEnvFile({ TABLE_NAME: 'second' }, { file: shared, pid: 820, isRunning });
    return isRunning(pid);
  };

  const first = claimEnvFile(
    { TABLE_NAME: 'first' },
    { file: shared, pid: 810, isRunning: firstSeesTheOwner },
  );

  // Each run's file holds its own variables, and the two files differ.
  const claimed = [first, second!];
  expect(new Set(claimed.map((claim) => claim.path)).size).toBe(2);
  expect(claimed.map((claim) => claim.path)).toContain(shared);
  expect(readFileSync(first.path, 'utf8')).toContain("TABLE_NAME='first'");
  expect(readFileSync(second!.path, 'utf8')).toContain("TABLE_NAME='second'");
  // And each still removes only its own.
  first.release();
  expect(existsSync(second!.path)).toBe(true);
  second!.release();
  expect(existsSync(shared)).toBe(false);
});
