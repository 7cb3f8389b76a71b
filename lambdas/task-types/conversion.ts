// conversion: DescribeConversionTasks, the legacy ImportInstance/ImportVolume imports of a disk
// image uploaded through an import manifest. No pagination: one call returns every task.
import {
  type ConversionTask,
  DescribeConversionTasksCommand,
  type EC2Client,
  type ImportInstanceVolumeDetailItem,
  type ImportVolumeTaskDetails,
} from '@aws-sdk/client-ec2';
import { phaseOfState } from '../domain/lifecycle';
import { boundedRaw } from '../domain/raw';
import type { RelatedResources } from '../domain/task';
import { cleanText, optionalId, parseProgress } from '../domain/values';
import { InvalidTaskError, stateString, type TaskTypeDescriptor, type ListOptions } from './task-type';
import { TASK_TYPE_METADATA } from './metadata';

/** The type's name, API, lifecycle and page size. */
const META = TASK_TYPE_METADATA.conversion;

type VolumeDetails = Pick<
  ImportInstanceVolumeDetailItem | ImportVolumeTaskDetails,
  'BytesConverted' | 'Image'
>;

function volumesOf(raw: ConversionTask): readonly VolumeDetails[] {
  if (raw.ImportInstance) return raw.ImportInstance.Volumes ?? [];
  return raw.ImportVolume ? [raw.ImportVolume] : [];
}

/**
 * The API reports no progress, only BytesConverted and the disk image's Size per volume. Both are
 * read as bytes: the model's text calls Image.Size "GiB", but the size is the one given to
 * ImportVolume/ImportInstance, which the original API reference defined as "the number of bytes
 * in the disk image". So progress is the bytes converted over the image bytes of all volumes, and
 * null as soon as one volume lacks either figure (a partial sum would overstate progress). A ratio
 * above 1 would mean the units disagree after all; null is better than a false 100%.
 */
function conversionProgress(raw: ConversionTask): number | null {
  const volumes = volumesOf(raw);
  if (volumes.length === 0) return null;
  let converted = 0;
  let total = 0;
  for (const volume of volumes) {
    const bytes = volume.BytesConverted;
    const size = volume.Image?.Size;
    if (typeof bytes !== 'number' || typeof size !== 'number' || !(bytes >= 0) || !(size > 0)) return null;
    converted += bytes;
    total += size;
  }
  const ratio = converted / total;
  return ratio > 1 ? null : parseProgress(ratio * 100);
}

/**
 * The raw object without the import manifest's presigned URL: it grants read access to the
 * manifest and the model marks it sensitive, so it must not reach snapshots or events.
 */
function withoutManifestUrls(raw: ConversionTask): ConversionTask {
  const strip = <V extends { Image?: VolumeDetails['Image'] }>(volume: V): V =>
    volume.Image ? { ...volume, Image: { ...volume.Image, ImportManifestUrl: undefined } } : volume;
  return {
    ...raw,
    ImportInstance: raw.ImportInstance && {
      ...raw.ImportInstance,
      Volumes: raw.ImportInstance.Volumes?.map(strip),
    },
    ImportVolume: raw.ImportVolume && strip(raw.ImportVolume),
  };
}

export const conversion: TaskTypeDescriptor<ConversionTask> = {
  ...META,
  async *listPages(client: EC2Client, { abortSignal }: ListOptions = {}) {
    const output = await client.send(new DescribeConversionTasksCommand({}), { abortSignal });
    yield output.ConversionTasks ?? [];
  },
  normalise(raw, { region, account }) {
    const firstVolumeId =
      raw.ImportInstance?.Volumes?.map((volume) => optionalId(volume.Volume?.Id)).find(Boolean) ??
      optionalId(raw.ImportVolume?.Volume?.Id);
    const resources: RelatedResources = {
      instanceId: optionalId(raw.ImportInstance?.InstanceId),
      volumeId: firstVolumeId,
    };
    const taskId = optionalId(raw.ConversionTaskId);
    if (!taskId) throw new InvalidTaskError('conversion', 'ConversionTaskId is missing', resources);
    const state = stateString(raw.State);
    const statusMessage = cleanText(raw.StatusMessage);
    return {
      taskType: 'conversion',
      taskId,
      region,
      account,
      state,
      phase: phaseOfState(META.lifecycle, state, statusMessage),
      progress: conversionProgress(raw),
      statusMessage,
      resources,
      // ExpirationTime is a deadline, not a start or update time; it stays in raw.
      startTime: null,
      updateTime: null,
      raw: boundedRaw(withoutManifestUrls(raw)),
    };
  },
};
