// This repository's CDK app, built in-process: the monitor stack from context (lib/stack-from-context.ts)
// and cdk-nag's AWS Solutions checks. bin/app.ts runs it for `cdk synth`; tests call buildApp
// directly, without the entry point's process handling.
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Ec2TaskMonitorStack } from '../lib/ec2-task-monitor-stack';
import { addMonitorStack } from '../lib/stack-from-context';

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
  // Synthesized by the caller (bin/app.ts), never on exit: an app whose settings failed has nothing to synthesize.
  const app = new App({ autoSynth: false, ...appProps, context });
  const stack = addMonitorStack(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

export { FALLBACK_REGION } from '../lib/stack-from-context';
export { STACK_NAME } from '../lib/stack-outputs';
