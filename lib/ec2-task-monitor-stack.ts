// The deployable stack: one Ec2TaskMonitor built from validated settings, its outputs, and the
// cdk-nag findings that are by design, each acknowledged on the narrowest construct with its reason.
import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Ec2TaskMonitor } from './ec2-task-monitor';
import type { NotificationChannel } from './notification-channel';
import type { MonitorSettings } from './settings';
import { STACK_OUTPUTS } from './stack-outputs';

/** Properties of an {@link Ec2TaskMonitorStack}. */
export interface Ec2TaskMonitorStackProps extends StackProps {
  /** The monitor's settings, validated (see `readSettings`). */
  readonly settings: MonitorSettings;
}

/** The EC2 task monitor as a stack, with the topics, table, dead-letter queue and dashboard as outputs. */
export class Ec2TaskMonitorStack extends Stack {
  /** The monitor this stack deploys. */
  public readonly monitor: Ec2TaskMonitor;

  constructor(scope: Construct, id: string, props: Ec2TaskMonitorStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.monitor = new Ec2TaskMonitor(this, 'Monitor', {
      regions: settings.regions,
      taskTypes: settings.taskTypes,
      schedule: settings.schedule,
      emails: settings.emails,
      operatorEmails: settings.operatorEmails,
      emailFilterPolicy: settings.emailFilterPolicy,
      progressStep: settings.progressStep,
      retentionDays: settings.retentionDays,
      disappearAfterMisses: settings.disappearAfterMisses,
      chatbot: settings.chatbot,
      slackWebhook: settings.slackWebhook,
      eventBus: settings.eventBus,
    });
    const { poller, publisher, topic, table, deadLetterQueue } = this.monitor;

    new CfnOutput(this, STACK_OUTPUTS.topicArn, {
      description: 'SNS topic receiving every EC2 task change',
      value: topic.topicArn,
    });
    new CfnOutput(this, STACK_OUTPUTS.tableName, {
      description: 'DynamoDB table of task snapshots and recorded changes',
      value: table.tableName,
    });
    new CfnOutput(this, STACK_OUTPUTS.pollerFunctionName, {
      description:
        'Poller function; the command line reads the polled Regions and task types from its environment',
      value: poller.functionName,
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      description: 'Stream batches the publisher could not publish',
      value: deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'OperatorTopicArn', {
      description: 'SNS topic receiving the alarms on the monitor itself (subscribe operators here)',
      value: this.monitor.operatorTopic.topicArn,
    });
    new CfnOutput(this, 'DashboardUrl', {
      description: 'CloudWatch dashboard of the monitor',
      value: this.monitor.dashboardUrl,
    });

    const { chatbotChannel, slackWebhookChannel, eventBusChannel, eventBus } = this.monitor;
    if (chatbotChannel) {
      Validations.of(chatbotChannel.channelPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'The channel may only run the EC2 Describe*Tasks actions of the watched task types, which ' +
          'support no resource-level permissions, so "*" is the only valid resource.',
      });
      new CfnOutput(this, 'ChatTopicArn', {
        description: 'SNS topic of the AWS Chatbot custom notifications (the Slack channel is subscribed)',
        value: chatbotChannel.chatTopic.topicArn,
      });
    }
    if (eventBus) {
      new CfnOutput(this, 'EventBusName', {
        description:
          'EventBridge bus receiving every change (source ec2-task-monitor, detail-type "EC2 Task Change")',
        value: eventBus.eventBusName,
      });
    }
    const channels = [
      ['Chatbot', chatbotChannel?.delivery],
      ['SlackWebhook', slackWebhookChannel],
      ['EventBus', eventBusChannel],
    ] as const;
    for (const [name, channel] of channels) {
      if (!channel) continue;
      new CfnOutput(this, `${name}DeadLetterQueueUrl`, {
        description: `Task changes the ${name} channel could not deliver after every retry`,
        value: channel.deadLetterQueue.queueUrl,
      });
      this.acknowledgeNotifier(channel);
    }

    // Each acknowledgement sits on the construct the finding is about, so a new wildcard
    // anywhere else still fails the synth.
    if (poller.role) {
      Validations.of(poller.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'The EC2 Describe*Tasks actions (the enabled task types only) and the X-Ray actions ' +
          'xray:PutTraceSegments/PutTelemetryRecords of active tracing support no resource-level ' +
          'permissions, so "*" is the only valid resource.',
      });
    }
    if (publisher.role) {
      Validations.of(publisher.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'dynamodb:ListStreams (added by the stream event source) and the X-Ray actions ' +
          'xray:PutTraceSegments/PutTelemetryRecords of active tracing support no resource-level ' +
          'permissions, so "*" is the only valid resource.',
      });
    }
    Validations.of(deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the publisher; it needs none of its own.',
    });
  }

  /** The findings of a notification channel that are by design. */
  private acknowledgeNotifier(channel: NotificationChannel): void {
    if (channel.notifier.role) {
      Validations.of(channel.notifier.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'The X-Ray actions xray:PutTraceSegments/PutTelemetryRecords of active tracing support no ' +
          'resource-level permissions, so "*" is the only valid resource.',
      });
    }
    Validations.of(channel.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is itself the channel queue's dead-letter queue; it needs none of its own.",
    });
  }
}
