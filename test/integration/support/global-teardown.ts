// Stops the engines globalSetup started, so nothing is left listening after the run.
import { stopEngines } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  await stopEngines();
}
