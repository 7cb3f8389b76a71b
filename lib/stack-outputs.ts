// The deployed stack's name and the outputs other tools read, in a module of their own without
// aws-cdk-lib, so the command line can name them without loading the CDK.

/** Name of the deployed stack (`cdk deploy` creates `Ec2TaskMonitor`). */
export const STACK_NAME = 'Ec2TaskMonitor';

/** Output keys of the stack that the command line reads (CloudFormation DescribeStacks). */
export const STACK_OUTPUTS = {
  /** The DynamoDB table of snapshots and recorded changes. */
  tableName: 'TableName',
  /** The SNS topic receiving every change. */
  topicArn: 'TopicArn',
  /** The poller function, whose environment holds the polled Regions and task types. */
  pollerFunctionName: 'PollerFunctionName',
} as const;
