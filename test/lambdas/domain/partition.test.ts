import { RegionInfo } from 'aws-cdk-lib/region-info';
import { consoleLinks } from '../../../lambdas/domain/console-links';
import { toEventBusEntry } from '../../../channels/event-bus/entry';
import { notificationText } from '../../../lambdas/domain/notification-text';
import { consoleOrigin, partitionOf } from '../../../lambdas/domain/partition';
import { aChange, aTask } from '../../support/tasks';

describe('partitionOf', () => {
  it.each(RegionInfo.regions.map((region) => [region.name, region.partition]))(
    'puts %s in %s, as the CDK Region table does',
    (region, partition) => {
      expect(partitionOf(region)).toBe(partition);
    },
  );
});

describe('ARNs and console links follow the partition', () => {
  const resources = { imageId: 'ami-0abc', instanceId: 'i-0abc', bucket: 'vm-images', key: 'disks/a.vmdk' };

  it.each([
    ['cn-north-1', 'aws-cn', 'https://cn-north-1.console.amazonaws.cn'],
    ['us-gov-west-1', 'aws-us-gov', 'https://us-gov-west-1.console.amazonaws-us-gov.com'],
    ['eu-west-1', 'aws', 'https://eu-west-1.console.aws.amazon.com'],
  ])('in %s: arn:%s ARNs on EventBridge, and %s links', (region, partition, origin) => {
    const event = aChange(aTask({ region, resources }));

    const arns = toEventBusEntry(event, 'bus').Resources;
    const links = consoleLinks(event.task).map((link) => link.url);

    expect(arns).toEqual([
      `arn:${partition}:ec2:${region}:123456789012:image/ami-0abc`,
      `arn:${partition}:ec2:${region}:123456789012:instance/i-0abc`,
      `arn:${partition}:s3:::vm-images`,
    ]);
    expect(consoleOrigin(region)).toBe(origin);
    for (const link of links.filter((url) => !url.includes('/s3/')))
      expect(link.startsWith(`${origin}/`)).toBe(true);
    if (partition !== 'aws') expect(links.every((url) => url.startsWith(`${origin}/`))).toBe(true);
  });

  it('gives no console link, and no Console section in the email, in an isolated partition', () => {
    const event = aChange(aTask({ region: 'us-iso-east-1', resources }));

    expect(consoleLinks(event.task)).toEqual([]);
    expect(notificationText(event)).not.toContain('Console:');
    expect(toEventBusEntry(event, 'bus').Resources[0]).toBe(
      'arn:aws-iso:ec2:us-iso-east-1:123456789012:image/ami-0abc',
    );
  });
});
