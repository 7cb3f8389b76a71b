// Why: realistic tasks of all nine types (values in the style of AWS's documented examples), an
// SDK client wired to a simulator and a simulator per describe block, shared by the simulator's tests.
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  startEc2Simulator,
  type Ec2Simulator,
  type Ec2SimulatorOptions,
  type SdkTask,
  type TaskTypeName,
} from '../../../devkit/ec2-simulator';

/** A real SDK client for one Region of the simulator: no retries, fake credentials. */
export function clientFor(sim: Pick<Ec2Simulator, 'url'>, region = 'us-east-1'): EC2Client {
  return new EC2Client({
    region,
    endpoint: sim.url,
    credentials: {
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    },
    maxAttempts: 1,
  });
}

/** A simulator and a client of its us-east-1, set once the enclosing block's `beforeAll` has run. */
export interface SimulatorFixture {
  readonly sim: Ec2Simulator;
  readonly ec2: EC2Client;
}

/**
 * Starts a simulator (and a {@link clientFor} it) before the enclosing block's tests, empties it
 * after each test and closes both after the last one. Read `sim` and `ec2` inside tests and hooks.
 */
export function useSimulator(options?: Ec2SimulatorOptions): SimulatorFixture {
  const fixture = {} as { sim: Ec2Simulator; ec2: EC2Client };
  beforeAll(async () => {
    fixture.sim = await startEc2Simulator(options);
    fixture.ec2 = clientFor(fixture.sim);
  });
  afterEach(() => fixture.sim.reset());
  afterAll(async () => {
    fixture.ec2.destroy();
    await fixture.sim.close();
  });
  return fixture;
}

const uploadPolicy = new TextEncoder().encode(
  '{"expiration":"2024-05-15T09:12:31Z","conditions":[{"bucket":"amzn-s3-demo-bucket"},{"acl":"ec2-bundle-read"}]}',
);

export const bundleTask = {
  InstanceId: 'i-0598c7d356eba48d7',
  BundleId: 'bun-c9b3a0f5',
  State: 'failed',
  StartTime: new Date('2024-05-14T09:12:31.000Z'),
  UpdateTime: new Date('2024-05-14T09:40:02.000Z'),
  Storage: {
    S3: {
      AWSAccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      Bucket: 'amzn-s3-demo-bucket',
      Prefix: 'winami',
      UploadPolicy: uploadPolicy,
      UploadPolicySignature: 'fh5tyyyQD8W4COEthj3nlGNU8ro=',
    },
  },
  Progress: '70%',
  BundleTaskError: {
    Code: 'Client.S3Error',
    Message: 'Access denied to bucket amzn-s3-demo-bucket & <prefix> "winami"',
  },
};

export const conversionTask = {
  ConversionTaskId: 'import-i-ffvko9js',
  ExpirationTime: '2024-05-21T09:12:31Z',
  ImportInstance: {
    Description: 'Windows Server 2019 from VMware',
    InstanceId: 'i-1234567890abcdef0',
    Platform: 'Windows',
    Volumes: [
      {
        AvailabilityZone: 'us-east-1a',
        AvailabilityZoneId: 'use1-az6',
        BytesConverted: 8589934592,
        Description: 'boot volume',
        Image: {
          Checksum: 'e51b8e46ee3a1bba1b2e5b18ba5bba76',
          Format: 'VMDK',
          ImportManifestUrl:
            'https://amzn-s3-demo-bucket.s3.amazonaws.com/a3a5e1b6-590d-43cc-97c1-15c7325d3f41/Win_2019_Server_Data_Center_64.vmdkmanifest.xml',
          Size: 12884901888,
        },
        Status: 'active',
        StatusMessage: 'converting',
        Volume: { Id: 'vol-049df61146c4d7901', Size: 30 },
      },
    ],
  },
  State: 'active',
  StatusMessage: 'Pending',
  Tags: [{ Key: 'Name', Value: 'win2019-import' }],
};

