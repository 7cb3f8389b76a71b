// Slack through an incoming webhook: the secret (its name, never the URL), the notifiers' limit
// and pace, and the redeliveries.
import {
  environmentOf,
  logicalIdOf,
  statementsOfRole,
  synthMonitor,
  TEST_ACCOUNT,
  TEST_REGION,
  type SynthesizedMonitor,
} from '../../lib/synth';

const WEBHOOK = { slackWebhookSecretName: 'ec2-task-monitor/slack-webhook' };

let every: SynthesizedMonitor;

beforeAll(() => {
  every = synthMonitor({ ...WEBHOOK });
});

describe('Slack through an incoming webhook', () => {
  it('gives the notifier the secret name and read access to that secret only', () => {
    const { template, stack } = every;
    const channel = stack.monitor.channels.slackWebhook!.delivery;

    expect(environmentOf(every, channel)).toMatchObject({
      CHANNEL: 'slack-webhook',
      SLACK_WEBHOOK_SECRET_NAME: 'ec2-task-monitor/slack-webhook',
    });
    expect(statementsOfRole(template, logicalIdOf(channel.notifier.role!))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                `:secretsmanager:${TEST_REGION}:${TEST_ACCOUNT}:secret:ec2-task-monitor/slack-webhook-??????`,
              ],
            ],
          },
        }),
      ]),
    );
  });

  it('never puts a webhook URL in the template', () => {
    expect(JSON.stringify(every.template.toJSON())).not.toMatch(/hooks\.slack\.com/);
  });

  it("limits the notifiers with the event source (2 at most, nothing reserved), each posting at half of Slack's rate, and redelivers up to ten times", () => {
    const { template, stack } = every;
    const channel = stack.monitor.channels.slackWebhook!.delivery;
    const resources = template.toJSON().Resources;
    const mapping = Object.values(resources).find(
      (resource) =>
        (resource as { Type: string }).Type === 'AWS::Lambda::EventSourceMapping' &&
        JSON.stringify((resource as { Properties: unknown }).Properties).includes(logicalIdOf(channel.queue)),
    ) as { Properties: Record<string, unknown> };

    // A reserved concurrency would throttle the queue's pollers, and throttled receives count
    // towards the dead-letter queue; the event source's maximum concurrency takes no more batches.
    expect(resources[logicalIdOf(channel.notifier)].Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: 2 });
    expect(environmentOf(every, channel).SLACK_POST_INTERVAL_MS).toBe('2000');
    // Together the notifiers post at most once a second, Slack's rate for one webhook: each waits
    // the interval between its posts, and at most MaximumConcurrency of them run (review W2).
    const { MaximumConcurrency } = mapping.Properties.ScalingConfig as { MaximumConcurrency: number };
    expect(
      Number(environmentOf(every, channel).SLACK_POST_INTERVAL_MS) / MaximumConcurrency,
    ).toBeGreaterThanOrEqual(1000);
    expect(resources[logicalIdOf(channel.queue)].Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(channel.deadLetterQueue), 'Arn'] },
      maxReceiveCount: 10,
    });
  });
});
