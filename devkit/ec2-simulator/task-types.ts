// Why: how the simulator serves each of the nine task APIs on the wire (XML list element, id
// members, filters, MaxResults limits). Which task type is served by which API comes from the
// product's task-type metadata, not from a copy here; the rest is EC2's wire format, which the
// product never sees.
import { types } from 'node:util';
import type { TaskTypeName } from '#events';
import { TASK_TYPE_LIST, type TaskApiName } from '#task-types';
import * as shapes from './shapes';
import type { StructureShape } from './shapes';

export type { TaskTypeName } from '#events';

/** The EC2 operation serving each task type (from the product's task-type metadata). */
export type ApiName = TaskApiName;

/** A task as the SDK returns it (PascalCase members); timestamps may be Date or ISO strings. */
export type SdkTask = Record<string, unknown>;

/** Reads the values a filter compares against; undefined values never match. */
type FilterField = (task: SdkTask) => unknown;

/** How one task API is listed, identified, filtered and paged. */
export interface TaskTypeSpec extends WireSpec {
  readonly taskType: TaskTypeName;
  readonly api: ApiName;
}

/** What the simulator adds to the product's metadata of a task type: its wire format. */
interface WireSpec {
  /** Element of the response holding the list, e.g. `bundleInstanceTasksSet`. */
  readonly listElement: string;
  /** SDK output member holding the list, e.g. `BundleTasks` (for docs and tests). */
  readonly outputMember: string;
  readonly itemShape: StructureShape;
  /** Members that identify a task; all must be present in a stored task. */
  readonly idMembers: readonly string[];
  /** Query key prefix of the id list, e.g. `BundleId` for `BundleId.1`. */
  readonly idParam: string;
  /** Error code when a requested id does not exist; undefined when EC2 answers an empty list instead. */
  readonly notFoundCode: string | undefined;
  /** Query key prefix of the filter list (`Filter` or `Filters`); undefined when the API has no Filters. */
  readonly filterParam: 'Filter' | 'Filters' | undefined;
  /** Accepted filter names → the task value each compares against. */
  readonly filters: Readonly<Record<string, FilterField>>;
  /** MaxResults range; undefined when the API does not paginate (every call returns all tasks). */
  readonly pagination:
    { readonly min: number; readonly max: number; readonly defaultPageSize: number } | undefined;
  /** Whether the API has a DryRun member (DescribeExportTasks has none). */
  readonly dryRun: boolean;
}

function at(...path: string[]): FilterField {
  return (task) => path.reduce<unknown>((value, key) => (isRecord(value) ? value[key] : undefined), task);
}

// node:util's checks work across realms (jest runs tests in a separate VM context).
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !types.isDate(value);
}

/** Deep copy of a task that keeps Dates and byte arrays (and their realm) intact. */
export function cloneTask<T>(value: T): T {
  if (types.isDate(value)) return new Date(value.getTime()) as T;
  if (types.isUint8Array(value)) return Uint8Array.from(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => cloneTask(item)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, cloneTask(member)])) as T;
  }
  return value;
}

/** Normalises a timestamp member (Date or parseable string) to ISO-8601 with milliseconds. */
export function isoTimestamp(value: unknown): string | undefined {
  if (types.isDate(value)) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === 'string') {
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed.toISOString();
  }
  return undefined;
}

const timeAt =
  (member: string): FilterField =>
  (task) =>
    isoTimestamp(task[member]);

