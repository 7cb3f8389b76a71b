// The Slack webhook channel end to end over loopback: the URL comes from the Secrets Manager
// stand-in through Powertools' getSecret, the message goes to the Slack stand-in.
import { toSlackMessage } from '../../../channels/slack-webhook/message';
import { SlackWebhookClient, SlackWebhookError } from '../../../channels/slack-webhook/client';
import {
  SlackWebhookDelivery,
  webhookUrlFromSecret,
  WebhookSecretError,
} from '../../../channels/slack-webhook/delivery';
import {
  type AwsStandIns,
  awsStandInsEnvironment,
  startAwsStandIns,
} from '../../../devkit/stand-ins/aws-stand-ins';
import { LOCAL_CREDENTIALS } from '../../../devkit/engines/engines';
import { type SlackStandIn, startSlackStandIn } from '../../../devkit/stand-ins/slack-stand-in';
import { aChange, aTask } from '../../support/tasks';

const event = aChange(
  aTask({
    state: 'deleted',
    phase: 'failed',
    progress: null,
    statusMessage: 'ClientError: <!channel> *boom*',
  }),
  { version: 2 },
);
const plenty = () => 30_000;

// One Secrets Manager stand-in for the file: Powertools keeps one client (and its endpoint) and a
// cache per secret name for the process, so each test uses a secret name of its own.
let aws: AwsStandIns;
let slack: SlackStandIn;
let SECRET: string;
let secretCount = 0;
const savedEnv = { ...process.env };

beforeAll(async () => {
  aws = await startAwsStandIns();
  Object.assign(process.env, awsStandInsEnvironment(aws), {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });
});
afterAll(async () => {
  process.env = { ...savedEnv };
  await aws.stop();
});
beforeEach(async () => {
  secretCount += 1;
  SECRET = `ec2-task-monitor/slack-webhook-${secretCount}`;
  slack = await startSlackStandIn();
});
afterEach(async () => {
  await slack.stop();
});

function channel(): SlackWebhookDelivery {
  return new SlackWebhookDelivery(webhookUrlFromSecret(SECRET), new SlackWebhookClient({ minIntervalMs: 0 }));
}

describe('SlackWebhookDelivery', () => {
  it("posts the event's Block Kit message to the URL kept in the secret", async () => {
    aws.putSecret(SECRET, slack.url);

    await channel().deliver(event, plenty);

    expect(slack.posts.map((post) => post.body)).toEqual([JSON.parse(JSON.stringify(toSlackMessage(event)))]);
    expect(JSON.stringify(slack.posts[0]?.body)).not.toContain('<!channel>');
  });

  it('reads the secret again after Slack refused the URL, so a rotated webhook is used at once', async () => {
    const other = await startSlackStandIn();
    try {
      aws.putSecret(SECRET, slack.url);
      const subject = channel();
      await subject.deliver(event, plenty);
      slack.failAll({ status: 404, body: 'no_service' });
      aws.putSecret(SECRET, other.url);

      const refused = await subject.deliver(event, plenty).catch((error: unknown) => error);
      await subject.deliver(event, plenty);

      expect(refused).toBeInstanceOf(SlackWebhookError);
      expect((refused as SlackWebhookError).retryable).toBe(false);
      expect(other.posts).toHaveLength(1);
    } finally {
      await other.stop();
    }
  });
});

describe('webhookUrlFromSecret', () => {
  it.each([
    ['not a URL', 'hooks.slack.com/services/T/B/x', 'is not a URL'],
    ['plain http to a remote host', 'http://hooks.slack.com/services/T/B/x', 'is not an https URL'],
  ])('refuses %s without echoing the value', async (_name, value, problem) => {
    aws.putSecret(SECRET, value);

    const error = await webhookUrlFromSecret(SECRET)(true).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(WebhookSecretError);
    expect((error as Error).message).toContain(problem);
    expect((error as Error).message).not.toContain('services/T/B/x');
  });

  it('fails with the SDK error when the secret does not exist', async () => {
    await expect(webhookUrlFromSecret('missing')(true)).rejects.toThrow();
  });
});
