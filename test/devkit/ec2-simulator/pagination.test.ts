// Why: the poller pages with the SDK paginators and must get every task exactly once; the
// simulator enforces each API's documented MaxResults range and rejects tokens it did not issue.
import {
  DescribeBundleTasksCommand,
  DescribeExportImageTasksCommand,
  DescribeImportImageTasksCommand,
  DescribeImportSnapshotTasksCommand,
  DescribeMacModificationTasksCommand,
  DescribeReplaceRootVolumeTasksCommand,
  DescribeStoreImageTasksCommand,
  type EC2Client,
  paginateDescribeExportImageTasks,
  paginateDescribeImportImageTasks,
  paginateDescribeImportSnapshotTasks,
  paginateDescribeMacModificationTasks,
  paginateDescribeReplaceRootVolumeTasks,
  paginateDescribeStoreImageTasks,
} from '@aws-sdk/client-ec2';
import { startEc2Simulator, type ApiName, type TaskTypeName } from '../../../devkit/ec2-simulator';
import { clientFor, failureOf, numberedTask, useSimulator } from './fixtures';

interface PageInput {
  MaxResults?: number;
  NextToken?: string;
}

interface Paginated {
  taskType: TaskTypeName;
  api: ApiName;
  /** The member holding the id the listing is asked by. */
  idMember: string;
  min: number;
  max: number;
  /** Ids of one page's tasks, in listing order. */
  pages(ec2: EC2Client, pageSize?: number): AsyncIterable<string[]>;
  call(ec2: EC2Client, input: PageInput): Promise<{ NextToken?: string; ids: string[] }>;
}

async function* ids<T>(pages: AsyncIterable<T>, read: (page: T) => string[]): AsyncIterable<string[]> {
  for await (const page of pages) yield read(page);
}

const PAGINATED: readonly Paginated[] = [
  {
    taskType: 'import-image',
    idMember: 'ImportTaskId',
    api: 'DescribeImportImageTasks',
    min: 1,
    max: 1000,
    pages: (ec2, pageSize) =>
      ids(paginateDescribeImportImageTasks({ client: ec2, pageSize }, {}), (p) =>
        (p.ImportImageTasks ?? []).map((t) => t.ImportTaskId ?? ''),
      ),
    call: async (ec2, input) => {
      const out = await ec2.send(new DescribeImportImageTasksCommand(input));
      return { NextToken: out.NextToken, ids: (out.ImportImageTasks ?? []).map((t) => t.ImportTaskId ?? '') };
    },
  },
  {
    taskType: 'import-snapshot',
    idMember: 'ImportTaskId',
    api: 'DescribeImportSnapshotTasks',
    min: 1,
    max: 1000,
    pages: (ec2, pageSize) =>
      ids(paginateDescribeImportSnapshotTasks({ client: ec2, pageSize }, {}), (p) =>
        (p.ImportSnapshotTasks ?? []).map((t) => t.ImportTaskId ?? ''),
      ),
    call: async (ec2, input) => {
      const out = await ec2.send(new DescribeImportSnapshotTasksCommand(input));
      return {
        NextToken: out.NextToken,
        ids: (out.ImportSnapshotTasks ?? []).map((t) => t.ImportTaskId ?? ''),
      };
    },
  },
  {
    taskType: 'store-image',
    idMember: 'AmiId',
    api: 'DescribeStoreImageTasks',
    min: 1,
    max: 200,
    pages: (ec2, pageSize) =>
      ids(paginateDescribeStoreImageTasks({ client: ec2, pageSize }, {}), (p) =>
        (p.StoreImageTaskResults ?? []).map((t) => t.AmiId ?? ''),
      ),
    call: async (ec2, input) => {
      const out = await ec2.send(new DescribeStoreImageTasksCommand(input));
      return { NextToken: out.NextToken, ids: (out.StoreImageTaskResults ?? []).map((t) => t.AmiId ?? '') };
    },
  },
  {
    taskType: 'export-image',
    idMember: 'ExportImageTaskId',
    api: 'DescribeExportImageTasks',
    min: 1,
    max: 500,
    pages: (ec2, pageSize) =>
      ids(paginateDescribeExportImageTasks({ client: ec2, pageSize }, {}), (p) =>
        (p.ExportImageTasks ?? []).map((t) => t.ExportImageTaskId ?? ''),
      ),
    call: async (ec2, input) => {
      const out = await ec2.send(new DescribeExportImageTasksCommand(input));
      return {
        NextToken: out.NextToken,
        ids: (out.ExportImageTasks ?? []).map((t) => t.ExportImageTaskId ?? ''),
      };
    },
  },
  {
    taskType: 'replace-root-volume',
    idMember: 'ReplaceRootVolumeTaskId',
    api: 'DescribeReplaceRootVolumeTasks',
    min: 1,
    max: 50,
    pages: (ec2, pageSize) =>
      ids(paginateDescribeReplaceRootVolumeTasks({ client: ec2, pageSize }, {}), (p) =>
        (p.ReplaceRootVolumeTasks ?? []).map((t) => t.ReplaceRootVolumeTaskId ?? ''),
      ),
    call: async (ec2, input) => {
      const out = await ec2.send(new DescribeReplaceRootVolumeTasksCommand(input));
      return {
        NextToken: out.NextToken,
        ids: (out.ReplaceRootVolumeTasks ?? []).map((t) => t.ReplaceRootVolumeTaskId ?? ''),
      };
    },
  },
  {
    taskType: 'mac-modification',
    idMember: 'MacModificationTaskId',
    api: 'DescribeMacModificationTasks',
    min: 1,
    max: 500,
    pages: (ec2, pageSize) =>
      ids(paginateDescribeMacModificationTasks({ client: ec2, pageSize }, {}), (p) =>
        (p.MacModificationTasks ?? []).map((t) => t.MacModificationTaskId ?? ''),
      ),
    call: async (ec2, input) => {
      const out = await ec2.send(new DescribeMacModificationTasksCommand(input));
      return {
        NextToken: out.NextToken,
        ids: (out.MacModificationTasks ?? []).map((t) => t.MacModificationTaskId ?? ''),
      };
    },
  },
];

