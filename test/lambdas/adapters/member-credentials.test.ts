import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { MemberCredentials, memberCredentialsIn } from '../../../lambdas/adapters/member-credentials';

const sts = mockClient(STSClient);
let clock = Date.parse('2026-12-02T12:00:00Z');

function cache() {
  return new MemberCredentials({
    sts: new STSClient({ region: 'eu-west-1' }),
    roleName: 'ec2-task-monitor-reader',
    monitorAccount: '999999999999',
    partition: 'aws',
    now: () => clock,
  });
}

beforeEach(() => {
  sts.reset();
  clock = Date.parse('2026-12-02T12:00:00Z');
  let n = 0;
  sts.on(AssumeRoleCommand).callsFake(async () => {
    n += 1;
    return {
      Credentials: {
        AccessKeyId: `ASIA${n}`,
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(clock + 3600_000),
      },
    };
  });
});

it("assumes the member role of the account with the monitor's session name and an hour's session", async () => {
  const credentials = await cache().credentials('111111111111');

  expect(credentials).toMatchObject({ accessKeyId: 'ASIA1', accountId: '111111111111' });
  expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
    RoleArn: 'arn:aws:iam::111111111111:role/ec2-task-monitor-reader',
    RoleSessionName: 'ec2-task-monitor-999999999999',
    DurationSeconds: 3600,
  });
});

it('makes one AssumeRole per account for concurrent callers and until 5 minutes before expiry', async () => {
  const credentials = cache();

  await Promise.all([credentials.credentials('111111111111'), credentials.credentials('111111111111')]);
  clock += 54 * 60_000; // 6 minutes left
  await credentials.credentials('111111111111');
  expect(credentials.assumeRoleCalls).toBe(1);

  clock += 2 * 60_000; // 4 minutes left: renewed
  expect((await credentials.credentials('111111111111')).accessKeyId).toBe('ASIA2');
  await credentials.credentials('222222222222');
  expect(credentials.assumeRoleCalls).toBe(3);
});

it('lets AccessDenied through and retries on the next call', async () => {
  sts
    .on(AssumeRoleCommand)
    .rejectsOnce(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }))
    .resolves({
      Credentials: {
        AccessKeyId: 'ASIA',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(clock + 3600_000),
      },
    });
  const credentials = cache();

  await expect(credentials.credentials('111111111111')).rejects.toMatchObject({ name: 'AccessDenied' });
  await expect(credentials.credentials('111111111111')).resolves.toMatchObject({ accountId: '111111111111' });
});

it("gives each account's clients a provider reading the shared cache", async () => {
  const credentials = cache();
  const [a, b] = [credentials.provider('111111111111'), credentials.provider('111111111111')];

  expect((await a()).accessKeyId).toBe((await b()).accessKeyId);
  expect(credentials.assumeRoleCalls).toBe(1);
});

it("leaves the monitor's own account to the function's credentials and gives the others the member role's", async () => {
  const credentials = cache();

  expect(credentials.clientCredentials('999999999999')).toEqual({});
  expect(await credentials.clientCredentials('111111111111').credentials?.()).toMatchObject({
    accountId: '111111111111',
  });
});

it("builds the cache in the function's Region, in that Region's partition", async () => {
  const credentials = memberCredentialsIn('cn-north-1', {
    memberRoleName: 'ec2-task-monitor-reader',
    account: '999999999999',
  });

  await credentials.credentials('111111111111');

  expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
    RoleArn: 'arn:aws-cn:iam::111111111111:role/ec2-task-monitor-reader',
    RoleSessionName: 'ec2-task-monitor-999999999999',
  });
  expect(await sts.call(0).thisValue.config.region()).toBe('cn-north-1');
});
