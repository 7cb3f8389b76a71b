// Turns the failures a user can fix into one line saying what to do: a usage or configuration
// mistake, something this machine lacks, or a local engine that is no longer there. Anything else
// is a bug or an outage and keeps its stack trace.
import { ConfigurationError } from '../lambdas/shared/config';
import { EnvironmentError, UsageError } from './errors';
import { LOCAL_ENV_FILE_HINT } from './local-env-file';

/** Where a refused connection went. */
interface Refused {
  address?: string;
  port?: number;
}

/** The ECONNREFUSED inside an error (the SDK's, its cause, or one of an AggregateError's). */
export function refusedConnection(error: unknown): Refused | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const candidate = current as {
      code?: unknown;
      address?: string;
      port?: number;
      cause?: unknown;
      errors?: unknown;
    };
    if (candidate.code === 'ECONNREFUSED') return { address: candidate.address, port: candidate.port };
    queue.push(candidate.cause, ...(Array.isArray(candidate.errors) ? candidate.errors : []));
  }
  return undefined;
}

function isLoopback(address: string | undefined): boolean {
  return address === undefined || address === 'localhost' || address === '::1' || address.startsWith('127.');
}

/** One line for a failure the user can fix; undefined for anything else. */
export function describeFailure(error: unknown): string | undefined {
  if (error instanceof UsageError || error instanceof ConfigurationError || error instanceof EnvironmentError)
    return error.message;
  const refused = refusedConnection(error);
  if (refused) {
    const where =
      refused.port === undefined ? (refused.address ?? 'the endpoint') : `${refused.address}:${refused.port}`;
    return isLoopback(refused.address)
      ? `nothing answers at ${where} (connection refused): is \`npm start\` running? Each run picks new ports: ${LOCAL_ENV_FILE_HINT}`
      : `nothing answers at ${where} (connection refused)`;
  }
  return undefined;
}
