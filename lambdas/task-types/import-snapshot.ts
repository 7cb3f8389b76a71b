// import-snapshot: DescribeImportSnapshotTasks, VM Import/Export of a disk image into an EBS
// snapshot. Everything but the id is in SnapshotTaskDetail, whose Status is a free string.
import {
  type EC2Client,
  type ImportSnapshotTask,
  paginateDescribeImportSnapshotTasks,
} from '@aws-sdk/client-ec2';
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
const META = TASK_TYPE_METADATA['import-snapshot'];

export const importSnapshot: TaskTypeDescriptor<ImportSnapshotTask> = {
  ...META,
  async *listPages(client: EC2Client, { abortSignal, withoutPageSize }: ListOptions = {}) {
    yield* itemsOfPages(
      paginateDescribeImportSnapshotTasks(
        paginatorConfig(client, withoutPageSize ? undefined : META.pageSize),
        {},
        { abortSignal },
      ),
      (page) => page.ImportSnapshotTasks,
    );
  },
  normalise(raw, { region, account }) {
    const detail = raw.SnapshotTaskDetail;
    const resources: RelatedResources = {
      snapshotId: optionalId(detail?.SnapshotId),
      bucket: optionalId(detail?.UserBucket?.S3Bucket),
      key: optionalId(detail?.UserBucket?.S3Key),
    };
    const taskId = optionalId(raw.ImportTaskId);
    if (!taskId) throw new InvalidTaskError('import-snapshot', 'ImportTaskId is missing', resources);
    const state = stateString(detail?.Status);
    const statusMessage = cleanText(detail?.StatusMessage);
    return {
      taskType: 'import-snapshot',
      taskId,
      region,
      account,
      state,
      phase: importExportPhase(META.lifecycle, state, statusMessage),
      progress: parseProgress(detail?.Progress),
      statusMessage,
      resources,
      startTime: null,
      updateTime: null,
      // Url may be a presigned URL (the model marks it sensitive); the bucket and key say where
      // the disk image is without granting access to it.
      raw: boundedRaw(detail ? { ...raw, SnapshotTaskDetail: { ...detail, Url: undefined } } : raw),
    };
  },
};
