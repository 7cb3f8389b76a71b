// The CDK app: settings from context, validated once, one Ec2TaskMonitor stack, cdk-nag's AWS
// Solutions checks. `buildApp` is exported so tests and the local mode synthesize in-process.
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Ec2TaskMonitorStack } from '../lib/ec2-task-monitor-stack';
import { readSettings, SettingsError } from '../lib/settings';

/** Name of the deployed stack. */
export const STACK_NAME = 'Ec2TaskMonitor';

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
 * @param context CDK context (settings such as `regions`, plus CDK keys such as `aws:cdk:bundling-stacks`)
 * @param appProps further App properties (outdir, ...)
 * @throws SettingsError when a setting is invalid
 */
export function buildApp(
  context: Record<string, unknown> = {},
  appProps: Omit<AppProps, 'context'> = {},
): MonitorApp {
  const app = new App({ ...appProps, context });
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

function main(): void {
  try {
    // Context from cdk.json and -c comes in through the environment the CLI sets; App reads it.
    buildApp().app.synth();
  } catch (error) {
    if (error instanceof SettingsError) {
      // A settings mistake is the user's, not the code's: the message, no stack trace.
      console.error(`Invalid setting: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

if (require.main === module) main();