export const importImageTask = {
  Architecture: 'x86_64',
  Description: 'Ubuntu 22.04 server from OVA',
  Encrypted: true,
  Hypervisor: 'xen',
  ImageId: 'ami-0a1b2c3d4e5f67890',
  ImportTaskId: 'import-ami-0123456789abcdef0',
  KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  LicenseType: 'BYOL',
  Platform: 'Linux',
  Progress: '84',
  SnapshotDetails: [
    {
      Description: 'disk1',
      DeviceName: '/dev/sda1',
      DiskImageSize: 1342177280.5,
      Format: 'VMDK',
      Progress: '84',
      SnapshotId: 'snap-0123456789abcdef0',
      Status: 'completed',
      StatusMessage: 'converting',
      Url: 's3://amzn-s3-demo-import-bucket/ubuntu-22.04-disk1.vmdk',
      UserBucket: { S3Bucket: 'amzn-s3-demo-import-bucket', S3Key: 'ubuntu-22.04-disk1.vmdk' },
    },
  ],
  Status: 'active',
  StatusMessage: 'preparing ami',
  Tags: [{ Key: 'Project', Value: 'migration' }],
  LicenseSpecifications: [
    {
      LicenseConfigurationArn:
        'arn:aws:license-manager:us-east-1:123456789012:license-configuration:lic-0123456789abcdef0',
    },
  ],
  UsageOperation: 'RunInstances:0002',
  BootMode: 'uefi',
};

export const importSnapshotTask = {
  Description: 'Data disk from on-premises',
  ImportTaskId: 'import-snap-0123456789abcdef0',
  SnapshotTaskDetail: {
    Description: 'data-disk',
    DiskImageSize: 2147483648,
    Encrypted: false,
    Format: 'VHD',
    Progress: '42',
    Status: 'active',
    StatusMessage: 'downloading/converting',
    Url: 's3://amzn-s3-demo-import-bucket/data-disk.vhd',
    UserBucket: { S3Bucket: 'amzn-s3-demo-import-bucket', S3Key: 'data-disk.vhd' },
  },
  Tags: [{ Key: 'Owner', Value: 'storage-team' }],
};

export const storeImageTask = {
  AmiId: 'ami-1234567890abcdef0',
  TaskStartTime: new Date('2024-05-14T09:12:31.123Z'),
  Bucket: 'amzn-s3-demo-ami-store',
  S3objectKey: 'ami-1234567890abcdef0.bin',
  ProgressPercentage: 100,
  StoreTaskState: 'Completed',
};

export const exportInstanceTask = {
  Description: 'Export of the build server',
  ExportTaskId: 'export-i-021345abcdef6789',
  ExportToS3Task: {
    ContainerFormat: 'ova',
    DiskImageFormat: 'VMDK',
    S3Bucket: 'amzn-s3-demo-export-bucket',
    S3Key: 'exports/export-i-021345abcdef6789.ova',
  },
  InstanceExportDetails: { InstanceId: 'i-038e1234567890abc', TargetEnvironment: 'vmware' },
  State: 'active',
  StatusMessage: 'Running',
  Tags: [{ Key: 'Name', Value: 'build-server-export' }],
};

export const exportImageTask = {
  Description: 'Golden image for on-premises',
  ExportImageTaskId: 'export-ami-1234567890abcdef0',
  ImageId: 'ami-0abcdef1234567890',
  Progress: '21',
  S3ExportLocation: { S3Bucket: 'amzn-s3-demo-export-bucket', S3Prefix: 'exports/' },
  Status: 'active',
  StatusMessage: 'converting',
  Tags: [{ Key: 'Name', Value: 'golden-export' }],
};

export const replaceRootVolumeTask = {
  ReplaceRootVolumeTaskId: 'replacevol-0111122223333abcd',
  InstanceId: 'i-0123456789example',
  TaskState: 'succeeded',
  StartTime: '2020-11-06 13:09:54.0',
  CompleteTime: '2020-11-06 13:10:11.0',
  Tags: [{ Key: 'Ticket', Value: 'OPS-1234' }],
  ImageId: 'ami-0abcdef1234567890',
  SnapshotId: 'snap-0abcdef1234567890',
  DeleteReplacedRootVolume: true,
};

