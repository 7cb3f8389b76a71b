// Slack incoming-webhook adapter of the notifier: posts one rendered message, paced to Slack's
// one-message-per-second limit, retrying what Slack or the network may fix within the invocation's
// time and throwing a typed error otherwise, so the queue can redeliver the event later.
// The webhook URL is a secret (whoever holds it can post to the channel): no message built here
// contains it, and this module logs nothing.
// Slack's references: https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
// (payload, error bodies) and https://docs.slack.dev/apis/web-api/rate-limits (one message per
// second per webhook, bursts tolerated briefly, then HTTP 429 with Retry-After in seconds).
import type { SlackMessage } from './message';

/** Default time allowed for one HTTP request, body included. */
export const DEFAULT_TIMEOUT_MS = 5000;
/**
 * Default minimum time between the starts of two posts. Slack's rate-limit page allows about one
 * message per second per incoming webhook, with short bursts; staying at that pace avoids 429s.
 */
export const DEFAULT_MIN_INTERVAL_MS = 1000;
/** Default number of HTTP requests one {@link SlackWebhookClient.post} call may make. */
export const DEFAULT_MAX_ATTEMPTS = 3;
/** Default time kept free at the end of the invocation, for the handler to report and return. */
export const DEFAULT_SAFETY_MARGIN_MS = 2000;
/** Default first backoff after a network error, a timeout or a 5xx; it doubles at each retry. */
export const DEFAULT_BACKOFF_MS = 500;
/** Wait after a 429 that carries no usable `Retry-After` (Slack always sends one; proxies may not). */
export const DEFAULT_RETRY_AFTER_MS = 1000;
/** Longest Slack error text kept on an error. Slack answers a short token such as `no_service`. */
export const MAX_SLACK_ERROR_LENGTH = 200;

/**
 * A post that did not succeed. `retryable` says whether the same message may succeed later (leave
 * it on the queue) or never will as is (a bad payload, a revoked or archived webhook: alert a
 * person). The message never contains the webhook URL.
 */
export class SlackWebhookError extends Error {
  override readonly name = 'SlackWebhookError';
  /** HTTP status of Slack's answer; undefined for a network error, a timeout or a post not attempted. */
  readonly status: number | undefined;
  /**
   * Slack's response body, such as `invalid_payload`, `no_service`, `channel_is_archived`,
   * `action_prohibited` or `rate_limited`, cut to {@link MAX_SLACK_ERROR_LENGTH} characters.
   */
  readonly slackError: string | undefined;
  /** True for network errors, timeouts, 429 and 5xx; false for other statuses and unusable URLs. */
  readonly retryable: boolean;
  /** Wait Slack asked for with a 429's `Retry-After`, or the wait the pacing still requires. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    details: {
      status?: number;
      slackError?: string;
      retryable: boolean;
      retryAfterMs?: number;
    },
  ) {
    super(message);
    this.status = details.status;
    this.slackError = details.slackError;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Options of {@link SlackWebhookClient}. */
export interface SlackWebhookClientOptions {
  /**
   * Time allowed for one HTTP request, body included.
   * @default 5000
   */
  timeoutMs?: number;
  /**
   * Minimum time between the starts of two posts of this client.
   * @default 1000
   */
  minIntervalMs?: number;
  /**
   * HTTP requests one post may make, retries of 429s, 5xx, timeouts and network errors included.
   * @default 3
   */
  maxAttempts?: number;
  /**
   * Time that must remain in the invocation after a wait and a whole request (`timeoutMs`).
   * @default 2000
   */
  safetyMarginMs?: number;
  /**
   * First backoff after a network error, a timeout or a 5xx; doubled at each further retry.
   * @default 500
   */
  backoffMs?: number;
  /** Clock in epoch milliseconds (also used to read a `Retry-After` HTTP-date). @default Date.now */
  now?: () => number;
  /** Waits `ms` milliseconds. @default a setTimeout promise */
  sleep?: (ms: number) => Promise<void>;
}

const DAY_NAME = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)/i;
// asctime() dates carry no zone; RFC 9110 (section 5.6.7) says every HTTP-date is UTC.
const ASCTIME = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Reads a `Retry-After` header as milliseconds to wait. RFC 9110 (section 10.2.3) allows a number
 * of seconds or an HTTP-date (IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient
 * must still accept); a date in the past means no wait. Returns undefined for a missing or invalid
 * value.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse accepts almost anything ("-5" is a year), so only strings shaped like an HTTP-date,
  // which all start with a day name, are parsed.
  if (!DAY_NAME.test(text)) return undefined;
  const date = Date.parse(ASCTIME.test(text) ? `${text} GMT` : text);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}

