// Why: EC2 writes each member under its botocore `locationName`, not its SDK name; these compact
// specs (transcribed from the EC2 model at development time) drive serialisation and validation.

/** Scalar kinds of the EC2 model that the simulator writes. */
export type ScalarKind = 'string' | 'integer' | 'long' | 'double' | 'boolean' | 'timestamp' | 'blob';

/**
 * A string member that holds a time (the model types it String, so EC2 writes it verbatim).
 * `space` is replace-root-volume's "2020-11-06 13:09:54.0"; `iso` is conversion's ExpirationTime.
 * Only scenarios care: `$now` resolves to the right format.
 */
export interface TimeStringShape {
  readonly kind: 'timeString';
  readonly format: 'space' | 'iso';
}

/** A structure: SDK member name → [XML element name, shape]. Order is the model's order. */
export interface StructureShape {
  readonly kind: 'structure';
  readonly members: Readonly<Record<string, readonly [xmlName: string, shape: Shape]>>;
}

/** A list; EC2 writes every list member as `<item>`. */
export interface ListShape {
  readonly kind: 'list';
  readonly member: Shape;
}

/** Any member shape of the nine task APIs. */
export type Shape = ScalarKind | TimeStringShape | StructureShape | ListShape;

function struct(members: StructureShape['members']): StructureShape {
  return { kind: 'structure', members };
}

function list(member: Shape): ListShape {
  return { kind: 'list', member };
}

const spaceTime: TimeStringShape = { kind: 'timeString', format: 'space' };
const isoTime: TimeStringShape = { kind: 'timeString', format: 'iso' };

const Tags = list(struct({ Key: ['key', 'string'], Value: ['value', 'string'] }));

const UserBucket = struct({ S3Bucket: ['s3Bucket', 'string'], S3Key: ['s3Key', 'string'] });

const DiskImageDescription = struct({
  Checksum: ['checksum', 'string'],
  Format: ['format', 'string'],
  ImportManifestUrl: ['importManifestUrl', 'string'],
  Size: ['size', 'long'],
});

const DiskImageVolumeDescription = struct({ Id: ['id', 'string'], Size: ['size', 'long'] });

/** DescribeBundleTasks → `<bundleInstanceTasksSet>`. */
export const BundleTask = struct({
  InstanceId: ['instanceId', 'string'],
  BundleId: ['bundleId', 'string'],
  State: ['state', 'string'],
  StartTime: ['startTime', 'timestamp'],
  UpdateTime: ['updateTime', 'timestamp'],
  Storage: [
    'storage',
    struct({
      // S3 and AWSAccessKeyId have no locationName: EC2 writes the member name itself.
      S3: [
        'S3',
        struct({
          AWSAccessKeyId: ['AWSAccessKeyId', 'string'],
          Bucket: ['bucket', 'string'],
          Prefix: ['prefix', 'string'],
          UploadPolicy: ['uploadPolicy', 'blob'],
          UploadPolicySignature: ['uploadPolicySignature', 'string'],
        }),
      ],
    }),
  ],
  Progress: ['progress', 'string'],
  BundleTaskError: ['error', struct({ Code: ['code', 'string'], Message: ['message', 'string'] })],
});

/** DescribeConversionTasks → `<conversionTasks>`. */
export const ConversionTask = struct({
  ConversionTaskId: ['conversionTaskId', 'string'],
  ExpirationTime: ['expirationTime', isoTime],
  ImportInstance: [
    'importInstance',
    struct({
      Description: ['description', 'string'],
      InstanceId: ['instanceId', 'string'],
      Platform: ['platform', 'string'],
      Volumes: [
        'volumes',
        list(
          struct({
            AvailabilityZone: ['availabilityZone', 'string'],
            AvailabilityZoneId: ['availabilityZoneId', 'string'],
            BytesConverted: ['bytesConverted', 'long'],
            Description: ['description', 'string'],
            Image: ['image', DiskImageDescription],
            Status: ['status', 'string'],
            StatusMessage: ['statusMessage', 'string'],
            Volume: ['volume', DiskImageVolumeDescription],
          }),
        ),
      ],
    }),
  ],
  ImportVolume: [
    'importVolume',
    struct({
      AvailabilityZone: ['availabilityZone', 'string'],
      AvailabilityZoneId: ['availabilityZoneId', 'string'],
      BytesConverted: ['bytesConverted', 'long'],
      Description: ['description', 'string'],
      Image: ['image', DiskImageDescription],
      Volume: ['volume', DiskImageVolumeDescription],
    }),
  ],
  State: ['state', 'string'],
  StatusMessage: ['statusMessage', 'string'],
  Tags: ['tagSet', Tags],
});

/** DescribeImportImageTasks → `<importImageTaskSet>`. */
export const ImportImageTask = struct({
  Architecture: ['architecture', 'string'],
  Description: ['description', 'string'],
  Encrypted: ['encrypted', 'boolean'],
  Hypervisor: ['hypervisor', 'string'],
  ImageId: ['imageId', 'string'],
  ImportTaskId: ['importTaskId', 'string'],
  KmsKeyId: ['kmsKeyId', 'string'],
  LicenseType: ['licenseType', 'string'],
  Platform: ['platform', 'string'],
  Progress: ['progress', 'string'],
  SnapshotDetails: [
    'snapshotDetailSet',
    list(
      struct({
        Description: ['description', 'string'],
        DeviceName: ['deviceName', 'string'],
        DiskImageSize: ['diskImageSize', 'double'],
        Format: ['format', 'string'],
        Progress: ['progress', 'string'],
        SnapshotId: ['snapshotId', 'string'],
        Status: ['status', 'string'],
        StatusMessage: ['statusMessage', 'string'],
        Url: ['url', 'string'],
        UserBucket: ['userBucket', UserBucket],
      }),
    ),
  ],
  Status: ['status', 'string'],
  StatusMessage: ['statusMessage', 'string'],
  Tags: ['tagSet', Tags],
  LicenseSpecifications: [
    'licenseSpecifications',
    list(struct({ LicenseConfigurationArn: ['licenseConfigurationArn', 'string'] })),
  ],
  UsageOperation: ['usageOperation', 'string'],
  BootMode: ['bootMode', 'string'],
});

