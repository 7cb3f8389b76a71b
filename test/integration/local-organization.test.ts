// `npm start` as a user runs it (`ec2-task-monitor local`, in a child process with nothing but PATH
// and HOME): by default the stack is in organization mode and watches the local organization, so
// the output shows each member account's tasks under its name, the failure of the account without
// the member role and of the Region staging has not enabled, once, and the accounts' coverage. The
// demo runs on its scenario clock (ten minutes a cycle), so within twelve cycles it also shows a
// stalled task emailed and moving again, estimates in the status table's ETA column, and the
// conversion quota's warning and recovery.
import { LOCAL_ORGANIZATION } from '../../devkit/local-organization';
import { type Run, runCli } from './support/cli';

const { monitor, prod, staging, sandbox } = LOCAL_ORGANIZATION;
let run: Run;

beforeAll(async () => {
  run = await runCli(['local', '--cycles', '12', '--interval', '0.1', '--no-color'], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
  });
  // A full local run of twelve cycles (DynamoDB Local's JVM included) on a 2-core machine: about
  // a minute when the machine is quiet.
}, 240_000);

/** The emailed event of a change type: its subject line and its body, as the output prints it. */
function emailOf(changeType: string): { subject: string; body: string } {
  const start = run.stdout.indexOf(`${changeType}, sent to email subscribers:\n`);
  if (start < 0) return { subject: '', body: '' };
  const text = run.stdout.slice(start);
  const body = text.slice(0, text.indexOf('\nEvent ') + 1);
  return { subject: /^Subject: (.*)$/m.exec(body)?.[1] ?? '', body };
}

it('runs to its end and exits 0, with nothing on stderr', () => {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
});

it("shows each member account's tasks under its name, never one of an account it cannot read", () => {
  const lines = run.stdout.split('\n');

  expect(lines).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        /^\d\d:\d\d:\d\d {2}import-image import-ami-0a11c0ffee0000001 \(us-east-1, prod\): discovered, running/,
      ),
      expect.stringMatching(
        /^\d\d:\d\d:\d\d {2}import-image import-ami-0a11c0ffee0000002 \(eu-west-1, prod\): discovered, running/,
      ),
      expect.stringMatching(
        /^\d\d:\d\d:\d\d {2}import-image import-ami-0b22c0ffee0000001 \(us-east-1, staging\): discovered, running/,
      ),
      // The deployment account's scenario, polled with the functions' own credentials.
      expect.stringMatching(/^\d\d:\d\d:\d\d {2}\S+ \S+ \(us-east-1, monitor\): discovered/),
    ]),
  );
  // Staging's task in the Region it has not enabled, and sandbox's, are never seen.
  expect(run.stdout).not.toContain('import-ami-0b22c0ffee0000002');
  expect(run.stdout).not.toContain('import-ami-0c33c0ffee0000001');
});

it('says each failing account once, though it fails every cycle, and prints the coverage table', () => {
  const failures = run.stdout.split('\n').filter((line) => line.startsWith('! '));
  const table = run.stdout.slice(run.stdout.indexOf('Accounts (npx ec2-task-monitor accounts):'));
  const rowOf = (account: { id: string }) =>
    table.split('\n').find((line) => line.startsWith(`${account.id}  `)) ?? '';

  expect(failures).toEqual([
    `! account staging (${staging.id}) in eu-west-1: AuthFailure (region-not-enabled): AWS was not able to validate the provided access credentials`,
    expect.stringMatching(
      new RegExp(`^! account sandbox \\(${sandbox.id}\\): AccessDenied \\(role-missing\\): .*sts:AssumeRole`),
    ),
  ]);
  expect(table.split('\n')[1]).toMatch(
    /^ACCOUNT\s+NAME\s+COVERAGE\s+REGIONS\s+LAST COMPLETE POLL\s+LAST FAILURE$/,
  );
  expect(rowOf(monitor)).toMatch(/^000000000000\s+monitor\s+watched\s+us-east-1,eu-west-1\s+\S+Z$/);
  expect(rowOf(prod)).toMatch(/^111111111111\s+prod\s+watched\s+us-east-1,eu-west-1\s+\S+Z$/);
  expect(rowOf(staging)).toMatch(
    /^222222222222\s+staging\s+partial\s+us-east-1,eu-west-1\s+\S+Z\s+AuthFailure in eu-west-1 \(region-not-enabled\) at /,
  );
  expect(rowOf(sandbox)).toMatch(
    /^333333333333\s+sandbox\s+UNMONITORED\s+us-east-1,eu-west-1\s+never\s+AccessDenied \(role-missing\) at /,
  );
});

