// One read of AWS Organizations at deploy time (the organization's root, its id), through the
// CDK's AwsCustomResource: the value is a token the StackSets and the bus policy use, so nothing
// about the organization is typed into the settings. Organizations' read calls support no
// resource-level permissions, which cdk-nag is told here, once for each lookup and once for the
// function CDK creates per stack for every AwsCustomResource.
import { Stack, Validations } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';

/** Construct id of the function CDK creates once per stack for every AwsCustomResource. */
const AWS_CUSTOM_RESOURCE_SINGLETON = 'AWS679f53fac002430cb0da5b7982bd2287';

/** What one lookup reads. */
export interface OrganizationLookupProps {
  /** The Organizations SDK call (v3 name, e.g. `listRoots`, `describeOrganization`). */
  readonly action: string;
  /** The custom resource's physical id: a new one reads again on the next deployment. */
  readonly physicalResourceId: string;
  /** The response field read (e.g. `Roots.0.Id`). */
  readonly outputPath: string;
  /** Why the call is made, for the acknowledgement of its `Resource::*`. */
  readonly reason: string;
}

/** The function's own acknowledgement, added once per stack. */
const acknowledgedProviders = new WeakSet<Construct>();

/**
 * Reads one field from Organizations on every deployment.
 * @returns a token resolving to the field at deploy time
 */
export function organizationLookup(scope: Construct, id: string, props: OrganizationLookupProps): string {
  const lookup = new cr.AwsCustomResource(scope, id, {
    onUpdate: {
      service: 'Organizations',
      action: props.action,
      physicalResourceId: cr.PhysicalResourceId.of(props.physicalResourceId),
      outputPaths: [props.outputPath],
    },
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    installLatestAwsSdk: false,
  });
  Validations.of(lookup).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: `Organizations' ${props.action} supports no resource-level permissions (${props.reason}).`,
  });
  const provider = Stack.of(scope).node.tryFindChild(AWS_CUSTOM_RESOURCE_SINGLETON);
  if (provider && !acknowledgedProviders.has(provider)) {
    acknowledgedProviders.add(provider);
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "The CDK's AwsCustomResource function (it reads the organization once per deployment) " +
        'writes its logs with the AWS managed basic execution policy, which the CDK attaches.',
    });
  }
  return lookup.getResponseField(props.outputPath);
}
