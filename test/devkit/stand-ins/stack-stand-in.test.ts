// Why: the command line's stack lookup is tested against this stand-in, so it must answer the real
// CloudFormation and Lambda clients as AWS does: the same shapes and the same typed errors.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { type StackStandIn, startStackStandIn } from '../../../devkit/stand-ins/stack-stand-in';
import { LOCAL_CREDENTIALS } from '../../../devkit/engines/engines';

let standIn: StackStandIn;
let cloudFormation: CloudFormationClient;
let lambda: LambdaClient;

beforeEach(async () => {
  standIn = await startStackStandIn();
  const common = {
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    endpoint: standIn.endpoint,
  };
  cloudFormation = new CloudFormationClient(common);
  lambda = new LambdaClient(common);
  standIn.putStack({
    name: 'Ec2TaskMonitor',
    outputs: { TableName: 'monitor-table', TopicArn: 'arn:aws:sns:us-east-1:000000000000:events' },
    functions: { 'monitor-poller': { REGIONS: 'us-east-1,eu-west-1', TASK_TYPES: 'bundle' } },
  });
});
afterEach(async () => {
  cloudFormation.destroy();
  lambda.destroy();
  await standIn.stop();
});

it('DescribeStacks answers a stack with its outputs', async () => {
  const { Stacks: stacks } = await cloudFormation.send(
    new DescribeStacksCommand({ StackName: 'Ec2TaskMonitor' }),
  );

  expect(stacks).toHaveLength(1);
  expect(stacks?.[0]).toMatchObject({
    StackName: 'Ec2TaskMonitor',
    StackStatus: 'CREATE_COMPLETE',
    StackId: expect.stringMatching(/^arn:aws:cloudformation:us-east-1:000000000000:stack\/Ec2TaskMonitor\//),
    Outputs: [
      { OutputKey: 'TableName', OutputValue: 'monitor-table' },
      { OutputKey: 'TopicArn', OutputValue: 'arn:aws:sns:us-east-1:000000000000:events' },
    ],
  });
});

it('DescribeStacks of a stack that does not exist fails as CloudFormation does', async () => {
  await expect(cloudFormation.send(new DescribeStacksCommand({ StackName: 'Other' }))).rejects.toMatchObject({
    name: 'ValidationError',
    message: 'Stack with id Other does not exist',
    $metadata: { httpStatusCode: 400 },
  });
});

it('GetFunctionConfiguration answers a function by name or ARN with its environment', async () => {
  const byName = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'monitor-poller' }));
  const byArn = await lambda.send(
    new GetFunctionConfigurationCommand({
      FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:monitor-poller',
    }),
  );

  expect(byName.Environment?.Variables).toEqual({ REGIONS: 'us-east-1,eu-west-1', TASK_TYPES: 'bundle' });
  expect(byArn.FunctionName).toBe('monitor-poller');
});

it('GetFunctionConfiguration of an unknown function is a ResourceNotFoundException', async () => {
  await expect(
    lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'nope' })),
  ).rejects.toBeInstanceOf(ResourceNotFoundException);
  expect(standIn.requests).toEqual(['lambda.GetFunctionConfiguration']);
});
