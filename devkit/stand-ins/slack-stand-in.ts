// A local stand-in for Slack's incoming webhooks, for the local mode and the tests: one webhook
// URL, Slack's validation answers, and scripted failures (429 with Retry-After, 5xx, hangs).
// Not product code; Node's standard library only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, startLoopbackServer } from '../loopback-server';

/** The path of the stand-in's only webhook, shaped like Slack's `/services/T…/B…/secret`. */
export const STAND_IN_WEBHOOK_PATH = '/services/T000LOCAL/B000LOCAL/localsecret';

/** Slack's limit on the blocks of one message. */
const MAX_BLOCKS = 50;

/** One post the stand-in accepted. */
export interface ReceivedPost {
  /** The parsed JSON payload. */
  body: unknown;
  /** Epoch milliseconds at which the request arrived. */
  receivedAt: number;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
}

/**
 * A scripted answer. `status` with an optional `body` (by default Slack's usual text for the
 * status: 400 `invalid_payload`, 403 `action_prohibited`, 404 `no_service`, 410
 * `channel_is_archived`, 429 `rate_limited`, 500 `rollup_error`). A 429 carries
 * `Retry-After: <retryAfterSeconds>` (default 1); `retryAfterHeader` sends a raw value instead
 * (an HTTP-date, garbage), or no header at all when null. `{ hang: true }` never answers.
 */
export type StandInResponse =
  | { status: number; body?: string; retryAfterSeconds?: number; retryAfterHeader?: string | null }
  | { hang: true };

/** A running stand-in. */
export interface SlackStandIn {
  /** The webhook URL, e.g. `http://127.0.0.1:PORT/services/T000LOCAL/B000LOCAL/localsecret`. */
  url: string;
  /** Accepted posts in order of arrival (a live view). Rejected requests are not recorded. */
  readonly posts: readonly ReceivedPost[];
  /** Every request received, accepted, rejected, scripted or hanging. */
  readonly attempts: number;
  /** Queues scripted answers, one consumed per request before any other behaviour. */
  respondWith(responses: readonly StandInResponse[]): void;
  /** Answers every request with `response` (after the queued ones) until {@link reset}. */
  failAll(response: StandInResponse): void;
  /** Back to a fresh stand-in: no scripted answers, no failAll, no posts, attempts at 0. */
  reset(): void;
  /** Resolves with the posts once at least `count` were accepted; rejects after `timeoutMs`. */
  waitForPosts(count: number, timeoutMs?: number): Promise<ReceivedPost[]>;
  /** Stops listening and drops every connection, hanging ones included. */
  stop(): Promise<void>;
}

const DEFAULT_BODIES: Readonly<Record<number, string>> = {
  400: 'invalid_payload',
  403: 'action_prohibited',
  404: 'no_service',
  410: 'channel_is_archived',
  429: 'rate_limited',
  500: 'rollup_error',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Slack's verdict on a request body: undefined when accepted, else the error text. Slack checks
 * much more (each block's own schema); these are the rules a sender most often breaks.
 */
export function validatePayload(raw: string): string | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    return 'invalid_payload';
  }
  if (!isObject(payload)) return 'invalid_payload';
  const { text, blocks } = payload;
  if (
    blocks !== undefined &&
    (!Array.isArray(blocks) ||
      blocks.length > MAX_BLOCKS ||
      !blocks.every((block) => isObject(block) && typeof block.type === 'string'))
  ) {
    return 'invalid_blocks';
  }
  const hasText = typeof text === 'string' && text.length > 0;
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  return hasText || hasBlocks ? undefined : 'no_text';
}

/** Starts a stand-in on 127.0.0.1 (`port` 0, the default, picks a free port). */
export async function startSlackStandIn(options: { port?: number } = {}): Promise<SlackStandIn> {
  const posts: ReceivedPost[] = [];
  let attempts = 0;
  let scripted: StandInResponse[] = [];
  let failing: StandInResponse | undefined;
  const waiters = new Set<() => void>();

  // Slack answers every webhook request, success or error, as text/html.
  function answer(
    response: ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ) {
    response.writeHead(status, {
      'content-type': 'text/html',
      'content-length': String(Buffer.byteLength(body)),
      ...headers,
    });
    response.end(body);
  }

  function answerScripted(response: ServerResponse, scriptedResponse: StandInResponse): void {
    if ('hang' in scriptedResponse) return;
    const { status, body = DEFAULT_BODIES[status] ?? '' } = scriptedResponse;
    const headers: Record<string, string> = {};
    if (status === 429) {
      const retryAfter =
        scriptedResponse.retryAfterHeader === undefined
          ? String(scriptedResponse.retryAfterSeconds ?? 1)
          : scriptedResponse.retryAfterHeader;
      if (retryAfter !== null) headers['retry-after'] = retryAfter;
    }
    answer(response, status, body, headers);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    attempts += 1;
    const raw = await readBody(request);
    if (raw === undefined) {
      response.writeHead(413).end('request_too_large');
      return;
    }
    const next = scripted.shift() ?? failing;
    if (next) {
      answerScripted(response, next);
      return;
    }
    if (request.method !== 'POST' || request.url !== STAND_IN_WEBHOOK_PATH) {
      answer(response, 404, 'no_service');
      return;
    }
    const error = validatePayload(raw);
    if (error) {
      answer(response, 400, error);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    posts.push({ body: JSON.parse(raw), receivedAt, headers });
    answer(response, 200, 'ok');
    waiters.forEach((check) => check());
  }

  const server = await startLoopbackServer(handle, {
    port: options.port,
    onError: (response) => answer(response, 500, 'rollup_error'),
  });
  return {
    url: `${server.url}${STAND_IN_WEBHOOK_PATH}`,
    posts,
    get attempts() {
      return attempts;
    },
    respondWith(responses) {
      scripted.push(...responses);
    },
    failAll(response) {
      failing = response;
    },
    reset() {
      scripted = [];
      failing = undefined;
      posts.length = 0;
      attempts = 0;
    },
    waitForPosts(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (posts.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve([...posts]);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `Slack stand-in: ${posts.length} of ${count} posts within ${timeoutMs} ms (${attempts} requests)`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop() {
      waiters.clear();
      return server.close();
    },
  };
}
