// The AWS partition a Region belongs to (aws, aws-cn, aws-us-gov, the isolated ones): ARNs and
// console addresses differ per partition, so they are built from it rather than from `arn:aws:`.
// Read from the Region's name, the way the SDK's endpoint rules group Regions, because the
// functions run without the CDK's Region table.

/** Name prefix of each partition's Regions, most specific first; every other Region is `aws`. */
const PARTITION_PREFIXES: ReadonlyArray<readonly [prefix: string, partition: string]> = [
  ['cn-', 'aws-cn'],
  ['us-gov-', 'aws-us-gov'],
  ['us-isob-', 'aws-iso-b'],
  ['us-isof-', 'aws-iso-f'],
  ['us-iso-', 'aws-iso'],
  ['eu-isoe-', 'aws-iso-e'],
  ['eusc-', 'aws-eusc'],
];

/** The partition of a Region: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, ... */
export function partitionOf(region: string): string {
  return PARTITION_PREFIXES.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}

/** Domain of the AWS Management Console of the partitions that have a public one. */
export const CONSOLE_DOMAINS: Readonly<Record<string, string>> = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

/**
 * The console's address for a Region, such as `https://eu-west-1.console.aws.amazon.com`;
 * undefined in a partition without a public console (the isolated ones), where no link would work.
 */
export function consoleOrigin(region: string): string | undefined {
  const domain = CONSOLE_DOMAINS[partitionOf(region)];
  return domain === undefined ? undefined : `https://${region}.${domain}`;
}
