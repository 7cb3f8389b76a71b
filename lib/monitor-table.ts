// The monitor's one table: task snapshots (each the outbox of its own changes), the change
// history, the listings' baseline markers and the channels' delivery records, in the layout the
// functions share (lambdas/shared/table-layout.ts).
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { TABLE_LAYOUT } from '../lambdas/shared/table-layout';

/** On demand, point-in-time recovery, encrypted, TTL on the layout's attribute, a full-image stream. */
export class MonitorTable extends dynamodb.Table {
  constructor(scope: Construct, id: string, props: { removalPolicy: RemovalPolicy }) {
    super(scope, id, {
      partitionKey: { name: TABLE_LAYOUT.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_LAYOUT.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS managed key (aws/dynamodb): the table holds task metadata (ids, states, bucket names),
      // no secrets. It is encrypted at rest with key use logged in CloudTrail, at no key cost and
      // without kms grants for both functions and the stream that a customer key would need.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE_LAYOUT.timeToLiveAttribute,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      removalPolicy: props.removalPolicy,
    });
  }
}
