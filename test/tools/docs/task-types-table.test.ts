import { readFileSync } from 'node:fs';
import * as ec2 from '@aws-sdk/client-ec2';
import path from 'node:path';
import { TASK_TYPES } from '../../../lambdas/task-types';
import { taskTypesTable, withTaskTypesTable } from '../../../tools/docs/task-types-table';

describe('task types table', () => {
  it('has one row per registered task type, with its IAM action', () => {
    const table = taskTypesTable();

    expect(table.split('\n')).toHaveLength(2 + TASK_TYPES.length);
    expect(table).toContain('| `store-image` | ');
    expect(table).toContain('`ec2:DescribeStoreImageTasks`');
    expect(table).toContain('every page, MaxResults 200');
    expect(table).toContain(
      '| `bundle` | Instance bundle task | `ec2:DescribeBundleTasks` | one call, no pagination |',
    );
  });

  it.each(TASK_TYPES.map((type) => [type.name, type]))(
    'says %s is paginated exactly when the SDK has a paginator for it',
    (_, type) => {
      expect(type.paginated).toBe(`paginate${type.apiName}` in ec2);
    },
  );

  it('is what the README shows (run `npm run docs` after changing a task type)', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');

    expect(withTaskTypesTable(readme)).toBe(readme);
  });
});
