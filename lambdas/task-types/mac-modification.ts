// mac-modification: DescribeMacModificationTasks, changes to an EC2 Mac instance that need a
// reboot (System Integrity Protection settings, volume ownership delegation).
import {
  type EC2Client,
  type MacModificationTask,
  paginateDescribeMacModificationTasks,
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
const META = TASK_TYPE_METADATA['mac-modification'];

export const macModification: TaskTypeDescriptor<MacModificationTask> = {
  ...META,
  async *listPages(client: EC2Client, { abortSignal }: ListOptions = {}) {
    yield* itemsOfPages(
      paginateDescribeMacModificationTasks(paginatorConfig(client, META.pageSize), {}, { abortSignal }),
      (page) => page.MacModificationTasks,
    );
  },
  normalise(raw, { region, account }) {
    const resources: RelatedResources = {
      instanceId: optionalId(raw.InstanceId),
    };
    const taskId = optionalId(raw.MacModificationTaskId);
    if (!taskId)
      throw new InvalidTaskError('mac-modification', 'MacModificationTaskId is missing', resources);
    const state = stateString(raw.TaskState);
    return {
      taskType: 'mac-modification',
      taskId,
      region,
      account,
      state,
      phase: phaseOfState(META.lifecycle, state, null),
      progress: null,
      // The API gives no message or failure reason; what was modified (TaskType and the SIP
      // settings) stays in raw.
      statusMessage: null,
      resources,
      startTime: parseTimestamp(raw.StartTime),
      updateTime: null,
      raw: boundedRaw(raw),
    };
  },
};
