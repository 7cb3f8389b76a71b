// The organization stand-ins over HTTP, reached by the product's own adapters through the SDK's
// standard AWS_ENDPOINT_URL_STS, _ORGANIZATIONS and _ACCOUNT variables only; and the EC2
// simulator serving each account its own tasks, told apart by the access key STS issued.
import { AccountClient } from '@aws-sdk/client-account';
import { DescribeImportImageTasksCommand, EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { listEnabledRegions } from '../../../lambdas/adapters/account-regions';
import { ec2ClientProvider } from '../../../lambdas/adapters/ec2-clients';
import { MemberCredentials } from '../../../lambdas/adapters/member-credentials';
import { OrganizationDirectory } from '../../../lambdas/adapters/organization';
import { failureOf } from '../../../lambdas/domain/coverage';
import { resolveAccounts } from '../../../lambdas/domain/accounts';
import { type Ec2Simulator, startEc2Simulator } from '../../../devkit/ec2-simulator';
import {
  type OrganizationStandIn,
  organizationStandInEnvironment,
  startOrganizationStandIn,
} from '../../../devkit/stand-ins/organization-stand-in';
import { LOCAL_CREDENTIALS } from '../../../devkit/engines/engines';

const ROLE = 'ec2-task-monitor-reader';
const MONITOR = '999999999999';
const OU = 'ou-ab12-11111111';
const NESTED = 'ou-ab12-22222222';

let standIn: OrganizationStandIn;
let simulator: Ec2Simulator;
const saved = { ...process.env };

beforeAll(async () => {
  standIn = await startOrganizationStandIn({ pageSize: 2 });
  simulator = await startEc2Simulator();
  Object.assign(process.env, organizationStandInEnvironment(standIn), {
    AWS_ENDPOINT_URL_EC2: simulator.url,
    // The function's own credentials (the deployment account's, which the simulator serves by default).
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });
  standIn.putOrganizationalUnit(OU, standIn.rootId);
  standIn.putOrganizationalUnit(NESTED, OU);
  standIn.putAccount({
    id: '111111111111',
    name: 'prod',
    parentId: OU,
    roles: [ROLE],
    regions: ['us-east-1', 'af-south-1'],
  });
  standIn.putAccount({ id: '222222222222', name: 'nested', parentId: NESTED, roles: [ROLE] });
  standIn.putAccount({ id: '333333333333', name: 'no-role', parentId: OU });
  standIn.putAccount({ id: '444444444444', name: 'suspended', state: 'SUSPENDED', roles: [ROLE] });
  standIn.putAccount({ id: '555555555555', name: 'at-root', roles: [ROLE] });
});

afterAll(async () => {
  process.env = saved;
  await standIn.stop();
  await simulator.close();
});

const clientConfig = { region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
const credentials = () =>
  new MemberCredentials({
    sts: new STSClient(clientConfig),
    roleName: ROLE,
    monitorAccount: MONITOR,
    partition: 'aws',
  });

it('lists the organization, and an OU recursively, page by page', async () => {
  const directory = new OrganizationDirectory(new OrganizationsClient(clientConfig));

  const all = resolveAccounts(await directory.accountsOf({ mode: 'organization' }), []);
  const underOu = await directory.accountsOf({ mode: 'list', accountIds: ['555555555555'], parentIds: [OU] });

  expect(all.watched.map((account) => account.id)).toEqual([
    '111111111111',
    '222222222222',
    '333333333333',
    '555555555555',
  ]);
  expect(all.skipped).toEqual([{ id: '444444444444', name: 'suspended', state: 'SUSPENDED' }]);
  expect(underOu.map((account) => account.id).sort()).toEqual([
    '111111111111',
    '222222222222',
    '333333333333',
    '555555555555',
  ]);
  expect(standIn.operations).toEqual(
    expect.arrayContaining([
      'ListAccounts',
      'ListAccountsForParent',
      'ListOrganizationalUnitsForParent',
      'DescribeAccount',
    ]),
  );
});

it('assumes the member role and serves each account its own tasks and Regions', async () => {
  const cache = credentials();
  simulator.putTask(
    'us-east-1',
    'import-image',
    { ImportTaskId: 'import-ami-1111', Status: 'active' },
    '111111111111',
  );
  simulator.putTask(
    'us-east-1',
    'import-image',
    { ImportTaskId: 'import-ami-2222', Status: 'active' },
    '222222222222',
  );
  simulator.putTask('us-east-1', 'import-image', { ImportTaskId: 'import-ami-self', Status: 'active' });

  const list = async (account?: string) => {
    const ec2 = ec2ClientProvider(account ? { credentials: cache.provider(account) } : {})(
      'us-east-1',
    ) as EC2Client;
    const { ImportImageTasks: tasks } = await ec2.send(new DescribeImportImageTasksCommand({}));
    return tasks?.map((task) => task.ImportTaskId);
  };

  expect(await list('111111111111')).toEqual(['import-ami-1111']);
  expect(await list('222222222222')).toEqual(['import-ami-2222']);
  expect(await list()).toEqual(['import-ami-self']);
  expect(
    await listEnabledRegions(
      new AccountClient({ region: 'us-east-1', credentials: cache.provider('111111111111') }),
    ),
  ).toEqual(['af-south-1', 'us-east-1']);
  expect(
    standIn.assumeRoleCalls.filter((call) => !call.errorCode).map((call) => [call.roleArn, call.sessionName]),
  ).toEqual([
    [`arn:aws:iam::111111111111:role/${ROLE}`, `ec2-task-monitor-${MONITOR}`],
    [`arn:aws:iam::222222222222:role/${ROLE}`, `ec2-task-monitor-${MONITOR}`],
  ]);
});

it('refuses an account without the role and a suspended one (role-missing), and a Region not enabled', async () => {
  const cache = credentials();
  const failure = async (account: string) => {
    try {
      await cache.credentials(account);
    } catch (error) {
      return failureOf(error, 'assume-role', new Date());
    }
    return undefined;
  };
  simulator.disableRegion('111111111111', 'af-south-1');

  expect(await failure('333333333333')).toMatchObject({ kind: 'role-missing', code: 'AccessDenied' });
  expect(await failure('444444444444')).toMatchObject({ kind: 'role-missing', code: 'AccessDenied' });
  const ec2 = ec2ClientProvider({ credentials: cache.provider('111111111111'), maxAttempts: 1 })(
    'af-south-1',
  );
  const error = await ec2.send(new DescribeImportImageTasksCommand({})).catch((caught: unknown) => caught);
  expect(failureOf(error, 'region', new Date(), 'af-south-1')).toMatchObject({
    kind: 'region-not-enabled',
    code: 'AuthFailure',
    region: 'af-south-1',
  });
});