/** The wire format of each task API. */
const WIRE: Readonly<Record<TaskTypeName, WireSpec>> = {
  bundle: {
    listElement: 'bundleInstanceTasksSet',
    outputMember: 'BundleTasks',
    itemShape: shapes.BundleTask,
    idMembers: ['BundleId'],
    idParam: 'BundleId',
    notFoundCode: 'InvalidBundleID.NotFound',
    filterParam: 'Filter',
    filters: {
      'bundle-id': at('BundleId'),
      'error-code': at('BundleTaskError', 'Code'),
      'error-message': at('BundleTaskError', 'Message'),
      'instance-id': at('InstanceId'),
      progress: at('Progress'),
      's3-bucket': at('Storage', 'S3', 'Bucket'),
      's3-prefix': at('Storage', 'S3', 'Prefix'),
      'start-time': timeAt('StartTime'),
      state: at('State'),
      'update-time': timeAt('UpdateTime'),
    },
    pagination: undefined,
    dryRun: true,
  },
  conversion: {
    listElement: 'conversionTasks',
    outputMember: 'ConversionTasks',
    itemShape: shapes.ConversionTask,
    idMembers: ['ConversionTaskId'],
    idParam: 'ConversionTaskId',
    notFoundCode: 'InvalidConversionTaskId',
    filterParam: undefined,
    filters: {},
    pagination: undefined,
    dryRun: true,
  },
  'import-image': {
    listElement: 'importImageTaskSet',
    outputMember: 'ImportImageTasks',
    itemShape: shapes.ImportImageTask,
    idMembers: ['ImportTaskId'],
    idParam: 'ImportTaskId',
    // EC2 answers InvalidConversionTaskId for an unknown import task too (the SDK waiters retry on
    // it); for ids of tasks that aged out it has been seen to answer InvalidConversionTaskId.Malformed.
    notFoundCode: 'InvalidConversionTaskId',
    filterParam: 'Filters',
    filters: { 'task-state': at('Status') },
    // Limit not documented: accept up to 1000, default to 100.
    pagination: { min: 1, max: 1000, defaultPageSize: 100 },
    dryRun: true,
  },
  'import-snapshot': {
    listElement: 'importSnapshotTaskSet',
    outputMember: 'ImportSnapshotTasks',
    itemShape: shapes.ImportSnapshotTask,
    idMembers: ['ImportTaskId'],
    idParam: 'ImportTaskId',
    notFoundCode: 'InvalidConversionTaskId',
    filterParam: 'Filters',
    // Filter names are undocumented; task-state mirrors DescribeImportImageTasks (an assumption).
    filters: { 'task-state': at('SnapshotTaskDetail', 'Status') },
    pagination: { min: 1, max: 1000, defaultPageSize: 100 },
    dryRun: true,
  },
  'store-image': {
    listElement: 'storeImageTaskResultSet',
    outputMember: 'StoreImageTaskResults',
    itemShape: shapes.StoreImageTaskResult,
    idMembers: ['AmiId', 'TaskStartTime'],
    idParam: 'ImageId',
    // An AMI without store tasks is not an error to the simulator (it has no AMI registry): an
    // unknown ImageId just lists nothing. Real EC2 answers InvalidAMIID.NotFound for an AMI that does not exist.
    notFoundCode: undefined,
    filterParam: 'Filter',
    filters: { 'task-state': at('StoreTaskState'), bucket: at('Bucket') },
    pagination: { min: 1, max: 200, defaultPageSize: 200 },
    dryRun: true,
  },
  'export-instance': {
    listElement: 'exportTaskSet',
    outputMember: 'ExportTasks',
    itemShape: shapes.ExportTask,
    idMembers: ['ExportTaskId'],
    idParam: 'ExportTaskId',
    notFoundCode: 'InvalidExportTaskID.NotFound',
    // The API has a Filters member but documents no filter name: every name is rejected.
    filterParam: 'Filter',
    filters: {},
    pagination: undefined,
    dryRun: false,
  },
  'export-image': {
    listElement: 'exportImageTaskSet',
    outputMember: 'ExportImageTasks',
    itemShape: shapes.ExportImageTask,
    idMembers: ['ExportImageTaskId'],
    idParam: 'ExportImageTaskId',
    // EC2's error list describes InvalidExportTaskID.NotFound with export-ami-… ids, so it covers these.
    notFoundCode: 'InvalidExportTaskID.NotFound',
    filterParam: 'Filter',
    filters: { 'task-state': at('Status') },
    pagination: { min: 1, max: 500, defaultPageSize: 500 },
    dryRun: true,
  },
  'replace-root-volume': {
    listElement: 'replaceRootVolumeTaskSet',
    outputMember: 'ReplaceRootVolumeTasks',
    itemShape: shapes.ReplaceRootVolumeTask,
    idMembers: ['ReplaceRootVolumeTaskId'],
    idParam: 'ReplaceRootVolumeTaskId',
    // Not in EC2's published error list; the closest plausible code.
    notFoundCode: 'InvalidReplaceRootVolumeTaskId.NotFound',
    filterParam: 'Filter',
    filters: { 'instance-id': at('InstanceId') },
    pagination: { min: 1, max: 50, defaultPageSize: 50 },
    dryRun: true,
  },
  'mac-modification': {
    listElement: 'macModificationTaskSet',
    outputMember: 'MacModificationTasks',
    itemShape: shapes.MacModificationTask,
    idMembers: ['MacModificationTaskId'],
    idParam: 'MacModificationTaskId',
    // Not in EC2's published error list; the closest plausible code.
    notFoundCode: 'InvalidMacModificationTaskId.NotFound',
    filterParam: 'Filter',
    filters: {
      'instance-id': at('InstanceId'),
      'task-state': at('TaskState'),
      'mac-system-integrity-protection-configuration.sip-status': at(
        'MacSystemIntegrityProtectionConfig',
        'Status',
      ),
      'start-time': timeAt('StartTime'),
      'task-type': at('TaskType'),
    },
    // The docs' text says 5–500, the model 1–500: accept 1–500.
    pagination: { min: 1, max: 500, defaultPageSize: 500 },
    dryRun: true,
  },
};