function paginated(api: ApiName): Paginated {
  const found = PAGINATED.find((candidate) => candidate.api === api);
  if (!found) throw new Error(`no test table row for ${api}`);
  return found;
}

async function collect(pages: AsyncIterable<string[]>): Promise<string[][]> {
  const out: string[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('EC2 simulator: pagination', () => {
  const fixture = useSimulator({
    pageSizeCap: {
      DescribeImportImageTasks: 2,
      DescribeImportSnapshotTasks: 2,
      DescribeStoreImageTasks: 2,
      DescribeExportImageTasks: 2,
      DescribeReplaceRootVolumeTasks: 2,
      DescribeMacModificationTasks: 2,
    },
  });

  it.each(PAGINATED)('$api: the SDK paginator reads every task once across capped pages', async (api) => {
    // Prepare
    const tasks = [1, 2, 3, 4, 5].map((n) => numberedTask(api.taskType, n));
    for (const task of tasks) fixture.sim.putTask('us-east-1', api.taskType, task);
    const expected = tasks.map((task) => task[api.idMember]);
    // Act
    const pages = await collect(api.pages(fixture.ec2, api.max));
    // Assess
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().sort()).toEqual([...expected].sort());
    const calls = fixture.sim.requests.filter((request) => request.api === api.api);
    expect(calls.map((call) => call.params.MaxResults)).toEqual([
      String(api.max),
      String(api.max),
      String(api.max),
    ]);
    expect(calls.map((call) => call.params.NextToken === undefined)).toEqual([true, false, false]);
  });

  it.each(PAGINATED)(
    '$api: MaxResults outside its documented range is InvalidParameterValue (400)',
    async (api) => {
      // Act
      const below = await failureOf(api.call(fixture.ec2, { MaxResults: api.min - 1 }));
      const above = await failureOf(api.call(fixture.ec2, { MaxResults: api.max + 1 }));
      const edges = [
        await api.call(fixture.ec2, { MaxResults: api.min }),
        await api.call(fixture.ec2, { MaxResults: api.max }),
      ];
      // Assess
      expect(below).toEqual({
        name: 'InvalidParameterValue',
        status: 400,
        message: `Value ( ${api.min - 1} ) for parameter maxResults is invalid. Expecting a value between ${api.min} and ${api.max}.`,
      });
      expect(above.name).toBe('InvalidParameterValue');
      expect(above.status).toBe(400);
      expect(edges).toEqual([
        { NextToken: undefined, ids: [] },
        { NextToken: undefined, ids: [] },
      ]);
    },
  );

  it('store-image lists newest first across pages', async () => {
    // Prepare: start times grow with n
    for (const n of [3, 1, 5, 2, 4])
      fixture.sim.putTask('us-east-1', 'store-image', numberedTask('store-image', n));
    // Act
    const pages = await collect(paginated('DescribeStoreImageTasks').pages(fixture.ec2, 200));
    // Assess
    const ami = (n: number) => `ami-${String(n).padStart(17, '0')}`;
    expect(pages).toEqual([[ami(5), ami(4)], [ami(3), ami(2)], [ami(1)]]);
  });

  it('store-image refuses MaxResults together with ImageIds, and more than 20 ImageIds', async () => {
    // Act
    const combined = await failureOf(
      fixture.ec2.send(
        new DescribeStoreImageTasksCommand({ ImageIds: ['ami-1234567890abcdef0'], MaxResults: 10 }),
      ),
    );
    const tooMany = await failureOf(
      fixture.ec2.send(
        new DescribeStoreImageTasksCommand({ ImageIds: Array.from({ length: 21 }, (_, i) => `ami-${i}`) }),
      ),
    );
    // Assess
    expect(combined).toEqual({
      name: 'InvalidParameterCombination',
      status: 400,
      message: 'The parameter ImageIds cannot be used with the parameter MaxResults',
    });
    expect(tooMany.name).toBe('InvalidParameterValue');
  });

  const importImages = paginated('DescribeImportImageTasks');

  it('a forged, altered or foreign NextToken is InvalidNextToken (400)', async () => {
    // Prepare
    for (let n = 1; n <= 3; n += 1) {
      fixture.sim.putTask('us-east-1', 'import-image', numberedTask('import-image', n));
      fixture.sim.putTask('us-east-1', 'export-image', numberedTask('export-image', n));
    }
    const first = await importImages.call(fixture.ec2, { MaxResults: 2 });
    const token = first.NextToken as string;
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    // Act
    const forged = await failureOf(importImages.call(fixture.ec2, { NextToken: 'eyJvZmZzZXQiOjJ9' }));
    const tampered = await failureOf(importImages.call(fixture.ec2, { NextToken: altered }));
    const foreign = await failureOf(
      paginated('DescribeExportImageTasks').call(fixture.ec2, { NextToken: token }),
    );
    const otherListing = await failureOf(
      fixture.ec2.send(
        new DescribeImportImageTasksCommand({
          NextToken: token,
          Filters: [{ Name: 'task-state', Values: ['active'] }],
        }),
      ),
    );
    const valid = await importImages.call(fixture.ec2, { NextToken: token });
    // Assess
    for (const error of [forged, tampered, foreign, otherListing]) {
      expect({ name: error.name, status: error.status }).toEqual({ name: 'InvalidNextToken', status: 400 });
    }
    expect(valid).toEqual({ NextToken: undefined, ids: ['import-ami-00000000000000003'] });
  });

  it('a task removed between pages neither shifts nor repeats the rest', async () => {
    // Prepare
    for (let n = 1; n <= 4; n += 1)
      fixture.sim.putTask('us-east-1', 'import-image', numberedTask('import-image', n));
    const first = await importImages.call(fixture.ec2, { MaxResults: 2 });
    fixture.sim.removeTask('us-east-1', 'import-image', 'import-ami-00000000000000001');
    // Act
    const second = await importImages.call(fixture.ec2, { MaxResults: 2, NextToken: first.NextToken });
    // Assess
    expect(first.ids).toEqual(['import-ami-00000000000000001', 'import-ami-00000000000000002']);
    expect(second).toEqual({
      NextToken: undefined,
      ids: ['import-ami-00000000000000003', 'import-ami-00000000000000004'],
    });
  });

  it('without MaxResults, import-image pages by 100 (its undocumented limit); bundle tasks are never paged', async () => {
    // Prepare
    const uncapped = await startEc2Simulator();
    const client = clientFor(uncapped);
    for (let n = 1; n <= 101; n += 1) {
      uncapped.putTask('us-east-1', 'import-image', numberedTask('import-image', n));
      uncapped.putTask('us-east-1', 'bundle', numberedTask('bundle', n));
    }
    try {
      // Act
      const images = await client.send(new DescribeImportImageTasksCommand({}));
      const bundles = await client.send(new DescribeBundleTasksCommand({}));
      // Assess
      expect(images.ImportImageTasks).toHaveLength(100);
      expect(images.NextToken).toEqual(expect.any(String));
      expect(bundles.BundleTasks).toHaveLength(101);
    } finally {
      client.destroy();
      await uncapped.close();
    }
  });

  it('refuses a page size cap for an API without pagination', async () => {
    // Act
    const start = startEc2Simulator({ pageSizeCap: { DescribeBundleTasks: 2 } });
    // Assess
    await expect(start).rejects.toThrow('pageSizeCap.DescribeBundleTasks: not a paginated task API');
  });
});
