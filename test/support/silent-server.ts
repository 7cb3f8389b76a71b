// A loopback endpoint that accepts every connection, reads the request and never answers: what a
// hung AWS endpoint looks like to an SDK client.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A running silent endpoint. */
export interface SilentServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Ends every open connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a silent endpoint on a free loopback port. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
