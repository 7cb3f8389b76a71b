// The breakdowns that are log lines, not metrics: tasks by type and phase, changes by type, failed
// listings. As custom metrics they were dozens of series at $0.30 a month each; as saved Logs
// Insights queries over the poller's structured lines they cost nothing until someone runs one
// ($0.005 per GB scanned). The lines are written in lambdas/poller/poll-cycle.ts with the messages
// of lambdas/shared/log-messages.ts.
import { Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { POLLER_LOG_MESSAGES } from '../lambdas/shared/log-messages';

/** A saved query: its name under the stack's folder, and its text. */
export interface MonitorQuery {
  /** Its name in the Logs Insights console, under the folder named after the stack. */
  readonly name: string;
  /** What it shows, as the dashboard's widget title. */
  readonly title: string;
  /** The query. */
  readonly queryString: logs.QueryString;
}

/** The monitor's saved queries, in the order the console and the dashboard show them. */
export const MONITOR_QUERIES: readonly MonitorQuery[] = [
  {
    name: 'tasks-by-type-and-phase',
    title: 'Tasks by phase, as each listing last saw them',
    queryString: new logs.QueryString({
      filterStatements: [`message = "${POLLER_LOG_MESSAGES.tasksSeen}"`],
      statsStatements: [
        'latest(tasks) as listed, latest(pending) as pending, latest(running) as running, ' +
          'latest(succeeded) as succeeded, latest(failed) as failed, latest(cancelled) as cancelled, ' +
          'latest(unknown) as unknown by account, region, taskType',
      ],
      sort: 'running desc',
    }),
  },
  {
    name: 'changes-by-type',
    title: 'Changes recorded, by task type and change type',
    queryString: new logs.QueryString({
      filterStatements: [`message = "${POLLER_LOG_MESSAGES.changeRecorded}"`],
      statsStatements: ['count(*) as changes by account, taskType, changeType'],
      sort: 'changes desc',
    }),
  },
  {
    name: 'listing-failures-and-skipped-tasks',
    title: 'Failed listings and skipped task objects',
    queryString: new logs.QueryString({
      filterStatements: [
        `message in ["${POLLER_LOG_MESSAGES.listingFailed}", "${POLLER_LOG_MESSAGES.taskSkipped}"]`,
      ],
      statsStatements: [
        'count(*) as times, latest(code) as lastCode, latest(reason) as lastReason, max(@timestamp) as last ' +
          'by message, account, region, taskType',
      ],
      sort: 'last desc',
    }),
  },
];

/** Properties of {@link MonitorQueries}. */
export interface MonitorQueriesProps {
  /** The log group of the function that polls (the poller, or the worker in organization mode). */
  readonly pollerLogGroup: logs.ILogGroup;
}

/** The {@link MONITOR_QUERIES} saved in Logs Insights, under a folder named after the stack. */
export class MonitorQueries extends Construct {
  constructor(scope: Construct, id: string, props: MonitorQueriesProps) {
    super(scope, id);
    const folder = Stack.of(this).stackName;
    for (const query of MONITOR_QUERIES) {
      new logs.QueryDefinition(this, query.name, {
        queryDefinitionName: `${folder}/${query.name}`,
        queryString: query.queryString,
        logGroups: [props.pollerLogGroup],
      });
    }
  }
}
