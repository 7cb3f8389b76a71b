// A local stand-in for the two AWS APIs the notifiers call that no local engine emulates: Secrets
// Manager GetSecretValue (where the Slack webhook URL lives) and EventBridge PutEvents. Both speak
// the AWS JSON 1.1 protocol (POST /, X-Amz-Target, JSON body, errors as `__type` + message), so
// the real SDK and Powertools' getSecret work unchanged once the SDK's standard endpoint variables
// point here. One port serves both; the target header says which. Not product code; Node's
// standard library only.
import { randomInt, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, startLoopbackServer } from '../loopback-server';

/** Options of {@link startAwsStandIns}. */
export interface AwsStandInsOptions {
  /** Port on 127.0.0.1. @default 0 (a free one) */
  port?: number;
  /**
   * Largest total entry size of one PutEvents request, measured as EventBridge measures it.
   * AWS raised the limit from 256 KB to 1 MB in January 2026, but not in every Region; the default
   * keeps the old one so that what passes locally passes everywhere.
   * @default 262144 (256 KiB)
   */
  maxPutEventsBytes?: number;
}

/** One event PutEvents accepted. */
export interface PutEventEntry {
  /** The id returned to the caller for this entry. */
  EventId: string;
  /** As sent, or `default` when the entry named none. */
  EventBusName: string;
  Source: string;
  DetailType: string;
  /** The Detail string exactly as sent. */
  Detail: string;
  /** The entry's Time, or when the stand-in received it (what EventBridge stamps). */
  Time: Date;
  Resources: string[];
  /** Detail, parsed (always a JSON object: anything else is rejected as MalformedDetail). */
  detail: Record<string, unknown>;
}

/** A running stand-in. */
export interface AwsStandIns {
  /** `http://127.0.0.1:<port>`, for both services. */
  readonly endpoint: string;
  /**
   * Creates a secret, or gives an existing one a new value (a new version, same ARN), as
   * CreateSecret / PutSecretValue would. ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:<name>-XXXXXX`.
   */
  putSecret(name: string, value: string): void;
  /** The entries PutEvents accepted, in order of arrival. Failed entries are not in it. */
  readonly events: PutEventEntry[];
  /**
   * Makes every otherwise valid entry of the next `count` PutEvents calls fail with `errorCode`
   * (HTTP 200, `FailedEntryCount` and per-entry `ErrorCode`/`ErrorMessage`), the partial failure
   * EventBridge reports. Requests rejected whole (400) do not use one up.
   * @param errorCode @default InternalFailure (retryable, like ThrottlingException)
   */
  failNextPutEvents(count: number, errorCode?: string): void;
  /**
   * Resolves with the accepted events once there are at least `count` of them; rejects after
   * `timeoutMs` (default 5000) or when the stand-in stops.
   */
  waitForEvents(count: number, timeoutMs?: number): Promise<PutEventEntry[]>;
  /** Stops listening and drops open connections (the SDK keeps sockets alive). */
  stop(): Promise<void>;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const JSON_1_1 = 'application/x-amz-json-1.1';
const DEFAULT_MAX_PUT_EVENTS_BYTES = 256 * 1024;
/** Far above any valid request (1 MB of entries, JSON-escaped), so that the limit answered is EventBridge's. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const SECRET_NOT_FOUND = "Secrets Manager can't find the specified secret.";
/** Secrets Manager's rule for names (CreateSecret's `Name`). */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const ARN_SUFFIX_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An AWS error answered as HTTP 400 with `{"__type": code, <message key>: message}`. */
class AwsJsonError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AwsJsonError';
  }
}

interface StoredSecret {
  name: string;
  arn: string;
  value: string;
  versionId: string;
  createdDate: Date;
}

