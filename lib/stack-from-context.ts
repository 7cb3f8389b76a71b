// The monitor as a stack of its own, configured from the app's CDK context (cdk.json or
// `cdk synth -c key=value`): what this repository's app (bin/app.ts) deploys and what the local
// mode creates on its engines. A context key that is no setting fails here; the context's values
// become the construct's props, which the construct checks.
import type { App } from 'aws-cdk-lib';
import { Ec2TaskMonitorStack } from './ec2-task-monitor-stack';
import { checkContextKeys, propsFromContext } from './settings';
import { STACK_NAME } from './stack-outputs';

/**
 * Region used when the environment names none. Synth must work offline without credentials,
 * where the CLI cannot resolve a default Region; us-east-1 keeps the template concrete (known
 * Region for settings validation and partition literals). Deploy with a profile or
 * CDK_DEFAULT_REGION to target another Region.
 */
export const FALLBACK_REGION = 'us-east-1';

/**
 * Adds the monitor stack (`Ec2TaskMonitor`) to an app, with the settings in the app's context, in
 * the account and Region of the CDK environment (CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION, or
 * {@link FALLBACK_REGION}).
 *
 * @throws SettingsError when a context key is no setting or a setting is invalid
 */
export function addMonitorStack(app: App): Ec2TaskMonitorStack {
  // A misspelled setting fails here rather than being ignored.
  checkContextKeys(Object.keys(app.node.getAllContext()));
  const region = process.env.CDK_DEFAULT_REGION || FALLBACK_REGION;
  return new Ec2TaskMonitorStack(app, STACK_NAME, {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
    description: 'EC2 Task Monitor: polls the EC2 task APIs and publishes each task change to SNS',
    monitor: propsFromContext(app.node),
  });
}
