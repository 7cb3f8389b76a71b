// Two accounts in the same Region, polled by the worker through the real SnapshotStore against
// DynamoDB Local: each account's listings live under its own keys (`<account>#<region>#<taskType>`,
// `UNIT#<account>#<region>`), so one account's listing never counts as a miss of the other's tasks
// and neither ever reports the other's tasks as disappeared. Before the account was in every key,
// the two accounts shared the listing's partition and each poll declared the other's tasks gone.
import { setTimeout } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeImportImageTasksCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { LOCAL_CREDENTIALS } from '../../devkit/engines/engines';
import { SnapshotStore } from '../../lambdas/adapters/snapshot-store';
import { newPollCache, type PollCache } from '../../lambdas/poller/poll-cycle';
import type { WorkerConfig } from '../../lambdas/shared/config';
import { pollAccountUnit, type WorkerDependencies } from '../../lambdas/worker/poll-account-unit';
import { createMonitorTable } from '../support/table';
import { ENGINE_ENV } from './support/global-setup';

const REGION = 'eu-west-1';
const MONITOR = '999999999999';
const ACCOUNTS = ['111111111111', '222222222222'] as const;
const config: WorkerConfig = {
  tableName: '',
  taskTypes: ['import-image'],
  account: MONITOR,
  progressStep: 25,
  retentionDays: 30,
  disappearAfterMisses: 2,
  memberRoleName: 'reader',
  pollIntervalSeconds: 60,
};
const ec2 = mockClient(EC2Client);
let client: DynamoDBClient;

beforeAll(async () => {
  client = new DynamoDBClient({
    endpoint: process.env[ENGINE_ENV.dynamodb],
    region: REGION,
    credentials: LOCAL_CREDENTIALS,
  });
});

afterAll(() => {
  client.destroy();
  ec2.restore();
});

// Warm (one container keeps every account's units) and cold (every poll reads what is stored).
it.each([
  ['a warm container', () => newPollCache()],
  ['new containers', () => undefined],
])(
  "two accounts in one Region never see each other's tasks disappear (%s)",
  async (_name, cacheOf: () => PollCache | undefined) => {
    const tableName = await createMonitorTable(client, 'accounts');
    try {
      // Each account lists only its own task, still running.
      let listingAccount = '';
      ec2.reset();
      ec2.on(DescribeImportImageTasksCommand).callsFake(async () => ({
        ImportImageTasks: [
          { ImportTaskId: `import-ami-${listingAccount}`, Status: 'active', Progress: '10' },
        ],
      }));
      const cache = cacheOf();
      let clock = Date.parse('2026-12-02T12:00:00Z');
      const deps: WorkerDependencies = {
        assume: async () => undefined,
        ec2For: (account, region) => {
          listingAccount = account;
          return new EC2Client({ region, credentials: LOCAL_CREDENTIALS });
        },
        store: new SnapshotStore(client, tableName, MONITOR),
        ...(cache ? { cache } : {}),
        coverage: { load: async () => undefined, put: async () => true },
        knownCoverage: new Map(),
        logger: new Logger({ logLevel: 'SILENT' }),
        metrics: new Metrics({ namespace: 'Test' }),
        now: () => new Date(clock),
        unknownStatesLogged: new Set(),
        // The config has no fastPollSeconds: nothing waits.
        sleep: (ms) => setTimeout(ms),
      };

      // Act: five cycles, the two accounts' units one after the other, a minute apart: far more
      // listings without the other's task than disappearAfterMisses.
      const changes: string[] = [];
      for (let cycle = 0; cycle < 5; cycle += 1) {
        for (const account of ACCOUNTS) {
          const report = await pollAccountUnit(
            { account, region: REGION, cycleStart: new Date(clock).toISOString() },
            { ...config, tableName },
            deps,
            () => 30_000,
          );
          expect(report.failure).toBeUndefined();
          expect(report.poll?.listings.map((listing) => [listing.account, listing.ok])).toEqual([
            [account, true],
          ]);
          changes.push(...(report.poll?.listings.map((listing) => `${account}:${listing.changes}`) ?? []));
          clock += 1_000;
        }
        clock += 60_000;
      }

      // Assert: each account recorded exactly its own task's discovery, in its own partition.
      for (const account of ACCOUNTS) {
        const recorded = await new SnapshotStore(client, tableName, account).unpublished(
          REGION,
          'import-image',
        );
        expect(
          recorded.map((entry) => [entry.event.changeType, entry.event.account, entry.event.taskId]),
        ).toEqual([['TaskDiscovered', account, `import-ami-${account}`]]);
      }
      expect(changes).toEqual(
        Array.from({ length: 5 }, (_, cycle) =>
          ACCOUNTS.map((account) => `${account}:${cycle === 0 ? 1 : 0}`),
        ).flat(),
      );
    } finally {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    }
  },
);
