// `npm start` as a user runs it (`ec2-task-monitor local`, in a child process with nothing but PATH
// and HOME): by default the stack is in organization mode and watches the local organization, so
// the output shows each member account's tasks under its name, the failure of the account without
// the member role and of the Region staging has not enabled, once, and the accounts' coverage.
import { LOCAL_ORGANIZATION } from '../../devkit/local-organization';
import { type Run, runCli } from './support/cli';

const { monitor, prod, staging, sandbox } = LOCAL_ORGANIZATION;
let run: Run;

beforeAll(async () => {
  run = await runCli(['local', '--cycles', '2', '--interval', '0.1', '--no-color'], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
  });
  // A full local run (DynamoDB Local's JVM included) on a 2-core machine.
}, 150_000);

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
