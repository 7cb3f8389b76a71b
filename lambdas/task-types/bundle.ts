// bundle: DescribeBundleTasks, instance store-backed Windows instances bundled into S3.
// No pagination: one call returns every bundle task.
import { type BundleTask, DescribeBundleTasksCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { phaseOfState } from '../domain/lifecycle';
import { boundedRaw } from '../domain/raw';
import type { RelatedResources } from '../domain/task';
import { cleanText, optionalId, parseProgress, parseTimestamp } from '../domain/values';
import { InvalidTaskError, stateString, type TaskTypeDescriptor, type ListOptions } from './task-type';
import { TASK_TYPE_METADATA } from './metadata';

/** The type's name, API, lifecycle and page size. */
const META = TASK_TYPE_METADATA.bundle;

/**
 * The raw object without the S3 upload policy and its signature. The model marks both
 * sensitive (together they let their holder write into the bucket until the policy expires), so
 * they must not reach snapshots or events; and the policy is bytes, which plain data would
 * otherwise carry as an object of numbered keys.
 */
function withoutUploadPolicy(raw: BundleTask): BundleTask {
  const s3 = raw.Storage?.S3;
  if (!s3) return raw;
  return {
    ...raw,
    Storage: { ...raw.Storage, S3: { ...s3, UploadPolicy: undefined, UploadPolicySignature: undefined } },
  };
}

export const bundle: TaskTypeDescriptor<BundleTask> = {
  ...META,
  async *listPages(client: EC2Client, { abortSignal }: ListOptions = {}) {
    const output = await client.send(new DescribeBundleTasksCommand({}), { abortSignal });
    yield output.BundleTasks ?? [];
  },
  normalise(raw, { region, account }) {
    const resources: RelatedResources = {
      instanceId: optionalId(raw.InstanceId),
      bucket: optionalId(raw.Storage?.S3?.Bucket),
      key: optionalId(raw.Storage?.S3?.Prefix),
    };
    const taskId = optionalId(raw.BundleId);
    if (!taskId) throw new InvalidTaskError('bundle', 'BundleId is missing', resources);
    const state = stateString(raw.State);
    const error = raw.BundleTaskError;
    const statusMessage = cleanText(error ? [error.Code, error.Message].filter(Boolean).join(': ') : null);
    return {
      taskType: 'bundle',
      taskId,
      region,
      account,
      state,
      phase: phaseOfState(META.lifecycle, state, statusMessage),
      progress: parseProgress(raw.Progress),
      statusMessage,
      resources,
      startTime: parseTimestamp(raw.StartTime),
      updateTime: parseTimestamp(raw.UpdateTime),
      raw: boundedRaw(withoutUploadPolicy(raw)),
    };
  },
};
