// export-image: DescribeExportImageTasks, AMIs exported to S3 as a VM image (ExportImage).
// Status is a free string like VM Import's; the sub-step of an active task is in StatusMessage.
import { type EC2Client, type ExportImageTask, paginateDescribeExportImageTasks } from '@aws-sdk/client-ec2';
import { boundedRaw } from '../domain/raw';
import type { RelatedResources } from '../domain/task';
import { cleanText, optionalId, parseProgress } from '../domain/values';
import {
  IMPORT_EXPORT_LIFECYCLE,
  importExportPhase,
  InvalidTaskError,
  stateString,
  type TaskTypeDescriptor,
  itemsOfPages,
  type ListOptions,
  paginatorConfig,
} from './task-type';

/** The largest MaxResults allowed (1-500). */
const PAGE_SIZE = 500;

export const exportImage: TaskTypeDescriptor<ExportImageTask> = {
  name: 'export-image',
  apiName: 'DescribeExportImageTasks',
  title: 'AMI export task',
  lifecycle: IMPORT_EXPORT_LIFECYCLE,
  documentedStates: Object.keys(IMPORT_EXPORT_LIFECYCLE),
  paginated: true,
  pageSize: PAGE_SIZE,
  async *listPages(client: EC2Client, { abortSignal }: ListOptions = {}) {
    yield* itemsOfPages(
      paginateDescribeExportImageTasks(paginatorConfig(client, PAGE_SIZE), {}, { abortSignal }),
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
      phase: importExportPhase(IMPORT_EXPORT_LIFECYCLE, state, statusMessage),
      progress: parseProgress(raw.Progress),
      statusMessage,
      resources,
      startTime: null,
      updateTime: null,
      raw: boundedRaw(raw),
    };
  },
};
