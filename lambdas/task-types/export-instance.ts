// export-instance: DescribeExportTasks, instances exported to S3 as a VM image
// (CreateInstanceExportTask). No pagination: one call returns every export task.
import { DescribeExportTasksCommand, type EC2Client, type ExportTask } from '@aws-sdk/client-ec2';
import { phaseOfState } from '../domain/lifecycle';
import { boundedRaw } from '../domain/raw';
import type { RelatedResources } from '../domain/task';
import { cleanText, optionalId } from '../domain/values';
import { InvalidTaskError, stateString, type TaskTypeDescriptor, type ListOptions } from './task-type';
import { TASK_TYPE_METADATA } from './metadata';

/** The type's name, API, lifecycle and page size. */
const META = TASK_TYPE_METADATA['export-instance'];

export const exportInstance: TaskTypeDescriptor<ExportTask> = {
  ...META,
  async *listPages(client: EC2Client, { abortSignal }: ListOptions = {}) {
    const output = await client.send(new DescribeExportTasksCommand({}), { abortSignal });
    yield output.ExportTasks ?? [];
  },
  normalise(raw, { region, account }) {
    const resources: RelatedResources = {
      instanceId: optionalId(raw.InstanceExportDetails?.InstanceId),
      bucket: optionalId(raw.ExportToS3Task?.S3Bucket),
      key: optionalId(raw.ExportToS3Task?.S3Key),
    };
    const taskId = optionalId(raw.ExportTaskId);
    if (!taskId) throw new InvalidTaskError('export-instance', 'ExportTaskId is missing', resources);
    const state = stateString(raw.State);
    const statusMessage = cleanText(raw.StatusMessage);
    return {
      taskType: 'export-instance',
      taskId,
      region,
      account,
      state,
      phase: phaseOfState(META.lifecycle, state, statusMessage),
      progress: null,
      statusMessage,
      resources,
      startTime: null,
      updateTime: null,
      raw: boundedRaw(raw),
    };
  },
};
