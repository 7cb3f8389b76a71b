// The local mode's stand-ins for what the notification channels deliver to, chosen by the kind each
// channel's definition declares (LocalStandIn in lib/channel/channel.ts), so a new channel of a
// known kind runs locally with no change here:
// - chat-topic: the chat topic AWS Chatbot reads, read by a queue of the local SNS/SQS emulator;
// - slack-webhook: the Slack stand-in, its URL in the Secrets Manager stand-in;
// - event-bus: the EventBridge stand-in's PutEvents.
// Each reports what reached its destination as lines for the live view.
import type { ChannelDefinition } from '#monitor';
import { Inbox } from '../engines/inbox';
import type { LocalEngines } from '../engines/engines';
import { type LocalDeployment, subscribeQueue } from '../local-deployment';
import { type AwsStandIns, awsStandInsEnvironment, startAwsStandIns } from './aws-stand-ins';
import { type SlackStandIn, startSlackStandIn } from './slack-stand-in';

/** The stand-ins of a set of channels. */
export interface ChannelStandIns {
  /** The context that turns every channel on, with the stand-ins' placeholder ids. */
  readonly context: Readonly<Record<string, string>>;
  /** The SDK endpoint variables that send the notifiers to the stand-ins. */
  readonly environment: Readonly<Record<string, string>>;
  /** Where the stand-ins listen, for the start of the live view. */
  readonly description: string;
  /** Reads each chat channel's topics, once the deployment has created them. */
  attach(engines: Pick<LocalEngines, 'endpoints'>, deployment: LocalDeployment): Promise<void>;
  /** One line per delivery that reached a destination since the last call, channel by channel. */
  drain(): Promise<string[]>;
  stop(): Promise<void>;
}

/** What the local mode reads of a Slack post: its header block's text. */
interface SlackPost {
  blocks: Array<{ type: string; text?: { text: string } }>;
}

/** Starts the stand-ins the channels need (the Slack and AWS stand-ins once, whatever the number of channels). */
export async function startChannelStandIns(channels: readonly ChannelDefinition[]): Promise<ChannelStandIns> {
  const kinds = new Set(channels.map((channel) => channel.local.kind));
  const aws: AwsStandIns | undefined =
    kinds.has('slack-webhook') || kinds.has('event-bus') ? await startAwsStandIns() : undefined;
  const slack: SlackStandIn | undefined = kinds.has('slack-webhook') ? await startSlackStandIn() : undefined;
  for (const channel of channels) {
    if (channel.local.kind === 'slack-webhook' && aws && slack)
      aws.putSecret(channel.local.secretName, slack.url);
  }
  const chatReaders: Array<{ id: string; inbox: Inbox }> = [];
  let posts = 0;
  let entries = 0;
  return {
    context: Object.assign({}, ...channels.map((channel) => channel.local.context)),
    environment: aws ? awsStandInsEnvironment(aws) : {},
    description: [
      slack && `Slack webhook stand-in ${slack.url}`,
      aws && `Secrets Manager + EventBridge stand-in ${aws.endpoint}`,
    ]
      .filter(Boolean)
      .join('   '),
    async attach(engines, deployment) {
      for (const channel of channels) {
        if (channel.local.kind !== 'chat-topic') continue;
        const deployed = deployment.channels.find((candidate) => candidate.channel === channel.name);
        for (const [index, topicArn] of (deployed?.topicArns ?? []).entries()) {
          const queue = await subscribeQueue(engines, topicArn, `${channel.name}-chat-${index}`, undefined, {
            raw: true,
          });
          chatReaders.push({ id: channel.id, inbox: new Inbox(engines.endpoints.sqs, queue.queueUrl) });
        }
      }
    },
    async drain() {
      const lines: string[] = [];
      for (const { id, inbox } of chatReaders) {
        for (const body of await inbox.drainBodies()) {
          lines.push(
            `  ${id} (chat topic): ${(JSON.parse(body) as { content: { title: string } }).content.title}`,
          );
        }
      }
      for (const post of slack?.posts.slice(posts) ?? []) {
        const header = (post.body as SlackPost).blocks.find((block) => block.type === 'header');
        lines.push(`  Slack webhook post: ${header?.text?.text ?? '(no header)'}`);
      }
      posts = slack?.posts.length ?? 0;
      const put = (aws?.events.length ?? 0) - entries;
      if (put > 0)
        lines.push(
          `  EventBridge: ${put} "EC2 Task Change" ${put === 1 ? 'entry' : 'entries'} put on the bus`,
        );
      entries = aws?.events.length ?? 0;
      return lines;
    },
    async stop() {
      chatReaders.forEach(({ inbox }) => inbox.close());
      await Promise.allSettled([slack?.stop(), aws?.stop()]);
    },
  };
}
