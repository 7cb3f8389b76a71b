// Starts DynamoDB Local and the SNS/SQS emulator once for the whole integration run; each test
// file starts its own EC2 simulator and creates its own table and topic on these engines. First it
// builds (`npm run build`, incremental): the tests run the functions' bundles and the command, and
// never ones older than the sources.
import { startDynamoDb, startMessaging } from '../../../devkit/engines/engines';
import { buildFirst } from '../../support/build-first';

export const ENGINE_ENV = { dynamodb: 'IT_DYNAMODB_ENDPOINT', messaging: 'IT_MESSAGING_ENDPOINT' } as const;

type Stoppable = { stop(): Promise<void> };
const engines = globalThis as typeof globalThis & { __itEngines?: Stoppable[] };

export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  buildFirst();
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