export const macModificationTask = {
  InstanceId: 'i-0abcdef1234567890',
  MacModificationTaskId: 'macmodification-06a4bb89b394ac6d6',
  MacSystemIntegrityProtectionConfig: {
    AppleInternal: 'disabled',
    BaseSystem: 'enabled',
    DebuggingRestrictions: 'enabled',
    DTraceRestrictions: 'disabled',
    FilesystemProtections: 'enabled',
    KextSigning: 'enabled',
    NvramProtections: 'enabled',
    Status: 'disabled',
  },
  StartTime: new Date('2024-05-14T09:12:31.456Z'),
  Tags: [{ Key: 'Fleet', Value: 'mac-ci' }],
  TaskState: 'in-progress',
  TaskType: 'sip-modification',
};

/** One realistic task per type. */
export const TASK_BY_TYPE: Readonly<Record<TaskTypeName, SdkTask>> = {
  bundle: bundleTask,
  conversion: conversionTask,
  'import-image': importImageTask,
  'import-snapshot': importSnapshotTask,
  'store-image': storeImageTask,
  'export-instance': exportInstanceTask,
  'export-image': exportImageTask,
  'replace-root-volume': replaceRootVolumeTask,
  'mac-modification': macModificationTask,
};

/** An import-image task with only what a listing needs, for bulk tests. */
export function smallImportImageTask(n: number, status = 'active'): SdkTask {
  return {
    ImportTaskId: `import-ami-${String(n).padStart(17, '0')}`,
    Status: status,
    StatusMessage: status === 'active' ? 'converting' : undefined,
    Progress: status === 'active' ? '30' : undefined,
  };
}

/** The n-th small task of a type (ids sort in n order; store-image start times grow with n). */
export function numberedTask(taskType: TaskTypeName, n: number): SdkTask {
  const suffix = String(n).padStart(17, '0');
  switch (taskType) {
    case 'bundle':
      return {
        BundleId: `bun-${String(n).padStart(8, '0')}`,
        State: 'bundling',
        InstanceId: 'i-0598c7d356eba48d7',
      };
    case 'conversion':
      return { ConversionTaskId: `import-i-${String(n).padStart(8, '0')}`, State: 'active' };
    case 'import-image':
      return smallImportImageTask(n);
    case 'import-snapshot':
      return {
        ImportTaskId: `import-snap-${suffix}`,
        SnapshotTaskDetail: { Status: 'active', Progress: '10' },
      };
    case 'store-image':
      return {
        AmiId: `ami-${suffix}`,
        TaskStartTime: new Date(Date.UTC(2024, 4, 1, 0, n)),
        Bucket: 'amzn-s3-demo-ami-store',
        S3objectKey: `ami-${suffix}.bin`,
        ProgressPercentage: 50,
        StoreTaskState: 'InProgress',
      };
    case 'export-instance':
      return { ExportTaskId: `export-i-${suffix}`, State: 'active' };
    case 'export-image':
      return { ExportImageTaskId: `export-ami-${suffix}`, Status: 'active', Progress: '10' };
    case 'replace-root-volume':
      return {
        ReplaceRootVolumeTaskId: `replacevol-${suffix}`,
        InstanceId: 'i-0123456789example',
        TaskState: 'pending',
      };
    case 'mac-modification':
      return {
        MacModificationTaskId: `macmodification-${suffix}`,
        InstanceId: 'i-0abcdef1234567890',
        TaskState: 'pending',
      };
  }
}

/** What a failed SDK call reports: the error name (EC2 code), HTTP status and message. */
export interface SdkFailure {
  name: string;
  status: number | undefined;
  message: string;
}

/** Awaits a call that must fail and returns its error's name, HTTP status and message. */
export async function failureOf(promise: Promise<unknown>): Promise<SdkFailure> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
