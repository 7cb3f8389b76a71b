// Why: id lists and documented filters narrow a listing the way EC2 does (ids AND filters, filter
// values OR-ed, wildcards), unknown ids answer EC2's not-found codes, and Regions never mix.
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
  type DescribeStoreImageTasksCommandInput,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { TASK_TYPES } from '../../../devkit/ec2-simulator';
import {
  TASK_BY_TYPE,
  bundleTask,
  clientFor,
  conversionTask,
  exportImageTask,
  exportInstanceTask,
  importImageTask,
  importSnapshotTask,
  macModificationTask,
  numberedTask,
  replaceRootVolumeTask,
  storeImageTask,
  failureOf,
  useSimulator,
} from './fixtures';

describe('EC2 simulator: ids, filters and Regions', () => {
  const fixture = useSimulator();

  describe('id lists', () => {
    it('each API returns only the tasks whose ids are asked for', async () => {
      // Prepare: every type gets its realistic task plus a numbered one
      for (const { taskType } of TASK_TYPES) {
        fixture.sim.putTask('us-east-1', taskType, TASK_BY_TYPE[taskType]);
        fixture.sim.putTask('us-east-1', taskType, numberedTask(taskType, 1));
      }
      // Act
      const found = [
        (await fixture.ec2.send(new DescribeBundleTasksCommand({ BundleIds: ['bun-c9b3a0f5'] }))).BundleTasks,
        (
          await fixture.ec2.send(
            new DescribeConversionTasksCommand({ ConversionTaskIds: ['import-i-ffvko9js'] }),
          )
        ).ConversionTasks,
        (
          await fixture.ec2.send(
            new DescribeImportImageTasksCommand({ ImportTaskIds: ['import-ami-0123456789abcdef0'] }),
          )
        ).ImportImageTasks,
        (
          await fixture.ec2.send(
            new DescribeImportSnapshotTasksCommand({ ImportTaskIds: ['import-snap-0123456789abcdef0'] }),
          )
        ).ImportSnapshotTasks,
        (await fixture.ec2.send(new DescribeStoreImageTasksCommand({ ImageIds: ['ami-1234567890abcdef0'] })))
          .StoreImageTaskResults,
        (
          await fixture.ec2.send(
            new DescribeExportTasksCommand({ ExportTaskIds: ['export-i-021345abcdef6789'] }),
          )
        ).ExportTasks,
        (
          await fixture.ec2.send(
            new DescribeExportImageTasksCommand({ ExportImageTaskIds: ['export-ami-1234567890abcdef0'] }),
          )
        ).ExportImageTasks,
        (
          await fixture.ec2.send(
            new DescribeReplaceRootVolumeTasksCommand({
              ReplaceRootVolumeTaskIds: ['replacevol-0111122223333abcd'],
            }),
          )
        ).ReplaceRootVolumeTasks,
        (
          await fixture.ec2.send(
            new DescribeMacModificationTasksCommand({
              MacModificationTaskIds: ['macmodification-06a4bb89b394ac6d6'],
            }),
          )
        ).MacModificationTasks,
      ];
      // Assess
      expect(found).toEqual([
        [bundleTask].map((t) => ({
          ...t,
          Storage: { S3: { ...t.Storage.S3, UploadPolicy: expect.any(Uint8Array) } },
        })),
        [conversionTask],
        [importImageTask],
        [importSnapshotTask],
        [storeImageTask],
        [exportInstanceTask],
        [exportImageTask],
        [replaceRootVolumeTask],
        [macModificationTask],
      ]);
    });

    it.each<[string, string, (client: EC2Client) => Promise<unknown>]>([
      [
        'DescribeBundleTasks',
        'InvalidBundleID.NotFound',
        (client) => client.send(new DescribeBundleTasksCommand({ BundleIds: ['bun-00000000'] })),
      ],
      [
        'DescribeConversionTasks',
        'InvalidConversionTaskId',
        (client) =>
          client.send(new DescribeConversionTasksCommand({ ConversionTaskIds: ['import-i-00000000'] })),
      ],
      [
        'DescribeImportImageTasks',
        'InvalidConversionTaskId',
        (client) =>
          client.send(
            new DescribeImportImageTasksCommand({ ImportTaskIds: ['import-ami-00000000000000000'] }),
          ),
      ],
      [
        'DescribeImportSnapshotTasks',
        'InvalidConversionTaskId',
        (client) =>
          client.send(
            new DescribeImportSnapshotTasksCommand({ ImportTaskIds: ['import-snap-00000000000000000'] }),
          ),
      ],
      [
        'DescribeExportTasks',
        'InvalidExportTaskID.NotFound',
        (client) =>
          client.send(new DescribeExportTasksCommand({ ExportTaskIds: ['export-i-00000000000000000'] })),
      ],
      [
        'DescribeExportImageTasks',
        'InvalidExportTaskID.NotFound',
        (client) =>
          client.send(
            new DescribeExportImageTasksCommand({ ExportImageTaskIds: ['export-ami-00000000000000000'] }),
          ),
      ],
      [
        'DescribeReplaceRootVolumeTasks',
        'InvalidReplaceRootVolumeTaskId.NotFound',
        (client) =>
          client.send(
            new DescribeReplaceRootVolumeTasksCommand({
              ReplaceRootVolumeTaskIds: ['replacevol-00000000000000000'],
            }),
          ),
      ],
      [
        'DescribeMacModificationTasks',
        'InvalidMacModificationTaskId.NotFound',
        (client) =>
          client.send(
            new DescribeMacModificationTasksCommand({
              MacModificationTaskIds: ['macmodification-00000000000000000'],
            }),
          ),
      ],
    ])('%s: an unknown id answers %s (400)', async (_api, code, call) => {
      // Act
      const error = await failureOf(call(fixture.ec2));
      // Assess
      expect({ name: error.name, status: error.status }).toEqual({ name: code, status: 400 });
    });

    it('store-image: an AMI without store tasks lists nothing (no error)', async () => {
      // Act
      const output = await fixture.ec2.send(
        new DescribeStoreImageTasksCommand({ ImageIds: ['ami-0fffffffffffffff0'] }),
      );
      // Assess
      expect(output.StoreImageTaskResults).toEqual([]);
    });

    it('the not-found error names the missing ids', async () => {
      // Prepare
      fixture.sim.putTask('us-east-1', 'bundle', numberedTask('bundle', 1));
      // Act
      const error = await failureOf(
        fixture.ec2.send(
          new DescribeBundleTasksCommand({ BundleIds: ['bun-00000001', 'bun-0000dead', 'bun-0000beef'] }),
        ),
      );
      // Assess
      expect(error.message).toBe("The BundleId 'bun-0000dead', 'bun-0000beef' do not exist");
    });
  });

  describe('filters', () => {
    it('task-state selects import-image tasks; several values are OR-ed', async () => {
      // Prepare
      fixture.sim.putTask('us-east-1', 'import-image', numberedTask('import-image', 1));
      fixture.sim.putTask('us-east-1', 'import-image', {
        ...numberedTask('import-image', 2),
        Status: 'completed',
      });
      fixture.sim.putTask('us-east-1', 'import-image', {
        ...numberedTask('import-image', 3),
        Status: 'deleted',
      });
      const states = async (values: string[]) =>
        (
          await fixture.ec2.send(
            new DescribeImportImageTasksCommand({ Filters: [{ Name: 'task-state', Values: values }] }),
          )
        ).ImportImageTasks?.map((task) => task.Status);
      // Act
      const active = await states(['active']);
      const finished = await states(['completed', 'deleted']);
      // Assess
      expect(active).toEqual(['active']);
      expect(finished).toEqual(['completed', 'deleted']);
    });

    it('store-image filters by task-state and bucket, ANDed, and ignores filters when ImageIds are given', async () => {
      // Prepare
      fixture.sim.putTask('us-east-1', 'store-image', numberedTask('store-image', 1));
      fixture.sim.putTask('us-east-1', 'store-image', {
        ...numberedTask('store-image', 2),
        StoreTaskState: 'Completed',
      });
      fixture.sim.putTask('us-east-1', 'store-image', {
        ...numberedTask('store-image', 3),
        StoreTaskState: 'Completed',
        Bucket: 'amzn-s3-demo-other',
      });
      const amis = async (input: DescribeStoreImageTasksCommandInput) =>
        (await fixture.ec2.send(new DescribeStoreImageTasksCommand(input))).StoreImageTaskResults?.map(
          (task) => task.AmiId,
        );
      // Act
      const completedInBucket = await amis({
        Filters: [
          { Name: 'task-state', Values: ['Completed'] },
          { Name: 'bucket', Values: ['amzn-s3-demo-ami-store'] },
        ],
      });
      const byIdIgnoringFilter = await amis({
        ImageIds: ['ami-00000000000000001'],
        Filters: [{ Name: 'task-state', Values: ['Failed'] }],
      });
      // Assess
      expect(completedInBucket).toEqual(['ami-00000000000000002']);
      expect(byIdIgnoringFilter).toEqual(['ami-00000000000000001']);
    });

    it('bundle filters reach nested members and times, with * and ? wildcards', async () => {
      // Prepare
      fixture.sim.putTask('us-east-1', 'bundle', bundleTask);
      fixture.sim.putTask('us-east-1', 'bundle', numberedTask('bundle', 1));
      const bundleIds = async (name: string, value: string) =>
        (
          await fixture.ec2.send(
            new DescribeBundleTasksCommand({ Filters: [{ Name: name, Values: [value] }] }),
          )
        ).BundleTasks?.map((task) => task.BundleId);
      // Act
      const results = {
        errorCode: await bundleIds('error-code', 'Client.S3Error'),
        bucket: await bundleIds('s3-bucket', 'amzn-s3-demo-*'),
        prefix: await bundleIds('s3-prefix', 'win???'),
        startTime: await bundleIds('start-time', '2024-05-14T09:12:31.000Z'),
        state: await bundleIds('state', 'bundling'),
        progress: await bundleIds('progress', '70%'),
        none: await bundleIds('instance-id', 'i-0000000000000000'),
      };
      // Assess
      expect(results).toEqual({
        errorCode: ['bun-c9b3a0f5'],
        bucket: ['bun-c9b3a0f5'],
        prefix: ['bun-c9b3a0f5'],
        startTime: ['bun-c9b3a0f5'],
        state: ['bun-00000001'],
        progress: ['bun-c9b3a0f5'],
        none: [],
      });
    });

    it('replace-root-volume filters by instance-id; mac-modification by task-state, task-type and SIP status', async () => {
      // Prepare
      fixture.sim.putTask('us-east-1', 'replace-root-volume', replaceRootVolumeTask);
      fixture.sim.putTask('us-east-1', 'replace-root-volume', {
        ...numberedTask('replace-root-volume', 1),
        InstanceId: 'i-0ffff',
      });
      fixture.sim.putTask('us-east-1', 'mac-modification', macModificationTask);
      fixture.sim.putTask('us-east-1', 'mac-modification', numberedTask('mac-modification', 1));
      const macIds = async (name: string, value: string) =>
        (
          await fixture.ec2.send(
            new DescribeMacModificationTasksCommand({ Filters: [{ Name: name, Values: [value] }] }),
          )
        ).MacModificationTasks?.map((task) => task.MacModificationTaskId);
      // Act
      const volumes = await fixture.ec2.send(
        new DescribeReplaceRootVolumeTasksCommand({
          Filters: [{ Name: 'instance-id', Values: ['i-0ffff'] }],
        }),
      );
      const macs = {
        state: await macIds('task-state', 'pending'),
        type: await macIds('task-type', 'sip-modification'),
        sip: await macIds('mac-system-integrity-protection-configuration.sip-status', 'disabled'),
        start: await macIds('start-time', '2024-05-14T09:12:31.456Z'),
      };
      // Assess
      expect(volumes.ReplaceRootVolumeTasks?.map((task) => task.ReplaceRootVolumeTaskId)).toEqual([
        'replacevol-00000000000000001',
      ]);
      expect(macs).toEqual({
        state: ['macmodification-00000000000000001'],
        type: ['macmodification-06a4bb89b394ac6d6'],
        sip: ['macmodification-06a4bb89b394ac6d6'],
        start: ['macmodification-06a4bb89b394ac6d6'],
      });
    });

    it('an undocumented filter name is InvalidParameterValue (400)', async () => {
      // Act
      const imageError = await failureOf(
        fixture.ec2.send(
          new DescribeImportImageTasksCommand({ Filters: [{ Name: 'state', Values: ['active'] }] }),
        ),
      );
      const exportError = await failureOf(
        fixture.ec2.send(
          new DescribeExportTasksCommand({ Filters: [{ Name: 'task-state', Values: ['active'] }] }),
        ),
      );
      // Assess
      expect(imageError).toEqual({
        name: 'InvalidParameterValue',
        status: 400,
        message: "The filter 'state' is invalid",
      });
      expect(exportError.name).toBe('InvalidParameterValue');
    });

    it('a parameter the API does not have is UnknownParameter (400)', async () => {
      // Act: DescribeExportTasks has no DryRun member; conversion has no Filter
      const response = await fetch(fixture.sim.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=DescribeConversionTasks&Version=2016-11-15&Filter.1.Name=state&Filter.1.Value.1=active',
      });
      // Assess
      expect(response.status).toBe(400);
      expect(await response.text()).toContain(
        '<Code>UnknownParameter</Code><Message>The parameter Filter.1.Name is not recognized</Message>',
      );
    });

    it('DryRun answers DryRunOperation (412)', async () => {
      // Act
      const error = await failureOf(fixture.ec2.send(new DescribeBundleTasksCommand({ DryRun: true })));
      // Assess
      expect({ name: error.name, status: error.status }).toEqual({ name: 'DryRunOperation', status: 412 });
    });
  });

  describe('Regions', () => {
    it('a client for eu-west-1 sees only eu-west-1 tasks', async () => {
      // Prepare
      const eu = clientFor(fixture.sim, 'eu-west-1');
      fixture.sim.putTask('us-east-1', 'import-image', numberedTask('import-image', 1));
      fixture.sim.putTask('eu-west-1', 'import-image', numberedTask('import-image', 2));
      fixture.sim.putTask('eu-west-1', 'bundle', numberedTask('bundle', 3));
      try {
        // Act
        const euImages = await eu.send(new DescribeImportImageTasksCommand({}));
        const usImages = await fixture.ec2.send(new DescribeImportImageTasksCommand({}));
        const usBundles = await fixture.ec2.send(new DescribeBundleTasksCommand({}));
        // Assess
        expect(euImages.ImportImageTasks?.map((task) => task.ImportTaskId)).toEqual([
          'import-ami-00000000000000002',
        ]);
        expect(usImages.ImportImageTasks?.map((task) => task.ImportTaskId)).toEqual([
          'import-ami-00000000000000001',
        ]);
        expect(usBundles.BundleTasks).toEqual([]);
        expect(fixture.sim.requests.map((request) => request.region)).toEqual([
          'eu-west-1',
          'us-east-1',
          'us-east-1',
        ]);
      } finally {
        eu.destroy();
      }
    });

    it('a call without a SigV4 credential scope is us-east-1', async () => {
      // Prepare
      fixture.sim.putTask('us-east-1', 'bundle', numberedTask('bundle', 1));
      // Act
      const response = await fetch(`${fixture.sim.url}/?Action=DescribeBundleTasks&Version=2016-11-15`);
      // Assess
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<bundleId>bun-00000001</bundleId>');
      expect(fixture.sim.requests[0]?.region).toBe('us-east-1');
    });
  });
});
