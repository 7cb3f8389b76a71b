// The settings every AWS SDK client of the product is built with, in one place: a connection
// timeout and a request timeout well inside the functions' 60-second timeout. Without them an
// endpoint that accepts a connection and never answers holds the call until Lambda kills the
// invocation, and its report and metrics are lost with it.

/** Timeouts of one SDK client, in milliseconds. */
export interface SdkTimeouts {
  /** Time allowed to open the connection (TCP and TLS). */
  readonly connectionTimeoutMs: number;
  /** Time allowed for one HTTP request, from sending it to the end of the answer. Each retry gets its own. */
  readonly requestTimeoutMs: number;
}

/**
 * The product's timeouts: 3 s to connect, 10 s per request. AWS answers these APIs in well under a
 * second; 10 s leaves room for a large page of tasks, and even the EC2 client's 4 attempts stay
 * within the poller's time budget, which abandons a listing before that anyway.
 */
export const SDK_TIMEOUTS: SdkTimeouts = { connectionTimeoutMs: 3_000, requestTimeoutMs: 10_000 };

/** The HTTP handler options an SDK v3 client takes as `requestHandler`. */
export interface SdkRequestHandlerOptions {
  readonly connectionTimeout: number;
  readonly requestTimeout: number;
  /**
   * Makes the request timeout an error. Without it, @smithy/node-http-handler (4.x) only logs a
   * warning when `requestTimeout` passes and keeps waiting.
   */
  readonly throwOnRequestTimeout: true;
}

/**
 * The configuration of an SDK client of the product: `settings` (Region, retries, ...) with the
 * connection and request timeouts. Every client the product builds is made with it, for example
 * `new DynamoDBClient(sdkClientConfig())`.
 */
export function sdkClientConfig<T extends object>(
  settings: T = {} as T,
  timeouts: SdkTimeouts = SDK_TIMEOUTS,
): T & { requestHandler: SdkRequestHandlerOptions } {
  return {
    ...settings,
    requestHandler: {
      connectionTimeout: timeouts.connectionTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}