interface Waiter {
  count: number;
  resolve(events: PutEventEntry[]): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

interface State {
  secrets: Map<string, StoredSecret>;
  events: PutEventEntry[];
  /** Error codes for the next PutEvents calls, one per call. */
  failures: string[];
  waiters: Set<Waiter>;
  maxPutEventsBytes: number;
}

type Input = Record<string, unknown>;

/**
 * The operations served, by X-Amz-Target. Each error names its message as the service's model does
 * (Secrets Manager `Message`, EventBridge `message`); the JS SDK reads either, other SDKs may not.
 */
const OPERATIONS = new Map<
  string,
  { messageKey: 'Message' | 'message'; run(state: State, input: Input): unknown }
>([
  ['secretsmanager.GetSecretValue', { messageKey: 'Message', run: getSecretValue }],
  ['AWSEvents.PutEvents', { messageKey: 'message', run: putEvents }],
]);

/** Starts the stand-in on 127.0.0.1. */
export async function startAwsStandIns(options: AwsStandInsOptions = {}): Promise<AwsStandIns> {
  const state: State = {
    secrets: new Map(),
    events: [],
    failures: [],
    waiters: new Set(),
    maxPutEventsBytes: options.maxPutEventsBytes ?? DEFAULT_MAX_PUT_EVENTS_BYTES,
  };
  const server = await startLoopbackServer((request, response) => handle(state, request, response), {
    port: options.port,
    onError: (response, error) => send(response, 500, { __type: 'InternalFailure', message: String(error) }),
  });
  return {
    endpoint: server.url,
    events: state.events,
    putSecret(name, value) {
      if (!SECRET_NAME.test(name)) throw new Error(`Not a valid Secrets Manager secret name: ${name}`);
      const existing = state.secrets.get(name);
      state.secrets.set(name, {
        name,
        arn: existing?.arn ?? `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-${arnSuffix()}`,
        value,
        versionId: randomUUID(),
        createdDate: new Date(),
      });
    },
    failNextPutEvents(count, errorCode = 'InternalFailure') {
      for (let i = 0; i < count; i++) state.failures.push(errorCode);
    },
    waitForEvents(count, timeoutMs = 5000) {
      if (state.events.length >= count) return Promise.resolve([...state.events]);
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          count,
          resolve,
          reject,
          timer: setTimeout(() => {
            state.waiters.delete(waiter);
            reject(
              new Error(
                `Expected ${count} EventBridge events within ${timeoutMs} ms, got ${state.events.length}`,
              ),
            );
          }, timeoutMs),
        };
        state.waiters.add(waiter);
      });
    },
    stop() {
      for (const waiter of state.waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('The AWS stand-ins stopped before the events arrived'));
      }
      state.waiters.clear();
      return server.close();
    },
  };
}

/** The SDK's standard endpoint variables (named after each client's serviceId) pointing at the stand-in. */
export function awsStandInsEnvironment(standIns: Pick<AwsStandIns, 'endpoint'>): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: standIns.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: standIns.endpoint,
  };
}

async function handle(state: State, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(request, MAX_BODY_BYTES);
  if (body === undefined) {
    send(response, 413, { __type: 'RequestEntityTooLargeException', message: 'Request body too large.' });
    return;
  }
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = request.method === 'POST' ? OPERATIONS.get(target) : undefined;
  if (!operation) {
    send(response, 400, {
      __type: 'UnknownOperationException',
      message: `The stand-in does not implement ${request.method ?? ''} ${target || '(no X-Amz-Target)'}.`,
    });
    return;
  }
  try {
    let input: unknown;
    try {
      input = body === '' ? {} : JSON.parse(body);
    } catch {
      throw new AwsJsonError('SerializationException', 'The request body is not valid JSON.');
    }
    if (!isRecord(input))
      throw new AwsJsonError('SerializationException', 'The request body is not a JSON object.');
    send(response, 200, operation.run(state, input));
  } catch (error) {
    if (!(error instanceof AwsJsonError)) throw error;
    send(response, 400, { __type: error.code, [operation.messageKey]: error.message });
  }
}

