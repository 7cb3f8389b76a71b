// export-instance: DescribeExportTasks, instances exported to S3 as a VM image
// (CreateInstanceExportTask). No pagination: one call returns every export task.
import { DescribeExportTasksCommand, type EC2Client, type ExportTask } from '@aws-sdk/client-ec2';
import { phaseOfState } from '../domain/lifecycle';
import { boundedRaw } from '../domain/raw';
import type { RelatedResources } from '../domain/task';
import { cleanText, optionalId } from '../domain/values';
import {
  CANCELLABLE_TASK_LIFECYCLE,
  InvalidTaskError,
  stateString,
  type TaskTypeDescriptor,
  type ListOptions,
} from './task-type';

export const exportInstance: TaskTypeDescriptor<ExportTask> = {
  name: 'export-instance',
  apiName: 'DescribeExportTasks',
  title: 'Instance export task',
  lifecycle: CANCELLABLE_TASK_LIFECYCLE,
  documentedStates: Object.keys(CANCELLABLE_TASK_LIFECYCLE),
  paginated: false,
  pageSize: undefined,
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
      phase: phaseOfState(CANCELLABLE_TASK_LIFECYCLE, state, statusMessage),
      progress: null,
      statusMessage,
      resources,
      startTime: null,
      updateTime: null,
      raw: boundedRaw(raw),
    };
  },
};
