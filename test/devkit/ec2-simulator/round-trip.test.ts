// Why: the simulator is only useful if the real SDK reads back exactly what was stored, for every
// member of all nine APIs (element names from locationName, timestamps, booleans, blobs, lists).
import {
  DescribeBundleTasksCommand,
  DescribeConversionTasksCommand,
  DescribeExportImageTasksCommand,
  DescribeExportTasksCommand,
  DescribeImportImageTasksCommand,
  DescribeImportSnapshotTasksCommand,
  DescribeMacModificationTasksCommand,
  DescribeReplaceRootVolumeTasksCommand,
  DescribeStoreImageTasksCommand,
} from '@aws-sdk/client-ec2';
import {
  bundleTask,
  conversionTask,
  exportImageTask,
  exportInstanceTask,
  importImageTask,
  importSnapshotTask,
  macModificationTask,
  replaceRootVolumeTask,
  storeImageTask,
  useSimulator,
} from './fixtures';

describe('EC2 simulator: every task API round-trips through the SDK', () => {
  const fixture = useSimulator();

  it('DescribeBundleTasks returns every member, the S3 upload policy blob and an escaped error message', async () => {
    // Prepare
    fixture.sim.putTask('us-east-1', 'bundle', bundleTask);
    // Act
    const output = await fixture.ec2.send(new DescribeBundleTasksCommand({}));
    // Assess
    expect(output.BundleTasks).toEqual([
      { ...bundleTask, Storage: { S3: { ...bundleTask.Storage.S3, UploadPolicy: expect.any(Uint8Array) } } },
    ]);
    expect(new TextDecoder().decode(output.BundleTasks?.[0]?.Storage?.S3?.UploadPolicy)).toBe(
      new TextDecoder().decode(bundleTask.Storage.S3.UploadPolicy),
    );
  });

  it('DescribeConversionTasks returns an import-instance task with its volumes and tags', async () => {
    // Prepare
    fixture.sim.putTask('us-east-1', 'conversion', conversionTask);
    // Act
    const output = await fixture.ec2.send(new DescribeConversionTasksCommand({}));
    // Assess
    expect(output.ConversionTasks).toEqual([conversionTask]);
  });

  it('DescribeImportImageTasks returns snapshot details, licences, booleans and doubles', async () => {
    // Prepare
    fixture.sim.putTask('us-east-1', 'import-image', importImageTask);
    // Act
    const output = await fixture.ec2.send(new DescribeImportImageTasksCommand({}));
    // Assess
    expect(output.ImportImageTasks).toEqual([importImageTask]);
    expect(output.NextToken).toBeUndefined();
  });

  it('DescribeImportSnapshotTasks returns the snapshot task detail', async () => {
    // Prepare
    fixture.sim.putTask('us-east-1', 'import-snapshot', importSnapshotTask);
    // Act
    const output = await fixture.ec2.send(new DescribeImportSnapshotTasksCommand({}));
    // Assess
    expect(output.ImportSnapshotTasks).toEqual([importSnapshotTask]);
  });

  it('DescribeStoreImageTasks returns S3objectKey and the millisecond start time', async () => {
    // Prepare
    const failed = {
      AmiId: 'ami-1234567890abcdef0',
      TaskStartTime: new Date('2024-05-10T08:00:00.500Z'),
      Bucket: 'amzn-s3-demo-ami-store',
      S3objectKey: 'ami-1234567890abcdef0.bin',
      ProgressPercentage: 37,
      StoreTaskState: 'Failed',
      StoreTaskFailureReason: 'Access Denied',
    };
    fixture.sim.putTask('us-east-1', 'store-image', failed);
    fixture.sim.putTask('us-east-1', 'store-image', storeImageTask);
    // Act
    const output = await fixture.ec2.send(new DescribeStoreImageTasksCommand({}));
    // Assess: two tasks of one AMI, newest first
    expect(output.StoreImageTaskResults).toEqual([storeImageTask, failed]);
  });

  it('DescribeExportTasks returns the export-to-S3 and instance details', async () => {
    // Prepare
    fixture.sim.putTask('us-east-1', 'export-instance', exportInstanceTask);
    // Act
    const output = await fixture.ec2.send(new DescribeExportTasksCommand({}));
    // Assess
    expect(output.ExportTasks).toEqual([exportInstanceTask]);
  });

  it('DescribeExportImageTasks returns the S3 export location', async () => {
    // Prepare
    fixture.sim.putTask('us-east-1', 'export-image', exportImageTask);
    // Act
    const output = await fixture.ec2.send(new DescribeExportImageTasksCommand({}));
    // Assess
    expect(output.ExportImageTasks).toEqual([exportImageTask]);
  });

  it('DescribeReplaceRootVolumeTasks returns its times as the strings EC2 writes', async () => {
    // Prepare
    fixture.sim.putTask('us-east-1', 'replace-root-volume', replaceRootVolumeTask);
    // Act
    const output = await fixture.ec2.send(new DescribeReplaceRootVolumeTasksCommand({}));
    // Assess
    expect(output.ReplaceRootVolumeTasks).toEqual([replaceRootVolumeTask]);
    expect(output.ReplaceRootVolumeTasks?.[0]?.StartTime).toBe('2020-11-06 13:09:54.0');
  });

  it('DescribeMacModificationTasks returns the SIP configuration', async () => {
    // Prepare
    fixture.sim.putTask('us-east-1', 'mac-modification', macModificationTask);
    // Act
    const output = await fixture.ec2.send(new DescribeMacModificationTasksCommand({}));
    // Assess
    expect(output.MacModificationTasks).toEqual([macModificationTask]);
  });

  it('an empty listing is an empty array, and timestamps given as ISO strings come back as Dates', async () => {
    // Prepare
    fixture.sim.putTask('us-east-1', 'mac-modification', {
      ...macModificationTask,
      StartTime: '2024-05-14T09:12:31.456Z',
    });
    // Act
    const bundles = await fixture.ec2.send(new DescribeBundleTasksCommand({}));
    const macs = await fixture.ec2.send(new DescribeMacModificationTasksCommand({}));
    // Assess
    expect(bundles.BundleTasks).toEqual([]);
    expect(macs.MacModificationTasks?.[0]?.StartTime).toEqual(new Date('2024-05-14T09:12:31.456Z'));
  });

  it('writes the element names of the EC2 model, the namespace and a request id', async () => {
    // Prepare
    fixture.sim.putTask('us-east-1', 'store-image', storeImageTask);
    // Act
    const response = await fetch(fixture.sim.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DescribeStoreImageTasks&Version=2016-11-15',
    });
    const xml = await response.text();
    // Assess
    expect(response.status).toBe(200);
    expect(xml).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<DescribeStoreImageTasksResponse xmlns="http:\/\/ec2\.amazonaws\.com\/doc\/2016-11-15\/"><requestId>[0-9a-f-]{36}<\/requestId>/,
    );
    expect(xml).toContain(
      '<storeImageTaskResultSet><item><amiId>ami-1234567890abcdef0</amiId><taskStartTime>2024-05-14T09:12:31.123Z</taskStartTime>' +
        '<bucket>amzn-s3-demo-ami-store</bucket><s3objectKey>ami-1234567890abcdef0.bin</s3objectKey>' +
        '<progressPercentage>100</progressPercentage><storeTaskState>Completed</storeTaskState></item></storeImageTaskResultSet>',
    );
  });
});
