// replace-root-volume: DescribeReplaceRootVolumeTasks, an instance's root volume replaced by its
// launch state, a snapshot or an AMI. Its times are strings like "2020-11-06 13:09:54.0".
import {
  type EC2Client,
  paginateDescribeReplaceRootVolumeTasks,
  type ReplaceRootVolumeTask,
} from '@aws-sdk/client-ec2';
import { phaseOfState } from '../domain/lifecycle';
import { boundedRaw } from '../domain/raw';
import type { RelatedResources } from '../domain/task';
import { optionalId, parseTimestamp } from '../domain/values';
import {
  InvalidTaskError,
  stateString,
  type TaskTypeDescriptor,
  itemsOfPages,
  type ListOptions,
  paginatorConfig,
} from './task-type';
import { TASK_TYPE_METADATA } from './metadata';

/** The type's name, API, lifecycle and page size. */
const META = TASK_TYPE_METADATA['replace-root-volume'];

export const replaceRootVolume: TaskTypeDescriptor<ReplaceRootVolumeTask> = {
  ...META,
  async *listPages(client: EC2Client, { abortSignal }: ListOptions = {}) {
    yield* itemsOfPages(
      paginateDescribeReplaceRootVolumeTasks(paginatorConfig(client, META.pageSize), {}, { abortSignal }),
      (page) => page.ReplaceRootVolumeTasks,
    );
  },
  normalise(raw, { region, account }) {
    const resources: RelatedResources = {
      instanceId: optionalId(raw.InstanceId),
      imageId: optionalId(raw.ImageId),
      snapshotId: optionalId(raw.SnapshotId),
    };
    const taskId = optionalId(raw.ReplaceRootVolumeTaskId);
    if (!taskId)
      throw new InvalidTaskError('replace-root-volume', 'ReplaceRootVolumeTaskId is missing', resources);
    const state = stateString(raw.TaskState);
    return {
      taskType: 'replace-root-volume',
      taskId,
      region,
      account,
      state,
      phase: phaseOfState(META.lifecycle, state, null),
      progress: null,
      statusMessage: null,
      resources,
      startTime: parseTimestamp(raw.StartTime),
      updateTime: parseTimestamp(raw.CompleteTime),
      raw: boundedRaw(raw),
    };
  },
};
