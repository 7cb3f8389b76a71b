// The task types' metadata: one entry per type, the IAM actions derived from the APIs, and a
// module the stack, the docs and the simulator load without the EC2 client.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { TASK_TYPE_NAMES } from '../../../lambdas/domain/task';
import {
  iamActionOf,
  listingActionsOf,
  TASK_TYPE_LIST,
  TASK_TYPE_METADATA,
} from '../../../lambdas/task-types/metadata';
import { TASK_TYPES } from '../../../lambdas/task-types';

const ROOT = path.resolve(__dirname, '../../..');

it('describes every task type once, in the order of TASK_TYPE_NAMES', () => {
  expect(TASK_TYPE_LIST.map((type) => type.name)).toEqual([...TASK_TYPE_NAMES]);
  for (const name of TASK_TYPE_NAMES) expect(TASK_TYPE_METADATA[name].name).toBe(name);
});

it('is what each listing module is built on', () => {
  for (const descriptor of TASK_TYPES) {
    const { listPages: _list, normalise: _normalise, ...metadata } = descriptor;
    expect(metadata).toEqual(TASK_TYPE_METADATA[descriptor.name]);
  }
});

it('derives the documented states from the lifecycle', () => {
  expect(TASK_TYPE_METADATA['store-image'].documentedStates).toEqual(['InProgress', 'Completed', 'Failed']);
  for (const type of TASK_TYPE_LIST) expect(type.documentedStates).toEqual(Object.keys(type.lifecycle));
});

it('gives the IAM actions of the listed types, in their order', () => {
  expect(iamActionOf({ apiName: 'DescribeBundleTasks' })).toBe('ec2:DescribeBundleTasks');
  expect(listingActionsOf(['store-image', 'bundle'])).toEqual([
    'ec2:DescribeStoreImageTasks',
    'ec2:DescribeBundleTasks',
  ]);
});

it('loads without the AWS SDK', () => {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      "require('./lambdas/task-types/metadata'); process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((file) => file.includes('@aws-sdk'))))",
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );

  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual([]);
});