/** The outcome of one HTTP request. */
type AttemptOutcome = { ok: true } | { ok: false; error: SlackWebhookError };

/** Removes every form of the webhook URL (and its secret path) from a text that may echo it. */
function redact(text: string, url: string): string {
  const forms = [url];
  if (URL.canParse(url)) {
    const parsed = new URL(url);
    forms.push(parsed.href, parsed.pathname + parsed.search);
  }
  return forms
    .filter((form) => form.length > 1)
    .reduce((redacted, form) => redacted.split(form).join('[webhook URL]'), text);
}

/**
 * The parts of a thrown value that describe it. Read by shape, not `instanceof Error`: fetch's
 * errors come from Node's own realm, which is not the caller's under a test sandbox (jest's vm).
 */
function errorFields(value: unknown): { name?: string; message?: string; code?: string; cause?: unknown } {
  if (typeof value !== 'object' || value === null) {
    return value === undefined ? {} : { message: String(value) };
  }
  const { name, message, code, cause } = value as Record<string, unknown>;
  return {
    name: typeof name === 'string' ? name : undefined,
    message: typeof message === 'string' ? message : undefined,
    code: typeof code === 'string' ? code : undefined,
    cause,
  };
}

/** The status and Slack's text, e.g. `HTTP 404 no_service`. */
function describeAnswer(status: number | undefined, slackError: string | undefined): string {
  return [status === undefined ? undefined : `HTTP ${status}`, slackError].filter(Boolean).join(' ');
}

/** A copy of an error with a message that says what the client made of it. */
function rethrown(error: SlackWebhookError, message: string): SlackWebhookError {
  return new SlackWebhookError(message, {
    status: error.status,
    slackError: error.slackError,
    retryable: error.retryable,
    retryAfterMs: error.retryAfterMs,
  });
}

/**
 * Posts messages to Slack incoming webhooks. Create one per Lambda container and reuse it: the
 * pacing state lives on the instance, so it holds across the warm invocations of one Lambda
 * instance (the stack runs at most two, each paced at half of Slack's rate).
 */
export class SlackWebhookClient {
  private readonly timeoutMs: number;
  private readonly minIntervalMs: number;
  private readonly maxAttempts: number;
  private readonly safetyMarginMs: number;
  private readonly backoffMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Earliest start of this client's next request: pacing, pushed further by a 429. */
  private nextPostAt = Number.NEGATIVE_INFINITY;

