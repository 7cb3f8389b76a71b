// The event topic, one message per change, encrypted with its own rotated key and TLS only; and the
// queue where the publisher parks the stream batches it gave up on.
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** The event topic and its key, as `Topic` and `TopicKey` under `scope`. */
export function eventTopic(
  scope: Construct,
  removalPolicy: RemovalPolicy,
): { topic: sns.Topic; key: kms.Key } {
  const key = new kms.Key(scope, 'TopicKey', {
    description: 'Encrypts the EC2 task monitor topic',
    enableKeyRotation: true,
    removalPolicy,
    pendingWindow: Duration.days(7),
  });
  const topic = new sns.Topic(scope, 'Topic', {
    displayName: 'EC2 task monitor',
    masterKey: key,
    enforceSSL: true,
  });
  return { topic, key };
}

/** The publisher's dead-letter queue, as `DeadLetterQueue` under `scope`: stream positions, kept 14 days. */
export function publisherDeadLetterQueue(scope: Construct, removalPolicy: RemovalPolicy): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    // SQS-managed keys: a customer key would add kms grants with wildcard actions to the
    // publisher for messages that are only stream positions, not task data.
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy,
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the dead-letter queue of the publisher; it needs none of its own.',
  });
  return queue;
}
