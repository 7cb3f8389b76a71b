// export-image: DescribeExportImageTasks, AMIs exported to S3 as a VM image (ExportImage).
// Status is a free string like VM Import's; the sub-step of an active task is in StatusMessage.
import { type EC2Client, type ExportImageTask, paginateDescribeExportImageTasks } from '@aws-sdk/client-ec2';
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
const META = TASK_TYPE_METADATA['export-image'];

export const exportImage: TaskTypeDescriptor<ExportImageTask> = {
  ...META,
  async *listPages(client: EC2Client, { abortSignal }: ListOptions = {}) {
    yield* itemsOfPages(
      paginateDescribeExportImageTasks(paginatorConfig(client, META.pageSize), {}, { abortSignal }),
      (page) => page.ExportImageTasks,
    );
  },
  normalise(raw, { region, account }) {
    const resources: RelatedResources = {
      imageId: optionalId(raw.ImageId),
      bucket: optionalId(raw.S3ExportLocation?.S3Bucket),
      key: optionalId(raw.S3ExportLocation?.S3Prefix),
    };
    const taskId = optionalId(raw.ExportImageTaskId);
    if (!taskId) throw new InvalidTaskError('export-image', 'ExportImageTaskId is missing', resources);
    const state = stateString(raw.Status);
    const statusMessage = cleanText(raw.StatusMessage);
    return {
      taskType: 'export-image',
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
      raw: boundedRaw(raw),
    };
  },
};
