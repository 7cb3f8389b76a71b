// replace-root-volume: DescribeReplaceRootVolumeTasks, an instance's root volume replaced by its
// launch state, a snapshot or an AMI. Its times are strings like "2020-11-06 13:09:54.0".
import {
  type EC2Client,
  paginateDescribeReplaceRootVolumeTasks,
  type ReplaceRootVolumeTask,
} from '@aws-sdk/client-ec2';
import { endingIn, type Lifecycle, phaseOfState } from '../domain/lifecycle';
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

const LIFECYCLE: Lifecycle = {
  pending: 'pending',
  'in-progress': 'running',
  succeeded: 'succeeded',
  // failing: EC2 is still restoring the original root volume, but the only end is failed, so it
  // is announced now, once; `failed` after it is no second end.
  failing: endingIn('failed'),
  failed: 'failed',
  // The *-detached states: the task is failing or failed with the original root volume left
  // detached. failing-detached is named by the user guide but missing from the API's enum.
  'failing-detached': endingIn('failed'),
  'failed-detached': 'failed',
};

/** The largest MaxResults allowed (1-50). */
const PAGE_SIZE = 50;

export const replaceRootVolume: TaskTypeDescriptor<ReplaceRootVolumeTask> = {
  name: 'replace-root-volume',
  apiName: 'DescribeReplaceRootVolumeTasks',
  title: 'Root volume replacement task',
  lifecycle: LIFECYCLE,
  documentedStates: Object.keys(LIFECYCLE),
  paginated: true,
  pageSize: PAGE_SIZE,
  async *listPages(client: EC2Client, { abortSignal }: ListOptions = {}) {
    yield* itemsOfPages(
      paginateDescribeReplaceRootVolumeTasks(paginatorConfig(client, PAGE_SIZE), {}, { abortSignal }),
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
      phase: phaseOfState(LIFECYCLE, state, null),
      progress: null,
      statusMessage: null,
      resources,
      startTime: parseTimestamp(raw.StartTime),
      updateTime: parseTimestamp(raw.CompleteTime),
      raw: boundedRaw(raw),
    };
  },
};
