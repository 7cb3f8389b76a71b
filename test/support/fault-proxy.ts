// A fault-injecting HTTP proxy for tests: sits in front of one AWS-protocol endpoint (DynamoDB
// Local, the fauxqs SNS/SQS emulator), forwards what it is not told to break, and logs every
// call by operation. It recognises the JSON protocol by the X-Amz-Target header
// (`DynamoDB_20120810.TransactWriteItems`, `DynamoDBStreams_20120810.GetRecords`) and the query
// protocol by the form body's `Action=` (SNS `PublishBatch`, `Publish`), and answers injected
// errors in that protocol's own format so the real SDK parses them as it would AWS's.
// Not product code; Node's standard library only.
import { randomUUID } from 'node:crypto';
import {
  Agent,
  type IncomingMessage,
  request as httpRequest,
  type ServerResponse,
  createServer,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { endpointEnvironment, type LocalEngines } from '../../devkit/engines/engines';

/** Which protocol family a request belongs to. */
export type ProxiedService = 'dynamodb' | 'dynamodbstreams' | 'sqs' | 'sns' | 'unknown';

/** One entry of a PublishBatch request, as the query protocol carries it. */
export interface PublishBatchEntry {
  id: string;
  message: string;
  subject: string | undefined;
  /** String message attributes by name. */
  attributes: Record<string, string>;
}

/** What to do with a request a rule selects. */
export type FaultAction =
  /** Answer an AWS error without forwarding (status: 500 for Internal*, 503 for *Unavailable, else 400). */
  | { kind: 'error'; code: string; message?: string; status?: number }
  /** Never answer (the caller can be killed at that point); the log marks the request `hanging`. */
  | { kind: 'hang' }
  /** Forward after a pause. */
  | { kind: 'delay'; ms: number }
  /**
   * PublishBatch only: the entries the predicate selects are not forwarded and are reported in
   * the response's `Failed` list, so the SDK sees a partial failure.
   */
  | {
      kind: 'failEntries';
      failEntries: (entry: PublishBatchEntry) => boolean;
      code?: string;
      message?: string;
    };

/** A fault rule. Rules are checked in the order added; the first that applies acts. */
export interface FaultRule {
  /** Operation name (`TransactWriteItems`, `PublishBatch`) or full target (`DynamoDB_20120810.TransactWriteItems`). */
  operation: string;
  /** Narrows the rule to requests whose body passes (for example one that names a task id). */
  match?: (request: { operation: string; body: string }) => boolean;
  /** Lets the first n matching requests through untouched. */
  after?: number;
  /** Acts on this many matching requests (after the skipped ones); unlimited when absent. */
  times?: number;
  action: FaultAction;
}

/** A rule once added. */
export interface ActiveRule {
  readonly rule: FaultRule;
  /** Requests the rule acted on so far. */
  readonly applied: number;
  remove(): void;
}

/** One request the proxy received. */
export interface ProxiedRequest {
  /** Order of arrival, from 0. */
  seq: number;
  service: ProxiedService;
  /** Operation name without the target prefix, e.g. `TransactWriteItems`, `PublishBatch`. */
  operation: string;
  /** The request body as received. */
  body: string;
  /** The action a rule applied, if any. */
  injected?: FaultAction['kind'];
  /** HTTP status answered; undefined while in flight or hanging. */
  status: number | undefined;
  /** True once the proxy decided never to answer this request. */
  hanging: boolean;
  /** PublishBatch entries reported failed by a failEntries rule. */
  failedEntryIds?: string[];
}

/** A running proxy. */
export interface FaultProxy {
  /** Base URL to give the SDK as endpoint. */
  url: string;
  addRule(rule: FaultRule): ActiveRule;
  clearRules(): void;
  /** Every request so far, in order of arrival (a live view). */
  readonly requests: readonly ProxiedRequest[];
  clearRequests(): void;
  /** Resolves once the predicate holds for the log; rejects after timeoutMs (default 15 s). */
  waitFor(predicate: (requests: readonly ProxiedRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Stops listening and drops every connection, hanging ones included. */
  close(): Promise<void>;
}

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** The endpoint to forward to, e.g. `http://127.0.0.1:8000`. */
  target: string;
  host?: string;
  port?: number;
  /**
   * Which requests keep their body in the log (a benchmark counting tens of thousands of writes
   * keeps only the reads it replays).
   * @default every request
   */
  keepBody?: (operation: string) => boolean;
}

const JSON_NAMESPACES: Record<string, string> = {
  dynamodb: 'com.amazonaws.dynamodb.v20120810',
  dynamodbstreams: 'com.amazonaws.dynamodb.v20120810',
  sqs: 'com.amazonaws.sqs',
};
const QUERY_NAMESPACES: Record<string, string> = {
  sns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  sqs: 'http://queue.amazonaws.com/doc/2012-11-05/',
};
const ENTRY_PREFIX = 'PublishBatchRequestEntries.member.';

interface Recognised {
  service: ProxiedService;
  operation: string;
  /** The full X-Amz-Target of a JSON-protocol request. */
  target?: string;
  /** Parsed form of a query-protocol request. */
  form?: URLSearchParams;
}

function recognise(request: IncomingMessage, body: string): Recognised {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) {
    const [prefix = '', operation = ''] = target.split('.');
    const service: ProxiedService = prefix.startsWith('DynamoDBStreams')
      ? 'dynamodbstreams'
      : prefix.startsWith('DynamoDB')
        ? 'dynamodb'
        : prefix === 'AmazonSQS'
          ? 'sqs'
          : 'unknown';
    return { service, operation, target };
  }
  if (String(request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(body);
    const action = form.get('Action');
    if (action) {
      const service: ProxiedService = form.get('Version') === '2012-11-05' ? 'sqs' : 'sns';
      return { service, operation: action, form };
    }
  }
  return { service: 'unknown', operation: 'unknown' };
}

function defaultStatus(code: string): number {
  if (/^Internal/.test(code)) return 500;
  if (/Unavailable$/.test(code)) return 503;
  return 400;
}

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** An AWS error as the request's protocol writes it. */
function errorResponse(
  recognised: Recognised,
  action: Extract<FaultAction, { kind: 'error' }>,
): { status: number; headers: Record<string, string>; body: string } {
  const status = action.status ?? defaultStatus(action.code);
  const message = action.message ?? `Injected by the fault proxy: ${action.code}`;
  const requestId = randomUUID();
  if (recognised.target) {
    const namespace = JSON_NAMESPACES[recognised.service] ?? 'com.amazonaws';
    return {
      status,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId },
      body: JSON.stringify({ __type: `${namespace}#${action.code}`, message }),
    };
  }
  const namespace = QUERY_NAMESPACES[recognised.service] ?? QUERY_NAMESPACES.sns;
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      `<ErrorResponse xmlns="${namespace}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
      `<Code>${escapeXml(action.code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

/** The PublishBatch entries of a query-protocol form, by member number. */
function batchEntries(form: URLSearchParams): Map<string, PublishBatchEntry> {
  const entries = new Map<string, PublishBatchEntry>();
  for (const [key] of form) {
    const match = /^PublishBatchRequestEntries\.member\.(\d+)\.Id$/.exec(key);
    if (!match?.[1]) continue;
    const prefix = `${ENTRY_PREFIX}${match[1]}.`;
    const attributes: Record<string, string> = {};
    for (const [name, value] of form) {
      const attribute = new RegExp(
        `^${prefix.replaceAll('.', '\\.')}MessageAttributes\\.entry\\.(\\d+)\\.Name$`,
      ).exec(name);
      if (!attribute) continue;
      const stringValue = form.get(`${prefix}MessageAttributes.entry.${attribute[1]}.Value.StringValue`);
      if (stringValue !== null) attributes[value] = stringValue;
    }
    entries.set(match[1], {
      id: form.get(`${prefix}Id`) ?? '',
      message: form.get(`${prefix}Message`) ?? '',
      subject: form.get(`${prefix}Subject`) ?? undefined,
      attributes,
    });
  }
  return entries;
}

/** The entries of a PublishBatch request body (query protocol), in member order. */
export function publishBatchEntries(body: string): PublishBatchEntry[] {
  return [...batchEntries(new URLSearchParams(body))]
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, entry]) => entry);
}

/** The form without the failed members, the others renumbered from 1 as the protocol expects. */
function withoutMembers(form: URLSearchParams, failed: ReadonlySet<string>, kept: readonly string[]): string {
  const renumber = new Map(kept.map((member, index) => [member, String(index + 1)]));
  const out = new URLSearchParams();
  for (const [key, value] of form) {
    if (!key.startsWith(ENTRY_PREFIX)) {
      out.append(key, value);
      continue;
    }
    const rest = key.slice(ENTRY_PREFIX.length);
    const member = rest.slice(0, rest.indexOf('.'));
    if (failed.has(member)) continue;
    out.append(`${ENTRY_PREFIX}${renumber.get(member)}${rest.slice(member.length)}`, value);
  }
  return out.toString();
}

function failedMembersXml(entries: readonly PublishBatchEntry[], code: string, message: string): string {
  return entries
    .map(
      (entry) =>
        `<member><Id>${escapeXml(entry.id)}</Id><Code>${escapeXml(code)}</Code>` +
        `<SenderFault>false</SenderFault><Message>${escapeXml(message)}</Message></member>`,
    )
    .join('');
}

/** Adds failed members to a PublishBatch response, whichever form its Failed list has. */
function addFailures(xml: string, failedXml: string): string {
  if (/<Failed\s*\/>/.test(xml)) return xml.replace(/<Failed\s*\/>/, `<Failed>${failedXml}</Failed>`);
  if (xml.includes('</Failed>')) return xml.replace('</Failed>', `${failedXml}</Failed>`);
  return xml.replace('</PublishBatchResult>', `<Failed>${failedXml}</Failed></PublishBatchResult>`);
}

function allFailedResponse(failedXml: string): string {
  return (
    `<PublishBatchResponse xmlns="${QUERY_NAMESPACES.sns}"><PublishBatchResult><Successful/>` +
    `<Failed>${failedXml}</Failed></PublishBatchResult>` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishBatchResponse>`
  );
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

interface RuleState {
  rule: FaultRule;
  seen: number;
  applied: number;
}

function ruleMatches(rule: FaultRule, recognised: Recognised, body: string): boolean {
  const named = rule.operation === recognised.operation || rule.operation === recognised.target;
  return named && (rule.match?.({ operation: recognised.operation, body }) ?? true);
}

/** Starts a proxy in front of `target`. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  const rules: RuleState[] = [];
  const requests: ProxiedRequest[] = [];
  const waiters = new Set<() => void>();
  let arrivals = 0;
  const notify = () => waiters.forEach((check) => check());

  /** Counts the request against every matching rule and returns the action of the first that applies. */
  function chooseAction(recognised: Recognised, body: string): FaultAction | undefined {
    let chosen: FaultAction | undefined;
    for (const state of rules) {
      if (!ruleMatches(state.rule, recognised, body)) continue;
      state.seen += 1;
      const { after = 0, times } = state.rule;
      if (chosen || state.seen <= after || (times !== undefined && state.applied >= times)) continue;
      state.applied += 1;
      chosen = state.rule.action;
    }
    return chosen;
  }

  function forward(
    incoming: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...incoming.headers, 'content-length': String(body.length) };
      delete headers['transfer-encoding'];
      const outgoing = httpRequest(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers,
          agent,
        },
        (response) => {
          readBody(response).then(
            (responseBody) =>
              resolve({ status: response.statusCode ?? 502, headers: response.headers, body: responseBody }),
            reject,
          );
        },
      );
      outgoing.once('error', reject);
      outgoing.end(body);
    });
  }

  function answer(
    response: ServerResponse,
    entry: ProxiedRequest,
    status: number,
    headers: Record<string, string | string[] | undefined>,
    body: Buffer | string,
  ) {
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined || name === 'transfer-encoding' || name === 'connection') continue;
      out[name] = value;
    }
    out['content-length'] = String(payload.length);
    response.writeHead(status, out);
    response.end(payload);
    entry.status = status;
    notify();
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const body = raw.toString('utf8');
    const recognised = recognise(request, body);
    const entry: ProxiedRequest = {
      seq: arrivals++,
      service: recognised.service,
      operation: recognised.operation,
      body: options.keepBody === undefined || options.keepBody(recognised.operation) ? body : '',
      status: undefined,
      hanging: false,
    };
    requests.push(entry);
    const action = chooseAction(recognised, body);
    if (action) entry.injected = action.kind;
    notify();

    if (action?.kind === 'hang') {
      entry.hanging = true;
      notify();
      return;
    }
    if (action?.kind === 'error') {
      const error = errorResponse(recognised, action);
      answer(response, entry, error.status, error.headers, error.body);
      return;
    }
    if (action?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, action.ms));
    if (action?.kind === 'failEntries' && recognised.operation === 'PublishBatch' && recognised.form) {
      const members = batchEntries(recognised.form);
      const failedMembers = [...members].filter(([, batchEntry]) => action.failEntries(batchEntry));
      const failed = failedMembers.map(([, batchEntry]) => batchEntry);
      entry.failedEntryIds = failed.map((batchEntry) => batchEntry.id);
      const failedXml = failedMembersXml(
        failed,
        action.code ?? 'InternalError',
        action.message ?? 'Injected by the fault proxy: entry failed',
      );
      if (failed.length === members.size) {
        answer(response, entry, 200, { 'content-type': 'text/xml' }, allFailedResponse(failedXml));
        return;
      }
      if (failed.length > 0) {
        const failedSet = new Set(failedMembers.map(([member]) => member));
        const kept = [...members.keys()].filter((member) => !failedSet.has(member));
        const upstream = await forward(
          request,
          Buffer.from(withoutMembers(recognised.form, failedSet, kept)),
        );
        const xml = upstream.body.toString('utf8');
        answer(
          response,
          entry,
          upstream.status,
          upstream.headers,
          upstream.status === 200 ? addFailures(xml, failedXml) : xml,
        );
        return;
      }
    }
    const upstream = await forward(request, raw);
    answer(response, entry, upstream.status, upstream.headers, upstream.body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent || response.destroyed) return;
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`fault proxy: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;

  return {
    url: `http://${address}:${port}`,
    requests,
    addRule(rule) {
      const state: RuleState = { rule, seen: 0, applied: 0 };
      rules.push(state);
      return {
        rule,
        get applied() {
          return state.applied;
        },
        remove() {
          const index = rules.indexOf(state);
          if (index >= 0) rules.splice(index, 1);
        },
      };
    },
    clearRules() {
      rules.length = 0;
    },
    clearRequests() {
      requests.length = 0;
    },
    waitFor(predicate, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(requests)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const seen = requests.map(
            (entry) => `${entry.operation}:${entry.hanging ? 'hanging' : (entry.status ?? 'in flight')}`,
          );
          reject(
            new Error(`fault proxy: condition not met within ${timeoutMs} ms; requests: ${seen.join(', ')}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      waiters.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}

/**
 * The engines' endpoint variables with DynamoDB (and its streams) and SNS/SQS reached through
 * proxies, as the benchmarks count the handlers' requests at the wire.
 */
export function endpointEnvironmentThrough(
  engines: Pick<LocalEngines, 'endpoints'>,
  proxies: { dynamodb: Pick<FaultProxy, 'url'>; messaging: Pick<FaultProxy, 'url'> },
): Record<string, string> {
  return endpointEnvironment({
    endpoints: {
      ...engines.endpoints,
      dynamodb: proxies.dynamodb.url,
      sns: proxies.messaging.url,
      sqs: proxies.messaging.url,
    },
  });
}
