// Publishing to one of the monitor's KMS-encrypted topics, granted the same way wherever a
// function publishes (the publisher to the event topic, the Chatbot notifier to the chat topic).
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';

/**
 * Allows a function to publish to an encrypted topic. Granted by hand rather than with
 * topic.grantPublish, which adds `kms:GenerateDataKey*`: publishing to an encrypted topic needs
 * exactly kms:GenerateDataKey and kms:Decrypt on its key.
 */
export function allowPublishing(fn: lambda.IFunction, topic: sns.ITopic, key: kms.IKey): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
  key.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
}
