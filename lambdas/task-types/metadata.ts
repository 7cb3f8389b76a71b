// What the product knows of each EC2 task type apart from how to list it: its name, API, IAM
// action, title, lifecycle (every documented state with its phase, the transitional states with
// the ends they lead to) and page size. Pure data with no import of @aws-sdk/client-ec2, so the
// stack, the docs generator and the EC2 simulator read it without loading the SDK; each listing
// module (lambdas/task-types/<type>.ts) adds the listing and the normalisation to its entry here.
import { endingIn, type Lifecycle } from '../domain/lifecycle';
import { TASK_TYPE_NAMES, type TaskTypeName } from '../domain/task';

/** One EC2 task type, without its listing code. */
export interface TaskTypeMetadata<Api extends string = string> {
  /** The product's name for the type, used in events, attributes and settings. */
  readonly name: TaskTypeName;
  /** The EC2 API operation; the IAM action is `ec2:<apiName>`. */
  readonly apiName: Api;
  /** What the type is, for humans (docs, email). */
  readonly title: string;
  /**
   * Every documented value of the API's state field, in lifecycle order, with its phase or, for a
   * transitional state (cancelling, deleting, failing), the ends it leads to (see phaseOfState).
   */
  readonly lifecycle: Lifecycle;
  /** Every documented value of the API's state field, in lifecycle order: the keys of {@link lifecycle}. */
  readonly documentedStates: readonly string[];
  /** Whether the API pages its results with NextToken (all pages are always read). */
  readonly paginated: boolean;
  /** Page size sent as MaxResults, or undefined when the API has no pagination. */
  readonly pageSize: number | undefined;
  /**
   * False when EC2 documents no limit for MaxResults (the two import APIs): the page size is then
   * EC2's usual Describe ceiling, and a listing EC2 refuses it for is read again without it.
   */
  readonly pageSizeDocumented: boolean;
}

/** MaxResults sent where EC2 documents no limit: the ceiling of EC2's Describe APIs that page. */
const UNDOCUMENTED_PAGE_SIZE = 1000;

/** The lifecycle of VM import image tasks and AMI export tasks (free-string states). */
export const IMPORT_EXPORT_LIFECYCLE: Lifecycle = {
  active: 'running',
  completed: 'succeeded',
  // On the way to `deleted`, which ends a failed task and a cancelled one alike; the error message
  // (which may only come with `deleted`) tells them apart.
  deleting: endingIn('failed', 'cancelled'),
  deleted: 'cancelled',
};

/** The lifecycle of conversion and instance export tasks (the same enum for both APIs). */
export const CANCELLABLE_TASK_LIFECYCLE: Lifecycle = {
  active: 'running',
  // EC2 cancels a task that failed (an upload that expired, an export that broke) as well as one
  // the user cancelled; the error message, which may only come with `cancelled`, tells them apart.
  cancelling: endingIn('cancelled', 'failed'),
  cancelled: 'cancelled',
  completed: 'succeeded',
};

function taskType<Api extends string>(
  name: TaskTypeName,
  apiName: Api,
  title: string,
  lifecycle: Lifecycle,
  paging: { paginated: boolean; pageSize?: number; pageSizeDocumented?: boolean },
): TaskTypeMetadata<Api> {
  return {
    name,
    apiName,
    title,
    lifecycle,
    documentedStates: Object.keys(lifecycle),
    paginated: paging.paginated,
    pageSize: paging.pageSize,
    pageSizeDocumented: paging.pageSizeDocumented ?? true,
  };
}