/** DescribeImportSnapshotTasks → `<importSnapshotTaskSet>`. */
export const ImportSnapshotTask = struct({
  Description: ['description', 'string'],
  ImportTaskId: ['importTaskId', 'string'],
  SnapshotTaskDetail: [
    'snapshotTaskDetail',
    struct({
      Description: ['description', 'string'],
      DiskImageSize: ['diskImageSize', 'double'],
      Encrypted: ['encrypted', 'boolean'],
      Format: ['format', 'string'],
      KmsKeyId: ['kmsKeyId', 'string'],
      Progress: ['progress', 'string'],
      SnapshotId: ['snapshotId', 'string'],
      Status: ['status', 'string'],
      StatusMessage: ['statusMessage', 'string'],
      Url: ['url', 'string'],
      UserBucket: ['userBucket', UserBucket],
    }),
  ],
  Tags: ['tagSet', Tags],
});

/** DescribeStoreImageTasks → `<storeImageTaskResultSet>`; note `s3objectKey` (lower-case o). */
export const StoreImageTaskResult = struct({
  AmiId: ['amiId', 'string'],
  TaskStartTime: ['taskStartTime', 'timestamp'],
  Bucket: ['bucket', 'string'],
  S3objectKey: ['s3objectKey', 'string'],
  ProgressPercentage: ['progressPercentage', 'integer'],
  StoreTaskState: ['storeTaskState', 'string'],
  StoreTaskFailureReason: ['storeTaskFailureReason', 'string'],
});

/** DescribeExportTasks → `<exportTaskSet>`. */
export const ExportTask = struct({
  Description: ['description', 'string'],
  ExportTaskId: ['exportTaskId', 'string'],
  ExportToS3Task: [
    'exportToS3',
    struct({
      ContainerFormat: ['containerFormat', 'string'],
      DiskImageFormat: ['diskImageFormat', 'string'],
      S3Bucket: ['s3Bucket', 'string'],
      S3Key: ['s3Key', 'string'],
    }),
  ],
  InstanceExportDetails: [
    'instanceExport',
    struct({ InstanceId: ['instanceId', 'string'], TargetEnvironment: ['targetEnvironment', 'string'] }),
  ],
  State: ['state', 'string'],
  StatusMessage: ['statusMessage', 'string'],
  Tags: ['tagSet', Tags],
});

/** DescribeExportImageTasks → `<exportImageTaskSet>`. */
export const ExportImageTask = struct({
  Description: ['description', 'string'],
  ExportImageTaskId: ['exportImageTaskId', 'string'],
  ImageId: ['imageId', 'string'],
  Progress: ['progress', 'string'],
  S3ExportLocation: [
    's3ExportLocation',
    struct({ S3Bucket: ['s3Bucket', 'string'], S3Prefix: ['s3Prefix', 'string'] }),
  ],
  Status: ['status', 'string'],
  StatusMessage: ['statusMessage', 'string'],
  Tags: ['tagSet', Tags],
});

/** DescribeReplaceRootVolumeTasks → `<replaceRootVolumeTaskSet>`; its times are plain strings. */
export const ReplaceRootVolumeTask = struct({
  ReplaceRootVolumeTaskId: ['replaceRootVolumeTaskId', 'string'],
  InstanceId: ['instanceId', 'string'],
  TaskState: ['taskState', 'string'],
  StartTime: ['startTime', spaceTime],
  CompleteTime: ['completeTime', spaceTime],
  Tags: ['tagSet', Tags],
  ImageId: ['imageId', 'string'],
  SnapshotId: ['snapshotId', 'string'],
  DeleteReplacedRootVolume: ['deleteReplacedRootVolume', 'boolean'],
});

/** DescribeMacModificationTasks → `<macModificationTaskSet>`. */
export const MacModificationTask = struct({
  InstanceId: ['instanceId', 'string'],
  MacModificationTaskId: ['macModificationTaskId', 'string'],
  MacSystemIntegrityProtectionConfig: [
    'macSystemIntegrityProtectionConfig',
    struct({
      AppleInternal: ['appleInternal', 'string'],
      BaseSystem: ['baseSystem', 'string'],
      DebuggingRestrictions: ['debuggingRestrictions', 'string'],
      DTraceRestrictions: ['dTraceRestrictions', 'string'],
      FilesystemProtections: ['filesystemProtections', 'string'],
      KextSigning: ['kextSigning', 'string'],
      NvramProtections: ['nvramProtections', 'string'],
      Status: ['status', 'string'],
    }),
  ],
  StartTime: ['startTime', 'timestamp'],
  Tags: ['tagSet', Tags],
  TaskState: ['taskState', 'string'],
  TaskType: ['taskType', 'string'],
});
