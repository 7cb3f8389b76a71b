// export-instance: DescribeExportTasks, instances exported to S3 as a VM image
// (CreateInstanceExportTask). No pagination: one call returns every export task.
import { DescribeExportTasksCommand, type EC2Client, type ExportTask } from '@aws-sdk/client-ec2';
import type { Phase } from '../domain/phase';
import { boundedRaw } from '../domain/raw';
import { cleanText, optionalId } from '../domain/values';
import {
  carriesError,
  InvalidTaskError,
  phaseFromTable,
  stateString,
  type TaskTypeDescriptor,
} from './task-type';

const PHASES: Readonly<Record<string, Phase>> = {
  active: 'running',
  // cancelling only ever ends in cancelled, so it is already the cancelled phase.
  cancelling: 'cancelled',
  cancelled: 'cancelled',
  completed: 'succeeded',
};

export const exportInstance: TaskTypeDescriptor<ExportTask> = {
  name: 'export-instance',
  apiName: 'DescribeExportTasks',
  title: 'Instance export task',
  documentedStates: Object.keys(PHASES),
  paginated: false,
  pageSize: undefined,
  async *listPages(client: EC2Client) {
    const output = await client.send(new DescribeExportTasksCommand({}));
    yield output.ExportTasks ?? [];
  },
  normalise(raw, { region, account }) {
    const taskId = optionalId(raw.ExportTaskId);
    if (!taskId) throw new InvalidTaskError('export-instance', 'ExportTaskId is missing');
    const state = stateString(raw.State);
    const statusMessage = cleanText(raw.StatusMessage);
    // There is no failed state: an export that fails is cancelled with the error as its message.
    const cancelledByError = (state === 'cancelling' || state === 'cancelled') && carriesError(statusMessage);
    return {
      taskType: 'export-instance',
      taskId,
      region,
      account,
      state,
      phase: cancelledByError ? 'failed' : phaseFromTable(PHASES, state),
      progress: null,
      statusMessage,
      resources: {
        instanceId: optionalId(raw.InstanceExportDetails?.InstanceId),
        bucket: optionalId(raw.ExportToS3Task?.S3Bucket),
        key: optionalId(raw.ExportToS3Task?.S3Key),
      },
      startTime: null,
      updateTime: null,
      raw: boundedRaw(raw),
    };
  },
};
