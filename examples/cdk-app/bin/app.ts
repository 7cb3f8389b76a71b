// A CDK app of your own with the EC2 task monitor in one of its stacks, from the installed package
// (npm install ec2-task-monitor aws-cdk-lib constructs): the construct configured with its props,
// and a rule of the app's own on the monitor's events. `npm run synth` synthesizes it; the
// package's test synthesizes these same files from the packed package.
import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE, Ec2TaskMonitor } from 'ec2-task-monitor';

const app = new App();
const stack = new Stack(app, 'Operations', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' },
});

const monitor = new Ec2TaskMonitor(stack, 'TaskMonitor', {
  regions: ['us-east-1', 'eu-west-1'],
  emails: ['ops@example.com'],
  // Slack through AWS Chatbot: the workspace is authorised once in the Chatbot console.
  chatbot: { slackWorkspaceId: 'T0123ABCDEF', slackChannelId: 'C0123ABCDEF' },
  // Every change on an EventBridge bus the monitor creates, with an archive.
  eventBus: 'create',
});

// Failed tasks, from the monitor's bus, to a queue a program reads.
const failedTasks = new sqs.Queue(stack, 'FailedTasks', { enforceSSL: true });
new events.Rule(stack, 'FailedTasksRule', {
  eventBus: monitor.channels.eventBus?.bus,
  eventPattern: {
    source: [EVENT_SOURCE],
    detailType: [EVENT_DETAIL_TYPE],
    detail: { current: { phase: ['failed'] } },
  },
  targets: [new targets.SqsQueue(failedTasks)],
});
