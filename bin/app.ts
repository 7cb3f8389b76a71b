// The CDK app's entry point (cdk.json runs it for `cdk synth` and `cdk deploy`): builds the app
// (bin/monitor-app.ts) and synthesizes it; a bad setting is one line on stderr and exit code 1.
import { buildApp } from './monitor-app';
import { SettingsError } from '../lib/settings';

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

main();
