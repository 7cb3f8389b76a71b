// The operators' topic: where the monitor's alarms go, kept apart from the event topic so that
// consumers of task changes never see alarms and operators can subscribe without a filter.
// Encrypted with a customer-managed key (its own, or one it shares with the event topic: the
// `topicKeys` setting); CloudWatch alarms may publish to it (topic policy)
// and use its key (key policy), which CDK's SnsAction does not grant: without both, an alarm on an
// encrypted topic deploys cleanly and delivers nothing.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Service principal CloudWatch alarms publish as. */
const CLOUDWATCH_PRINCIPAL = 'cloudwatch.amazonaws.com';

/** Properties of an {@link OperatorTopic}. */
export interface OperatorTopicProps {
  /**
   * Addresses subscribed by email (every message, no filter), checked by the monitor; each must
   * confirm the subscription.
   *
   * @default - no email subscription
   */
  readonly emails?: readonly string[];

  /**
   * The customer-managed key to encrypt the topic with; CloudWatch alarms are allowed to use it.
   *
   * @default - a key of its own, rotated yearly
   */
  readonly key?: kms.Key;

  /**
   * What happens to its own key when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** An encrypted, TLS-only SNS topic that the account's CloudWatch alarms can publish to. */
export class OperatorTopic extends Construct {
  /** The topic the alarms notify. */
  public readonly topic: sns.Topic;
  /** Customer-managed key encrypting the topic (its own, or the one given). */
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: OperatorTopicProps = {}) {
    super(scope, id);
    const { account, region, partition } = Stack.of(this);

    this.key =
      props.key ??
      new kms.Key(this, 'Key', {
        description: 'Encrypts the EC2 task monitor operator topic (alarms)',
        enableKeyRotation: true,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
        pendingWindow: Duration.days(7),
      });
    // What SNS's documentation asks of a key for an AWS service that publishes to an encrypted
    // topic. No source conditions: the topic policy below limits publishing to this account's
    // alarms, and no other topic's policy lets CloudWatch publish (a shared key included).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'EC2 task monitor operations',
      masterKey: this.key,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a policy, which replaces SNS's default one (that let the
    // account's services publish): CloudWatch needs its own statement, limited to this account's alarms.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisAccountsAlarmsToPublish',
        principals: [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      }),
    );

    (props.emails ?? []).forEach((email) => {
      new sns.Subscription(this, `Email-${email}`, {
        topic: this.topic,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: email,
      });
    });
  }
}
