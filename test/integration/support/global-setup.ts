// Starts DynamoDB Local and the SNS/SQS emulator once for the whole integration run; each test
// file starts its own EC2 simulator and creates its own table and topic on these engines. First it
// builds the command (`npm run build`), which the tests run as a child process: a test run never
// uses a bundle older than the sources.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startDynamoDb, startMessaging } from '../../../tools/local/engines';

export const ENGINE_ENV = { dynamodb: 'IT_DYNAMODB_ENDPOINT', messaging: 'IT_MESSAGING_ENDPOINT' } as const;

type Stoppable = { stop(): Promise<void> };
const engines = globalThis as typeof globalThis & { __itEngines?: Stoppable[] };

/** Builds dist/ (the CLI bundle and DynamoDB Local's loopback launcher). */
function build(): void {
  const root = path.resolve(__dirname, '..', '..', '..');
  const run = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npm run build failed:\n${run.stdout}${run.stderr}`);
}

export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  build();
  const [dynamodb, messaging] = await Promise.all([startDynamoDb(), startMessaging()]);
  engines.__itEngines = [dynamodb, messaging];
  // Workers start after this and inherit the environment.
  process.env[ENGINE_ENV.dynamodb] = dynamodb.endpoint;
  process.env[ENGINE_ENV.messaging] = messaging.endpoint;
}

/** Stops what globalSetup started. */
export async function stopEngines(): Promise<void> {
  await Promise.allSettled((engines.__itEngines ?? []).map((engine) => engine.stop()));
  engines.__itEngines = [];
}