it("moves the scenario's clock ten minutes a cycle and says each cycle's scenario time", () => {
  const intro = /^Scenario time: each cycle stands for 10 minutes, from (\d\d:\d\d) UTC/m.exec(run.stdout);
  const headers = [
    ...run.stdout.matchAll(
      /^== scenario time (\d\d):(\d\d) UTC {2}cycle (\d+), scenario tick (\d+) {2}==$/gm,
    ),
  ];
  const minutesOf = (hours: string, minutes: string) => Number(hours) * 60 + Number(minutes);
  const first = headers[0];

  expect(intro?.[1]).toBe(first ? `${first[1]}:${first[2]}` : 'no header');
  expect(headers.length).toBeGreaterThanOrEqual(10);
  for (const [, hours, minutes, cycle, tick] of headers) {
    expect(Number(tick)).toBe(Number(cycle) - 1);
    const elapsed =
      minutesOf(hours as string, minutes as string) - minutesOf(first?.[1] ?? '', first?.[2] ?? '');
    expect((elapsed + 24 * 60) % (24 * 60)).toBe((Number(cycle) - 1) * 10);
  }
});

it('emails the store-image task stalled for an hour, then tells it moved again with how long it was still', () => {
  const stalled = emailOf('TaskStalled');
  const lines = run.stdout.split('\n');

  expect(stalled.subject).toMatch(
    /^\[EC2 tasks\] store-image ami-0c9a8b7d6e5f41302@\S+ stalled at 37% \(us-east-1\)$/,
  );
  // Due after sixty minutes still: the cycle the hour ends in, or the next when that cycle's poll
  // came a few milliseconds earlier in its cycle than the one that first saw 37 %.
  expect(stalled.body).toMatch(/^Stall: +still for 1 h( 10 min)? \(since \d\d:\d\d UTC\)$/m);
  expect(lines).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        /^\d\d:\d\d:\d\d {2}store-image ami-0c9a8b7d6e5f41302@\S+ \(us-east-1, monitor\): progress 37% -> 64%, moved again after 1 h 20 min still$/,
      ),
    ]),
  );
});

it("shows estimated completion times in the status table's ETA column", () => {
  const rows = run.stdout.split('\n').filter((line) => /^000000000000 {2}\S+ +\S+ +us-east-1 /.test(line));

  expect(rows).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^000000000000 {2}store-image .*\] +\d+% {2}around \d\d:\d\d UTC$/),
      expect.stringMatching(/^000000000000 {2}import-image .*\] +\d+% {2}around \d\d:\d\d UTC$/),
    ]),
  );
});

it("emails the conversion quota's warning at 4 of 5 tasks, then says once they finish that it is available", () => {
  const warning = emailOf('QuotaNearlyExhausted');
  const lines = run.stdout.split('\n');

  expect(warning.subject).toBe(
    '[EC2 tasks] us-east-1: 4 of 5 concurrent VM import/export conversion tasks in use (80 %)',
  );
  expect(warning.body).toMatch(/^Account: +monitor \(000000000000\)$/m);
  const warnedAt = run.stdout.indexOf('QuotaNearlyExhausted, sent to email subscribers:');
  const available = lines.find((line) => / {2}QuotaAvailable us-east-1: /.test(line)) ?? '';
  expect(available).toMatch(
    /^\d\d:\d\d:\d\d {2}QuotaAvailable us-east-1: [0-3] of 5 concurrent VM import\/export conversion tasks in use/,
  );
  expect(run.stdout.indexOf(available)).toBeGreaterThan(warnedAt);
  expect(lines).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        /^000000000000 {2}vm-conversion-tasks {2}us-east-1 {2}4 \/ 5 .* {2}nearly exhausted$/,
      ),
    ]),
  );
});
