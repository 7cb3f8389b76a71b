// Runs the fauxqs SNS/SQS emulator in a child process. fauxqs is an ES module only, while the
// project's TypeScript runs as CommonJS under jest and tsx, so it lives in its own process,
// like DynamoDB Local does. fauxqs's own startFauxqs listens on 0.0.0.0 whatever host it is
// given, so this builds its app and listens on the given host (127.0.0.1) itself; queue URLs name
// that host. Prints "READY <port>" once listening; exits when told to (SIGTERM, SIGINT) or when
// its parent goes away (stdin closes), so it never outlives the run.
import { buildApp } from 'fauxqs';

const port = Number(process.argv[2] ?? 0);
const host = process.argv[3] ?? '127.0.0.1';
const app = buildApp({ logger: false, host });
const address = new URL(await app.listen({ port, host }));
process.stdout.write(`READY ${address.port}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await app.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
