// import-image: DescribeImportImageTasks, VM Import/Export of a disk image into an AMI.
// Status is a free string (active, completed, deleting, deleted); the sub-step of an active
// task (validating, converting, updating, ...) is in StatusMessage.
import { type EC2Client, type ImportImageTask, paginateDescribeImportImageTasks } from '@aws-sdk/client-ec2';
import { boundedRaw } from '../domain/raw';
import type { RelatedResources } from '../domain/task';
import { cleanText, optionalId, parseProgress } from '../domain/values';
import {
  importExportPhase,
  InvalidTaskError,
  stateString,
  type TaskTypeDescriptor,
  itemsOfPages,
  type ListOptions,
  paginatorConfig,
} from './task-type';
import { TASK_TYPE_METADATA } from './metadata';

/** The type's name, API, lifecycle and page size. */
const META = TASK_TYPE_METADATA['import-image'];

export const importImage: TaskTypeDescriptor<ImportImageTask> = {
  ...META,
  async *listPages(client: EC2Client, { abortSignal, withoutPageSize }: ListOptions = {}) {
    yield* itemsOfPages(
      paginateDescribeImportImageTasks(
        paginatorConfig(client, withoutPageSize ? undefined : META.pageSize),
        {},
        { abortSignal },
      ),
      (page) => page.ImportImageTasks,
    );
  },
  normalise(raw, { region, account }) {
    const firstSnapshot = raw.SnapshotDetails?.[0];
    const resources: RelatedResources = {
      imageId: optionalId(raw.ImageId),
      snapshotId: optionalId(firstSnapshot?.SnapshotId),
      bucket: optionalId(firstSnapshot?.UserBucket?.S3Bucket),
      key: optionalId(firstSnapshot?.UserBucket?.S3Key),
    };
    const taskId = optionalId(raw.ImportTaskId);
    if (!taskId) throw new InvalidTaskError('import-image', 'ImportTaskId is missing', resources);
    const state = stateString(raw.Status);
    const statusMessage = cleanText(raw.StatusMessage);
    return {
      taskType: 'import-image',
      taskId,
      region,
      account,
      state,
      phase: importExportPhase(META.lifecycle, state, statusMessage),
      progress: parseProgress(raw.Progress),
      statusMessage,
      resources,
      startTime: null,
      updateTime: null,
      // Each disk's Url may be a presigned URL (the model marks it sensitive); UserBucket says
      // where the disk image is without granting access to it.
      raw: boundedRaw({
        ...raw,
        SnapshotDetails: raw.SnapshotDetails?.map((detail) => ({ ...detail, Url: undefined })),
      }),
    };
  },
};
