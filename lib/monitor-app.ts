// The monitor's CDK app, built in-process: settings from context, validated once, one
// Ec2TaskMonitor stack, cdk-nag's AWS Solutions checks. bin/app.ts runs it for `cdk synth`; tests
// and the local mode call buildApp directly, without the entry point's process handling.
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Ec2TaskMonitorStack } from './ec2-task-monitor-stack';
import { checkContextKeys, readSettings } from './settings';
import { STACK_NAME } from './stack-outputs';

export { STACK_NAME } from './stack-outputs';

/**
 * Region used when the environment names none. Synth must work offline without credentials,
 * where the CLI cannot resolve a default Region; us-east-1 keeps the template concrete (known
 * Region for settings validation and partition literals). Deploy with a profile or
 * CDK_DEFAULT_REGION to target another Region.
 */
export const FALLBACK_REGION = 'us-east-1';

/** What {@link buildApp} returns. */
export interface MonitorApp {
  readonly app: App;
  readonly stack: Ec2TaskMonitorStack;
}

/**
 * Builds the app with the monitor stack and cdk-nag.
 *
 * @param context CDK context (settings such as `regions`, plus CDK keys such as `aws:cdk:disable-asset-staging`)
 * @param appProps further App properties (outdir, ...)
 * @throws SettingsError when a setting is invalid
 */
export function buildApp(
  context: Record<string, unknown> = {},
  appProps: Omit<AppProps, 'context'> = {},
): MonitorApp {
  const app = new App({ ...appProps, context });
  // A misspelled setting fails here rather than being ignored.
  checkContextKeys(Object.keys(app.node.getAllContext()));
  const region = process.env.CDK_DEFAULT_REGION || FALLBACK_REGION;
  const settings = readSettings(app.node, region);
  const stack = new Ec2TaskMonitorStack(app, STACK_NAME, {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
    description: 'EC2 Task Monitor: polls the EC2 task APIs and publishes each task change to SNS',
    settings,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