/** Every task type's metadata, by name. */
export const TASK_TYPE_METADATA = {
  // Instance store-backed Windows instances bundled into S3. No pagination.
  bundle: taskType(
    'bundle',
    'DescribeBundleTasks',
    'Instance bundle task',
    {
      pending: 'pending',
      'waiting-for-shutdown': 'running',
      bundling: 'running',
      storing: 'running',
      // A cancelled bundle task may still report `failed`, or leave the listing (the API has no
      // cancelled state): its end is not known while it is cancelling.
      cancelling: endingIn('cancelled', 'failed'),
      complete: 'succeeded',
      failed: 'failed',
    },
    { paginated: false },
  ),
  // The legacy ImportInstance/ImportVolume imports of an uploaded disk image. No pagination.
  conversion: taskType(
    'conversion',
    'DescribeConversionTasks',
    'VM import conversion task',
    CANCELLABLE_TASK_LIFECYCLE,
    { paginated: false },
  ),
  // EC2 documents MaxResults of the two import APIs as an Integer with no range (API reference
  // and the service model: no min or max), and without it EC2 chooses a smaller page. 1,000 is
  // the ceiling of EC2's other Describe APIs that page (DescribeInstances & co. document 5-1000),
  // so it is sent; should EC2 refuse it, the listing is read again without it (task-lister.ts).
  'import-image': taskType(
    'import-image',
    'DescribeImportImageTasks',
    'VM import image task',
    IMPORT_EXPORT_LIFECYCLE,
    { paginated: true, pageSize: UNDOCUMENTED_PAGE_SIZE, pageSizeDocumented: false },
  ),
  'import-snapshot': taskType(
    'import-snapshot',
    'DescribeImportSnapshotTasks',
    'VM import snapshot task',
    // `error` is not in the API docs, but the SDK's waiter treats it as a failure.
    { ...IMPORT_EXPORT_LIFECYCLE, error: 'failed' },
    { paginated: true, pageSize: UNDOCUMENTED_PAGE_SIZE, pageSizeDocumented: false },
  ),
  // The largest MaxResults allowed (1-200): the fewest calls against the API's small bucket.
  'store-image': taskType(
    'store-image',
    'DescribeStoreImageTasks',
    'AMI store-to-S3 task',
    { InProgress: 'running', Completed: 'succeeded', Failed: 'failed' },
    { paginated: true, pageSize: 200 },
  ),
  // Instances exported to S3 as a VM image (CreateInstanceExportTask). No pagination.
  'export-instance': taskType(
    'export-instance',
    'DescribeExportTasks',
    'Instance export task',
    CANCELLABLE_TASK_LIFECYCLE,
    { paginated: false },
  ),
  // The largest MaxResults allowed (1-500).
  'export-image': taskType(
    'export-image',
    'DescribeExportImageTasks',
    'AMI export task',
    IMPORT_EXPORT_LIFECYCLE,
    { paginated: true, pageSize: 500 },
  ),
  // The largest MaxResults allowed (1-50).
  'replace-root-volume': taskType(
    'replace-root-volume',
    'DescribeReplaceRootVolumeTasks',
    'Root volume replacement task',
    {
      pending: 'pending',
      'in-progress': 'running',
      succeeded: 'succeeded',
      // failing: EC2 is still restoring the original root volume, but the only end is failed, so
      // it is announced now, once; `failed` after it is no second end.
      failing: endingIn('failed'),
      failed: 'failed',
      // The *-detached states: the task is failing or failed with the original root volume left
      // detached. failing-detached is named by the user guide but missing from the API's enum.
      'failing-detached': endingIn('failed'),
      'failed-detached': 'failed',
    },
    { paginated: true, pageSize: 50 },
  ),
  // The largest MaxResults allowed (the model says 1-500; the doc text says 5-500).
  'mac-modification': taskType(
    'mac-modification',
    'DescribeMacModificationTasks',
    'Mac instance modification task',
    { pending: 'pending', 'in-progress': 'running', successful: 'succeeded', failed: 'failed' },
    { paginated: true, pageSize: 500 },
  ),
} as const satisfies Readonly<Record<TaskTypeName, TaskTypeMetadata>>;

/** The EC2 operation of a task type, e.g. `DescribeBundleTasks`. */
export type TaskApiName = (typeof TASK_TYPE_METADATA)[TaskTypeName]['apiName'];

/** Every task type's metadata, in the order of `TASK_TYPE_NAMES`. */
export const TASK_TYPE_LIST: readonly TaskTypeMetadata<TaskApiName>[] = TASK_TYPE_NAMES.map(
  (name) => TASK_TYPE_METADATA[name],
);

/** The IAM action that allows listing a task type. */
export function iamActionOf(type: Pick<TaskTypeMetadata, 'apiName'>): string {
  return `ec2:${type.apiName}`;
}

/** The IAM actions that allow listing the given task types, in their order. */
export function listingActionsOf(names: readonly TaskTypeName[]): string[] {
  return names.map((name) => iamActionOf(TASK_TYPE_METADATA[name]));
}
