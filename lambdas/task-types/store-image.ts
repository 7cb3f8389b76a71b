// store-image: DescribeStoreImageTasks, AMIs stored as objects in S3 (CreateStoreImageTask).
// Its results carry no task id, and the API has its own tiny throttling bucket (refill 0.5/s).
import {
  type EC2Client,
  paginateDescribeStoreImageTasks,
  type StoreImageTaskResult,
} from '@aws-sdk/client-ec2';
import { phaseOfState } from '../domain/lifecycle';
import { boundedRaw } from '../domain/raw';
import type { RelatedResources } from '../domain/task';
import { cleanText, optionalId, parseProgress, parseTimestamp } from '../domain/values';
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
const META = TASK_TYPE_METADATA['store-image'];

export const storeImage: TaskTypeDescriptor<StoreImageTaskResult> = {
  ...META,
  async *listPages(client: EC2Client, { abortSignal }: ListOptions = {}) {
    // One pass, no ImageIds (MaxResults cannot be combined with them): every store task of the
    // last 31 days, newest first.
    yield* itemsOfPages(
      paginateDescribeStoreImageTasks(paginatorConfig(client, META.pageSize), {}, { abortSignal }),
      (page) => page.StoreImageTaskResults,
    );
  },
  normalise(raw, { region, account }) {
    const resources: RelatedResources = {
      imageId: optionalId(raw.AmiId),
      bucket: optionalId(raw.Bucket),
      key: optionalId(raw.S3objectKey),
    };
    const amiId = optionalId(raw.AmiId);
    if (!amiId) throw new InvalidTaskError('store-image', 'AmiId is missing', resources);
    const startTime = parseTimestamp(raw.TaskStartTime);
    if (!startTime)
      throw new InvalidTaskError('store-image', `TaskStartTime of ${amiId} is missing or invalid`, resources);
    const state = stateString(raw.StoreTaskState);
    return {
      taskType: 'store-image',
      // The same AMI can be stored again (to another bucket, or after a failure), so the AMI id
      // alone is not a task id; with its start time it is.
      taskId: `${amiId}@${startTime}`,
      region,
      account,
      state,
      phase: phaseOfState(META.lifecycle, state, null),
      progress: parseProgress(raw.ProgressPercentage),
      statusMessage: cleanText(raw.StoreTaskFailureReason),
      resources,
      startTime,
      updateTime: null,
      raw: boundedRaw(raw),
    };
  },
};