/** Every task type, in the order the product lists them: its metadata's name and API, and its wire format. */
export const TASK_TYPES: readonly TaskTypeSpec[] = TASK_TYPE_LIST.map((type) => ({
  taskType: type.name,
  api: type.apiName,
  ...WIRE[type.name],
}));

const BY_TYPE = new Map(TASK_TYPES.map((spec) => [spec.taskType, spec]));
const BY_API = new Map(TASK_TYPES.map((spec) => [spec.api, spec]));

/** Narrows a string to a task type name. */
export function isTaskTypeName(value: unknown): value is TaskTypeName {
  return typeof value === 'string' && BY_TYPE.has(value as TaskTypeName);
}

/** Narrows a string to one of the nine API names. */
export function isApiName(value: unknown): value is ApiName {
  return typeof value === 'string' && BY_API.has(value as ApiName);
}

/** The spec of a task type; throws on an unknown name, listing the valid ones. */
export function specOfType(taskType: string): TaskTypeSpec {
  const spec = BY_TYPE.get(taskType as TaskTypeName);
  if (!spec)
    throw new Error(`Unknown task type '${taskType}'; expected one of ${[...BY_TYPE.keys()].join(', ')}`);
  return spec;
}

/** The spec of an API, or undefined when the action is not one of the nine. */
export function specOfApi(api: string): TaskTypeSpec | undefined {
  return BY_API.get(api as ApiName);
}

/**
 * The simulator's id of a task: the id member, or for store-image `${AmiId}@${ISO TaskStartTime}`.
 * Undefined when the task lacks an id member.
 */
export function taskIdOf(spec: TaskTypeSpec, task: SdkTask): string | undefined {
  if (spec.taskType === 'store-image') {
    const ami = task.AmiId;
    const start = isoTimestamp(task.TaskStartTime);
    return typeof ami === 'string' && ami !== '' && start ? `${ami}@${start}` : undefined;
  }
  const id = task[spec.idMembers[0] as string];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

// Far enough in the future that every real start time gives a positive difference.
const TIME_CEILING_MS = 8.64e15;

/**
 * Key that orders a listing ascending: by id, except store-image, which lists newest first
 * (reverse chronological by TaskStartTime). Pagination tokens carry the last key of a page.
 */
export function sortKeyOf(spec: TaskTypeSpec, task: SdkTask): string {
  const id = taskIdOf(spec, task) ?? '';
  if (spec.taskType !== 'store-image') return id;
  const startMs = new Date(isoTimestamp(task.TaskStartTime) ?? 0).getTime();
  return `${String(TIME_CEILING_MS - startMs).padStart(16, '0')}|${String(task.AmiId)}`;
}
