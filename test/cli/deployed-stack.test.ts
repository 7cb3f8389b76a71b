// Why: `status --stack-name` must find the table and the settings in the deployed stack, let the
// environment win, and say in one line what is missing and why the stack could not tell. Runs the
// real CloudFormation and Lambda clients against the local stand-in over loopback HTTP.
import { ConfigurationError } from '../../lambdas/shared/config';
import { requireVariables, resolveVariables } from '../../cli/deployed-stack';
import {
  type StackStandIn,
  stackStandInEnvironment,
  startStackStandIn,
} from '../../devkit/stand-ins/stack-stand-in';
import { LOCAL_CREDENTIALS } from '../../devkit/engines/engines';

let standIn: StackStandIn;
const saved = { ...process.env };

beforeEach(async () => {
  standIn = await startStackStandIn();
  Object.assign(process.env, stackStandInEnvironment(standIn), {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });
  standIn.putStack({
    name: 'Ec2TaskMonitor',
    outputs: {
      TableName: 'monitor-table',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:events',
      PollerFunctionName: 'monitor-poller',
    },
    functions: {
      'monitor-poller': {
        TABLE_NAME: 'monitor-table',
        REGIONS: 'us-east-1,eu-west-1',
        TASK_TYPES: 'bundle,import-image',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
    },
  });
});
afterEach(async () => {
  process.env = { ...saved };
  await standIn.stop();
});

const WANTED = { required: ['TABLE_NAME', 'TOPIC_ARN'], optional: ['REGIONS', 'TASK_TYPES'] };

it('reads the table and topic from the outputs and the settings from the poller, and sets them for the handlers', async () => {
  const env: NodeJS.ProcessEnv = {};

  const variables = await resolveVariables(WANTED, {}, env);

  expect(variables).toEqual({
    TABLE_NAME: 'monitor-table',
    TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:events',
    REGIONS: 'us-east-1,eu-west-1',
    TASK_TYPES: 'bundle,import-image',
  });
  expect(env).toEqual(variables);
  expect(standIn.requests).toEqual(['cloudformation.DescribeStacks', 'lambda.GetFunctionConfiguration']);
});

it('lets a variable set in the environment win over the stack', async () => {
  const variables = await resolveVariables(
    WANTED,
    {},
    { TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:mine', TASK_TYPES: 'bundle' },
  );

  expect(variables).toMatchObject({
    TABLE_NAME: 'monitor-table',
    TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:mine',
    TASK_TYPES: 'bundle',
  });
});

it('does not call AWS when the environment has every required variable', async () => {
  const variables = await resolveVariables(WANTED, {}, { TABLE_NAME: 't', TOPIC_ARN: 'a' });

  expect(variables).toEqual({ TABLE_NAME: 't', TOPIC_ARN: 'a' });
  expect(standIn.requests).toEqual([]);
});

it('names every missing variable and the stack it looked for when that stack does not exist', async () => {
  await expect(resolveVariables(WANTED, { stackName: 'Other' }, { AWS_REGION: 'eu-west-3' })).rejects.toThrow(
    new ConfigurationError(
      "TABLE_NAME and TOPIC_ARN are not set and stack Other was not found in eu-west-3: pass --stack-name, --region or --profile, or set the variables: take TABLE_NAME and TOPIC_ARN from the stack's outputs (aws cloudformation describe-stacks --stack-name Other), the others from its poller's environment (aws lambda get-function-configuration --function-name <its PollerFunctionName output>), or for the local mode source .local/ec2-task-monitor.env",
    ),
  );
});

it('asks for a redeploy when the stack predates the PollerFunctionName output', async () => {
  standIn.putStack({ name: 'Old', outputs: { TableName: 't', TopicArn: 'a' }, functions: {} });

  await expect(resolveVariables(WANTED, { stackName: 'Old' }, {})).rejects.toThrow(
    'stack Old has no PollerFunctionName output: deploy it with this version (npx cdk deploy), or set REGIONS and TASK_TYPES',
  );
});

it('requireVariables names every missing variable at once', () => {
  expect(() => requireVariables(['TABLE_NAME', 'REGIONS', 'ACCOUNT_ID'], { REGIONS: 'us-east-1' })).toThrow(
    /^TABLE_NAME and ACCOUNT_ID are not set: take TABLE_NAME and TOPIC_ARN from the stack's outputs/,
  );
});
