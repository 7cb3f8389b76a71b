import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { listEnabledRegions } from '../../../lambdas/adapters/account-regions';

const account = mockClient(AccountClient);

it('lists the enabled Regions page by page, asking for ENABLED and ENABLED_BY_DEFAULT only', async () => {
  account
    .on(ListRegionsCommand, { NextToken: undefined })
    .resolves({
      Regions: [
        { RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
        { RegionName: 'ap-east-1', RegionOptStatus: 'ENABLING' },
      ],
      NextToken: 'p2',
    })
    .on(ListRegionsCommand, { NextToken: 'p2' })
    .resolves({ Regions: [{ RegionName: 'af-south-1', RegionOptStatus: 'ENABLED' }] });

  expect(await listEnabledRegions(new AccountClient({ region: 'us-east-1' }))).toEqual([
    'af-south-1',
    'us-east-1',
  ]);
  expect(account).toHaveReceivedCommandWith(ListRegionsCommand, {
    RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'],
  });
});
