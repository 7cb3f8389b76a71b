import { TASK_TYPE_NAMES } from '../../../lambdas/domain/task';
import { bundle } from '../../../lambdas/task-types/bundle';
import { storeImage } from '../../../lambdas/task-types/store-image';
import {
  iamActionOf,
  InvalidTaskError,
  TASK_TYPES,
  taskTypeDescriptor,
} from '../../../lambdas/task-types/index';

describe('task type registry', () => {
  it('lists the nine task types once each, in the order of TASK_TYPE_NAMES', () => {
    const names = TASK_TYPES.map((descriptor) => descriptor.name);
    expect(names).toEqual([...TASK_TYPE_NAMES]);
    expect(names).toHaveLength(9);
    expect(new Set(names).size).toBe(9);
  });

  it('gives each type its own API', () => {
    const apiNames = TASK_TYPES.map((descriptor) => descriptor.apiName);
    expect(new Set(apiNames).size).toBe(9);
  });

  it('derives the IAM action of each type from its API', () => {
    expect(TASK_TYPES.map(iamActionOf)).toEqual([
      'ec2:DescribeBundleTasks',
      'ec2:DescribeConversionTasks',
      'ec2:DescribeImportImageTasks',
      'ec2:DescribeImportSnapshotTasks',
      'ec2:DescribeStoreImageTasks',
      'ec2:DescribeExportTasks',
      'ec2:DescribeExportImageTasks',
      'ec2:DescribeReplaceRootVolumeTasks',
      'ec2:DescribeMacModificationTasks',
    ]);
  });

  it('gives every type a title and distinct documented states', () => {
    for (const descriptor of TASK_TYPES) {
      expect(descriptor.title).not.toBe('');
      expect(descriptor.documentedStates.length).toBeGreaterThan(0);
      expect(new Set(descriptor.documentedStates).size).toBe(descriptor.documentedStates.length);
    }
  });

  it('sends MaxResults at the documented limit, and 1,000 where EC2 documents none', () => {
    expect(
      Object.fromEntries(TASK_TYPES.map((descriptor) => [descriptor.name, descriptor.pageSize])),
    ).toEqual({
      bundle: undefined,
      conversion: undefined,
      'import-image': 1000,
      'import-snapshot': 1000,
      'store-image': 200,
      'export-instance': undefined,
      'export-image': 500,
      'replace-root-volume': 50,
      'mac-modification': 500,
    });
  });

  it('finds a descriptor by name', () => {
    expect(taskTypeDescriptor('bundle')).toBe(bundle);
    expect(taskTypeDescriptor('store-image')).toBe(storeImage);
    for (const name of TASK_TYPE_NAMES) expect(taskTypeDescriptor(name).name).toBe(name);
  });

  it('throws on an unknown name', () => {
    expect(() => taskTypeDescriptor('nope' as never)).toThrow('Unknown task type: nope');
  });

  it('re-exports InvalidTaskError for the poller', () => {
    expect(new InvalidTaskError('bundle', 'BundleId is missing')).toBeInstanceOf(Error);
    expect(new InvalidTaskError('bundle', 'BundleId is missing').message).toBe('bundle: BundleId is missing');
  });
});
