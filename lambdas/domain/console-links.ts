// Links a person can click from an alert: the console pages of the resources a task works on.
// EC2 has console pages for instances, AMIs, snapshots and volumes but none for most task
// listings, so the task's own resources are the useful destinations.
import { consoleOrigin, partitionOf } from './partition';
import type { Task } from './task';

/** One labelled console link. */
export interface ConsoleLink {
  label: string;
  url: string;
}

/**
 * Console links for a task's related resources, most specific first, on the console of the
 * Region's partition; none in a partition without a public console.
 */
export function consoleLinks(task: Pick<Task, 'region' | 'resources'>): ConsoleLink[] {
  const origin = consoleOrigin(task.region);
  if (origin === undefined) return [];
  const ec2 = `${origin}/ec2/home?region=${task.region}`;
  // S3 has a global console address in the aws partition; elsewhere the Region's console serves it.
  const s3 = partitionOf(task.region) === 'aws' ? 'https://s3.console.aws.amazon.com' : origin;
  const { instanceId, imageId, snapshotId, volumeId, bucket, key } = task.resources;
  const links: ConsoleLink[] = [];
  if (imageId)
    links.push({
      label: `AMI ${imageId}`,
      url: `${ec2}#ImageDetails:imageId=${encodeURIComponent(imageId)}`,
    });
  if (instanceId) {
    links.push({
      label: `Instance ${instanceId}`,
      url: `${ec2}#InstanceDetails:instanceId=${encodeURIComponent(instanceId)}`,
    });
  }
  if (snapshotId) {
    links.push({
      label: `Snapshot ${snapshotId}`,
      url: `${ec2}#SnapshotDetails:snapshotId=${encodeURIComponent(snapshotId)}`,
    });
  }
  if (volumeId)
    links.push({
      label: `Volume ${volumeId}`,
      url: `${ec2}#VolumeDetails:volumeId=${encodeURIComponent(volumeId)}`,
    });
  if (bucket) {
    const prefix = key ? `&prefix=${encodeURIComponent(key)}` : '';
    links.push({
      label: `S3 s3://${bucket}/${key ?? ''}`,
      url: `${s3}/s3/buckets/${encodeURIComponent(bucket)}?region=${task.region}${prefix}`,
    });
  }
  links.push({ label: 'EC2 console', url: `${ec2}#Home:` });
  return links;
}
