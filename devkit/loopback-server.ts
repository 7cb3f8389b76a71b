// The HTTP server under the EC2 simulator and every stand-in: listens on 127.0.0.1 (a free port by
// default), answers a handler's unexpected error with the caller's 500 (or drops the connection
// once the headers are out), and stops without leaving a socket behind for jest. Node's standard
// library only.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Handles one request; a rejection is answered by {@link LoopbackServerOptions.onError}. */
export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** Options of {@link startLoopbackServer}. */
export interface LoopbackServerOptions {
  /** Port to listen on. @default 0 (a free one) */
  readonly port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Answers a request whose handler failed before sending anything (the service's own 500). */
  readonly onError: (response: ServerResponse, error: unknown) => void;
}

/** A listening server. */
export interface LoopbackServer {
  /** `http://<host>:<port>` (an IPv6 host in brackets). */
  readonly url: string;
  /** Stops listening and ends every open connection; safe to call twice. */
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 (unless `host` says otherwise); rejects when it cannot listen. */
export async function startLoopbackServer(
  handle: RequestHandler,
  options: LoopbackServerOptions,
): Promise<LoopbackServer> {
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent || response.destroyed) response.destroy();
      else options.onError(response, error);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (the SDK pools them) and unanswered requests would hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** The body limit of {@link readBody} unless a server names its own: 1 MiB, more than any AWS API here takes. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a request's body as UTF-8; undefined when it is larger than `maxBytes` (the server answers
 * 413), the rest of it read and dropped so that the connection stays usable.
 */
export function readBody(request: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
