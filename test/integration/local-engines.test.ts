// Why: the local engines run on developers' machines; none may be reachable from the network,
// none may attach to whatever already answers on a fixed port, and a missing Java must say so.
// Checked on the sockets the engines' processes really listen on (Linux /proc).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import {
  dynamoDbLocalCommand,
  EngineStartError,
  freePort,
  type LocalEngines,
  startDynamoDb,
  startLocalEngines,
  startMessaging,
} from '../../devkit/engines/engines';
import { listeningSocketsOf, listeningSocketsOn } from '../support/listening-sockets';

describe('running engines', () => {
  let engines: LocalEngines;

  beforeAll(async () => {
    engines = await startLocalEngines();
  });
  afterAll(() => engines?.stop());

  it.each(['dynamodb', 'messaging'] as const)('%s listens on 127.0.0.1 and nowhere else', (engine) => {
    const pid = engines.pids[engine] as number;

    const sockets = listeningSocketsOf(pid);

    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.map((socket) => socket.address)).toEqual(sockets.map(() => '127.0.0.1'));
    const port = Number(
      new URL(engine === 'dynamodb' ? engines.endpoints.dynamodb : engines.endpoints.sqs).port,
    );
    expect(sockets.map((socket) => socket.port)).toContain(port);
  });

  it('the EC2 simulator listens on 127.0.0.1 only', () => {
    const port = Number(new URL(engines.endpoints.ec2).port);

    expect(listeningSocketsOn(port)).toEqual([{ address: '127.0.0.1', port }]);
  });
});

describe('DynamoDB Local on a free port', () => {
  // Review finding B6: a port probed free and handed to the JVM could be taken by another process
  // before the JVM binds it, and the engine would then attach to that one. The JVM binds port 0
  // itself and says which port it got.
  it('is bound by its own JVM, which prints READY <port>: the port that JVM listens on', async () => {
    const child = spawn('java', dynamoDbLocalCommand(0), { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const ready = /^READY (\d+)$/m.exec(out);
          if (ready) resolve(Number(ready[1]));
        });
        child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.once('exit', (code) => reject(new Error(`exited with ${code} before READY:\n${out}`)));
      });

      expect(port).toBeGreaterThan(0);
      expect(listeningSocketsOf(child.pid as number)).toEqual([{ address: '127.0.0.1', port }]);
    } finally {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    }
  });
});

describe('a fixed port already in use', () => {
  let holder: Server;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it.each([
    ['DynamoDB Local', () => startDynamoDb(port)],
    ['the SNS/SQS emulator', () => startMessaging(port)],
    ['the EC2 simulator', () => startLocalEngines({ ec2: port })],
  ])('is refused for %s, naming the port', async (engine, start) => {
    await expect(start()).rejects.toThrow(
      new EngineStartError(
        `port ${port} for ${engine} is already in use on 127.0.0.1: choose another port, or leave the option out for a free one`,
      ),
    );
  });
});

describe('without Java', () => {
  const path_ = process.env.PATH;
  let empty: string;

  beforeAll(() => {
    empty = mkdtempSync(path.join(tmpdir(), 'no-java-'));
    process.env.PATH = empty;
  });
  afterAll(() => {
    process.env.PATH = path_;
    rmSync(empty, { recursive: true, force: true });
  });

  it('DynamoDB Local says Java 17 is needed', async () => {
    await expect(startDynamoDb()).rejects.toThrow(/^Java 17 is needed for DynamoDB Local: install a JDK 17/);
  });
});