  constructor(options: SlackWebhookClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.minIntervalMs = options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    this.safetyMarginMs = options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
    this.backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Posts `message` to the webhook `url`; resolves once Slack answered 200.
   *
   * Waits for the pacing first (at least `minIntervalMs` since the start of this client's previous
   * request, longer after a 429). Retries a 429 after its `Retry-After` (1 s without one), and a
   * network error, timeout or 5xx after a doubling backoff, at most `maxAttempts` requests in all.
   * A wait is only started if the wait, a whole request and the safety margin fit in `deadline()`.
   *
   * A retried timeout can post the message twice (Slack may have accepted the first request and
   * webhooks take no idempotency key); a duplicate is better than a lost alert.
   *
   * @param url the webhook URL, a secret: it never appears in an error.
   * @param message the payload, sent as JSON.
   * @param deadline milliseconds left in the invocation, e.g. `context.getRemainingTimeInMillis`.
   * @throws SlackWebhookError non-retryable at once for any other status (a 4xx but 429, a redirect)
   *   or an unusable URL; retryable when the retries ran out or the next wait does not fit in the
   *   time left.
   */
  async post(url: string, message: SlackMessage, deadline: () => number): Promise<void> {
    // fetch would quote a bad URL in its error, and no retry can fix one: check it first.
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed || !['https:', 'http:'].includes(parsed.protocol) || parsed.username || parsed.password) {
      throw new SlackWebhookError('Slack webhook URL is not an http(s) URL without credentials', {
        retryable: false,
      });
    }
    const body = JSON.stringify(message);
    let notBefore = Number.NEGATIVE_INFINITY;
    let lastError: SlackWebhookError | undefined;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      const wait = await this.waitForTurn(notBefore, deadline);
      if (wait !== undefined) {
        // Leaving now lets the queue redeliver the message to an invocation with time to spare.
        if (lastError?.status === 429) {
          throw rethrown(
            lastError,
            `Slack webhook rate limited the post (${describeAnswer(429, lastError.slackError)}); ` +
              `the ${wait} ms wait does not fit in the time left`,
          );
        }
        if (lastError) {
          throw rethrown(
            lastError,
            `Slack webhook post failed after ${attempt - 1} attempt(s), no time left to retry: ${lastError.message}`,
          );
        }
        throw new SlackWebhookError(
          `Slack webhook post not attempted: the next post is allowed in ${wait} ms, more than the time left`,
          { retryable: true, retryAfterMs: wait },
        );
      }
      const outcome = await this.attempt(url, body);
      if (outcome.ok) return;
      const { error } = outcome;
      if (!error.retryable) throw rethrown(error, `Slack webhook rejected the message: ${error.message}`);
      lastError = error;
      if (error.status === 429) {
        // Slack's rate-limit page: keep to the Retry-After before sending anything to this webhook.
        this.nextPostAt = Math.max(
          this.nextPostAt,
          this.now() + (error.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS),
        );
      } else {
        notBefore = this.now() + this.backoffMs * 2 ** (attempt - 1);
      }
    }
    throw rethrown(
      lastError!,
      `Slack webhook post failed after ${this.maxAttempts} attempt(s): ${lastError!.message}`,
    );
  }

  /**
   * Waits until the pacing and `notBefore` allow a request, then claims the slot. Returns
   * undefined once claimed, or, without waiting, the wait still needed when that wait, a whole
   * request and the safety margin do not fit in `deadline()`.
   */
  private async waitForTurn(notBefore: number, deadline: () => number): Promise<number | undefined> {
    for (;;) {
      const wait = Math.max(0, Math.ceil(Math.max(this.nextPostAt, notBefore) - this.now()));
      if (wait + this.timeoutMs + this.safetyMarginMs > deadline()) return wait;
      // Another post() on this instance may have claimed the slot (or met a 429) during the
      // sleep, so the loop checks again; nothing awaits between this check and the claim.
      if (wait === 0) {
        this.nextPostAt = this.now() + this.minIntervalMs;
        return undefined;
      }
      await this.sleep(wait);
    }
  }

  /** One HTTP request; every failure becomes a SlackWebhookError without the URL. */
  private async attempt(url: string, body: string): Promise<AttemptOutcome> {
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
        // Slack never redirects a webhook; following one would send the message somewhere else.
        redirect: 'manual',
        // The signal also bounds reading the body, so a stalled answer cannot outlive the deadline.
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      return { ok: false, error: this.requestError(error, url) };
    }
    if (status === 200) return { ok: true };
    const slackError = redact(text.trim(), url).slice(0, MAX_SLACK_ERROR_LENGTH) || undefined;
    // Slack's webhook errors: 400 invalid_payload/no_text/invalid_blocks, 403 action_prohibited,
    // 404 no_service/channel_not_found, 410 channel_is_archived: the same message fails again.
    // 429 and 5xx (rollup_error: "likely not your fault") are worth another try. Anything else
    // (a redirect, a 2xx Slack never sends) means the URL does not lead to a webhook.
    const retryable = status === 429 || status >= 500;
    return {
      ok: false,
      error: new SlackWebhookError(describeAnswer(status, slackError), {
        status,
        slackError,
        retryable,
        retryAfterMs: status === 429 ? parseRetryAfter(retryAfter, this.now()) : undefined,
      }),
    };
  }

  /**
   * A network error or timeout. The original error is not kept as `cause`: fetch's messages may
   * quote the URL, and loggers print causes. Its name, code and redacted message are enough.
   */
  private requestError(error: unknown, url: string): SlackWebhookError {
    const failure = errorFields(error);
    if (failure.name === 'TimeoutError') {
      return new SlackWebhookError(`no answer within ${this.timeoutMs} ms`, { retryable: true });
    }
    const cause = errorFields(failure.cause);
    const detail = [failure.message, cause.message, cause.code && `(${cause.code})`]
      .filter(Boolean)
      .join(': ');
    return new SlackWebhookError(`request failed: ${redact(detail, url)}`, { retryable: true });
  }
}