function getSecretValue(state: State, input: Input): unknown {
  const id = input.SecretId;
  if (typeof id !== 'string' || id === '') {
    throw new AwsJsonError(
      'ValidationException',
      "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null",
    );
  }
  // SecretId is a name or a full ARN (the ARN's random suffix makes it unique).
  const secret = state.secrets.get(id) ?? [...state.secrets.values()].find((stored) => stored.arn === id);
  if (!secret) throw new AwsJsonError('ResourceNotFoundException', SECRET_NOT_FOUND);
  // Only the current version is kept: asking for another must fail, not quietly return this one.
  if (input.VersionId !== undefined && input.VersionId !== secret.versionId) {
    throw new AwsJsonError(
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret value for VersionId: ${String(input.VersionId)}`,
    );
  }
  if (input.VersionStage !== undefined && input.VersionStage !== 'AWSCURRENT') {
    throw new AwsJsonError(
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret value for staging label: ${String(input.VersionStage)}`,
    );
  }
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: secret.versionId,
    SecretString: secret.value,
    VersionStages: ['AWSCURRENT'],
    // JSON 1.1 timestamps are epoch seconds.
    CreatedDate: secret.createdDate.getTime() / 1000,
  };
}

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

function putEvents(state: State, input: Input): unknown {
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
    const bound =
      Array.isArray(entries) && entries.length > 10
        ? 'less than or equal to 10'
        : 'greater than or equal to 1';
    throw new AwsJsonError(
      'ValidationException',
      `1 validation error detected: Value '[PutEventsRequestEntry]' at 'entries' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  // The limit is on the request's entries together, not on each one.
  const size = entries.reduce((total: number, entry: unknown) => total + entrySize(entry), 0);
  if (size > state.maxPutEventsBytes) {
    throw new AwsJsonError(
      'ValidationException',
      'Total size of the entries in the request is over the limit.',
    );
  }
  const injected = state.failures.shift();
  const receivedAt = new Date();
  const results = entries.map((raw: unknown): EntryResult => {
    const entry = isRecord(raw) ? raw : {};
    const checked = checkEntry(entry);
    if ('ErrorCode' in checked) return checked;
    if (injected !== undefined) {
      return { ErrorCode: injected, ErrorMessage: `${injected} (injected by the local stand-in)` };
    }
    const event: PutEventEntry = {
      EventId: randomUUID(),
      EventBusName:
        typeof entry.EventBusName === 'string' && entry.EventBusName !== '' ? entry.EventBusName : 'default',
      Source: entry.Source as string,
      DetailType: entry.DetailType as string,
      Detail: entry.Detail as string,
      Time: typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : receivedAt,
      Resources: Array.isArray(entry.Resources)
        ? entry.Resources.filter((resource): resource is string => typeof resource === 'string')
        : [],
      detail: checked.detail,
    };
    state.events.push(event);
    return { EventId: event.EventId };
  });
  notifyWaiters(state);
  return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
}

/** EventBridge's per-entry checks: the ones that fail the entry, not the request. */
function checkEntry(
  entry: Input,
): { detail: Record<string, unknown> } | { ErrorCode: string; ErrorMessage: string } {
  for (const field of ['Source', 'DetailType', 'Detail']) {
    const value = entry[field];
    if (typeof value !== 'string' || value === '') {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail as string);
  } catch {
    detail = undefined;
  }
  if (!isRecord(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  return { detail };
}

/** An entry's size as EventBridge documents it: UTF-8 bytes of its strings, 14 for a Time. */
function entrySize(raw: unknown): number {
  if (!isRecord(raw)) return 0;
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  const resources = Array.isArray(raw.Resources) ? raw.Resources : [];
  return (
    (raw.Time === undefined ? 0 : 14) +
    bytes(raw.Source) +
    bytes(raw.DetailType) +
    bytes(raw.Detail) +
    resources.reduce((total: number, resource: unknown) => total + bytes(resource), 0)
  );
}

function notifyWaiters(state: State): void {
  for (const waiter of state.waiters) {
    if (state.events.length < waiter.count) continue;
    clearTimeout(waiter.timer);
    state.waiters.delete(waiter);
    waiter.resolve([...state.events]);
  }
}

/** Six random letters and digits, like the suffix AWS appends to a secret's ARN. */
function arnSuffix(): string {
  return Array.from({ length: 6 }, () => ARN_SUFFIX_CHARACTERS[randomInt(ARN_SUFFIX_CHARACTERS.length)]).join(
    '',
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': JSON_1_1,
    'content-length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(text);
}
