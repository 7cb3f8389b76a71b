// The poller's and the publisher's table access names the partitions of the listings polled and of
// their units' states, from the table layout: every key while the policy stays small, patterns per
// Region beyond that; in both forms it matches every listing polled, no other account's and no
// channel's delivery records.
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { TASK_TYPE_NAMES } from '../../lambdas/domain/task';
import {
  deliveryPartitionKey,
  listingPartitionKeys,
  partitionKey,
  unitStateKey,
} from '../../lambdas/shared/table-layout';
import { CHANNELS } from '../../channels';
import { listingPartitionPatterns, MAX_LISTED_PARTITIONS } from '../../lib/listing-partitions';
import { synthMonitor } from './synth';

/** IAM's StringLike: `*` any run of characters, `?` one character, everything else literal. */
function matchesLike(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

const ACCOUNT = '123456789012';
const OTHER_ACCOUNT = '210987654321';
const commercial = RegionInfo.regions.filter((region) => region.partition === 'aws').map((r) => r.name);

describe('listingPartitionPatterns', () => {
  it.each([
    ['one Region, every type', ['us-east-1'], TASK_TYPE_NAMES],
    ['two Regions, two types', ['us-east-1', 'eu-west-1'], ['bundle', 'store-image'] as const],
    ['every commercial Region, every type', commercial, TASK_TYPE_NAMES],
  ])('%s: matches every polled listing, no other listing and no delivery record', (_name, regions, types) => {
    const patterns = listingPartitionPatterns(ACCOUNT, regions, types);
    const allowed = (key: string) => patterns.some((pattern) => matchesLike(pattern, key));
    const unit = (region: string) => ({ account: ACCOUNT, region });

    for (const key of listingPartitionKeys(ACCOUNT, regions, types)) expect(allowed(key)).toBe(true);
    for (const region of regions) expect(allowed(unitStateKey(unit(region)).pk)).toBe(true);
    for (const { name } of CHANNELS) expect(allowed(deliveryPartitionKey(name))).toBe(false);
    expect(allowed(partitionKey(unit('ap-south-2'), 'bundle'))).toBe(regions.includes('ap-south-2'));
    expect(allowed(partitionKey({ account: OTHER_ACCOUNT, region: regions[0]! }, types[0]!))).toBe(false);
    expect(allowed(unitStateKey({ account: OTHER_ACCOUNT, region: regions[0]! }).pk)).toBe(false);
    if (regions.length * (types.length + 1) <= MAX_LISTED_PARTITIONS) {
      expect(patterns).toEqual(listingPartitionKeys(ACCOUNT, regions, types));
      const unpolled = TASK_TYPE_NAMES.find((type) => !types.includes(type));
      if (unpolled) expect(allowed(partitionKey(unit(regions[0]!), unpolled))).toBe(false);
    }
  });

  it("keeps the poller's policy within IAM's 10,240 characters when every Region is polled", () => {
    const { template, stack } = synthMonitor({ regions: commercial.join(',') });
    const role = stack.getLogicalId(stack.monitor.poller.role!.node.defaultChild as never);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes(role),
    );

    expect(JSON.stringify(policies.map((policy) => policy.Properties.PolicyDocument)).length).toBeLessThan(
      10_240,
    );
  });
});
