// The deployable stack: one Ec2TaskMonitor and its outputs, the channels' among them.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Ec2TaskMonitor } from './ec2-task-monitor';
import type { Ec2TaskMonitorProps } from './ec2-task-monitor-props';
import { STACK_OUTPUTS } from './stack-outputs';

/** Properties of an {@link Ec2TaskMonitorStack}. */
export interface Ec2TaskMonitorStackProps extends StackProps {
  /**
   * The monitor's props (checked by the construct).
   *
   * @default - every default of Ec2TaskMonitorProps
   */
  readonly monitor?: Ec2TaskMonitorProps;
}

/** The EC2 task monitor as a stack, with the topics, table, dead-letter queues and dashboard as outputs. */
export class Ec2TaskMonitorStack extends Stack {
  /** The monitor this stack deploys. */
  public readonly monitor: Ec2TaskMonitor;

  constructor(scope: Construct, id: string, props: Ec2TaskMonitorStackProps = {}) {
    super(scope, id, props);
    this.monitor = new Ec2TaskMonitor(this, 'Monitor', props.monitor);
    const { poller, topic, table, deadLetterQueue } = this.monitor;

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
    // No console in the isolated partitions: no link that would not work.
    if (this.monitor.dashboardUrl !== undefined) {
      new CfnOutput(this, 'DashboardUrl', {
        description: 'CloudWatch dashboard of the monitor',
        value: this.monitor.dashboardUrl,
        condition: this.monitor.dashboardUrlCondition,
      });
    }

    for (const { id: channelId, channel } of this.monitor.configuredChannels) {
      for (const [outputId, output] of Object.entries(channel.outputs)) {
        new CfnOutput(this, outputId, output);
      }
      new CfnOutput(this, `${channelId}DeadLetterQueueUrl`, {
        description: `Task changes the ${channelId} channel could not deliver after every retry`,
        value: channel.delivery.deadLetterQueue.queueUrl,
      });
    }
  }
}
