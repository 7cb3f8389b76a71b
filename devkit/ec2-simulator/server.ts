// Why: the HTTP edge: one port serves the EC2 Query protocol (so the real SDK works unchanged) and
// the JSON control API under /_simulator/, and close() leaves no socket behind for jest.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LoopbackServer, readBody, startLoopbackServer } from '../loopback-server';
import { Ec2Error } from './errors';
import { accessKeyOf, parseForm, regionOf, type QueryParams } from './query';
import { errorResponse } from './xml';

/** Largest request body accepted (EC2 requests are a few hundred bytes). */

/** Prefix of the control API's paths. */
export const CONTROL_PREFIX = '/_simulator/';

/** The answer to an EC2 call: XML and its status, plus what to log; or none at all (`hang`). */
export type Ec2Answer =
  { readonly status: number; readonly xml: string; readonly errorCode?: string } | 'hang';

/** The answer to a control call. */
export interface ControlAnswer {
  readonly status: number;
  /** JSON body; none for 204. */
  readonly body?: unknown;
}

/** What the server delegates to. */
export interface ServerHandlers {
  /** Answers an EC2 call; may throw {@link Ec2Error}. */
  ec2(request: { params: QueryParams; region: string; requestId: string; accessKeyId?: string }): Ec2Answer;
  /** Answers a control call (path relative to `/_simulator/`, e.g. `tasks/us-east-1/bundle/bun-1`). */
  control(method: string, path: string, query: URLSearchParams, body: unknown): ControlAnswer;
}

/**
 * Starts the HTTP server.
 * @param port 0 picks a free port.
 */
export function startServer(handlers: ServerHandlers, host: string, port: number): Promise<LoopbackServer> {
  return startLoopbackServer((request, response) => handle(handlers, request, response), {
    host,
    port,
    onError: (response, error) => send(response, 500, 'text/plain', `simulator error: ${String(error)}`),
  });
}

async function handle(
  handlers: ServerHandlers,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://simulator');
  const body = await readBody(request);
  if (body === undefined) {
    send(response, 413, 'text/plain', 'request body too large');
    return;
  }
  if (url.pathname.startsWith(CONTROL_PREFIX)) {
    handleControl(handlers, request.method ?? 'GET', url, body, response);
    return;
  }
  const requestId = randomUUID();
  if (request.method !== 'POST' && request.method !== 'GET') {
    send(response, 405, 'text/xml', errorResponse('InvalidAction', 'Use POST or GET.', requestId));
    return;
  }
  const params: Record<string, string> = Object.fromEntries(url.searchParams);
  if (request.method === 'POST') Object.assign(params, parseForm(body));
  const region = regionOf(request.headers, params);
  let answer: Ec2Answer;
  try {
    answer = handlers.ec2({ params, region, requestId, accessKeyId: accessKeyOf(request.headers, params) });
  } catch (error) {
    if (!(error instanceof Ec2Error)) throw error;
    answer = {
      status: error.status,
      xml: errorResponse(error.code, error.message, requestId),
      errorCode: error.code,
    };
  }
  // An endpoint that accepts the call and never answers: the response stays open until the client
  // gives up (its socket is closed) or the server closes.
  if (answer === 'hang') return;
  send(response, answer.status, 'text/xml;charset=UTF-8', answer.xml, { 'x-amzn-RequestId': requestId });
}

function handleControl(
  handlers: ServerHandlers,
  method: string,
  url: URL,
  body: string,
  response: ServerResponse,
): void {
  let parsed: unknown;
  try {
    parsed = body === '' ? undefined : JSON.parse(body);
  } catch {
    send(response, 400, 'application/json', JSON.stringify({ error: 'request body is not valid JSON' }));
    return;
  }
  const answer = handlers.control(
    method,
    url.pathname.slice(CONTROL_PREFIX.length),
    url.searchParams,
    parsed,
  );
  if (answer.body === undefined) send(response, answer.status, 'application/json', '');
  else send(response, answer.status, 'application/json', JSON.stringify(answer.body));
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}
