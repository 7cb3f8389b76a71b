// Runs the fauxqs SNS/SQS emulator in a child process. fauxqs is an ES module only, while the
// project's TypeScript runs as CommonJS under jest and tsx, so it lives in its own process,
// like DynamoDB Local does. Prints "READY <port>" once listening; exits when told to (SIGTERM,
// SIGINT) or when its parent goes away (stdin closes), so it never outlives the run.
import { startFauxqs } from 'fauxqs';

const port = Number(process.argv[2] ?? 0);
const host = process.argv[3] ?? '127.0.0.1';
const server = await startFauxqs({ port, host, logger: false });
process.stdout.write(`READY ${server.port}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
