// Reads one complete listing of a task type in a Region through its descriptor, normalising
// each object. A listing either succeeds on every page or fails as a whole (ListingError), so
// the diff never infers a disappearance from a partial read.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { RelatedResources, Task } from '../domain/task';
import { InvalidTaskError, type ListingScope, type TaskTypeDescriptor } from '../task-types/task-type';

/** A raw object that could not be normalised. */
export interface SkippedTask {
  reason: string;
  /** The resources it names, which tell which stored tasks it could be (see InvalidTaskError). */
  resources: Partial<RelatedResources>;
}

/** A complete listing. */
export interface Listing {
  tasks: Task[];
  skipped: SkippedTask[];
  pages: number;
}

/** A listing could not be read completely. */
export class ListingError extends Error {
  constructor(
    readonly taskType: string,
    readonly region: string,
    /** EC2's error code (RequestLimitExceeded, UnauthorizedOperation, ...) or the error's name. */
    readonly code: string,
    /** The error's own message, without the type and Region. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${taskType} in ${region}: ${code}: ${detail}`, options);
    this.name = 'ListingError';
  }
}

/** Task types whose undocumented page size EC2 refused in this container: listed without it. */
const pageSizeRefused = new Set<string>();

/** Errors EC2 answers a request parameter it does not accept with. */
const PARAMETER_ERRORS = new Set([
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'InvalidParameter',
]);

/** Code of a listing abandoned because it took longer than its share of the poll's time. */
export const LISTING_TIMED_OUT = 'ListingTimedOut';

/**
 * Reads every page of a task type's listing and normalises it. Throws {@link ListingError}.
 *
 * @param timeoutMs the listing's share of the poll's time: a listing still reading after it is
 *   abandoned (the call in flight is aborted) and fails as {@link LISTING_TIMED_OUT}
 */
export async function listTasks(
  descriptor: TaskTypeDescriptor,
  client: EC2Client,
  scope: ListingScope,
  timeoutMs?: number,
): Promise<Listing> {
  const abortSignal = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
  const withoutPageSize = pageSizeRefused.has(descriptor.name);
  try {
    return await readListing(descriptor, client, scope, abortSignal, withoutPageSize, timeoutMs);
  } catch (error) {
    // EC2 documents no limit for this page size: should it refuse it, read without it from now on.
    const cause = error instanceof ListingError ? error.cause : undefined;
    const code = (cause as { Code?: string; name?: string } | undefined)?.Code ?? (cause as Error)?.name;
    if (
      withoutPageSize ||
      descriptor.pageSizeDocumented ||
      descriptor.pageSize === undefined ||
      !PARAMETER_ERRORS.has(code ?? '') ||
      !/MaxResults/i.test((cause as Error).message ?? '')
    ) {
      throw error;
    }
    pageSizeRefused.add(descriptor.name);
    return readListing(descriptor, client, scope, abortSignal, true, timeoutMs);
  }
}

async function readListing(
  descriptor: TaskTypeDescriptor,
  client: EC2Client,
  scope: ListingScope,
  abortSignal: AbortSignal | undefined,
  withoutPageSize: boolean,
  timeoutMs: number | undefined,
): Promise<Listing> {
  const listing: Listing = { tasks: [], skipped: [], pages: 0 };
  try {
    for await (const page of descriptor.listPages(client, { abortSignal, withoutPageSize })) {
      // A page that arrived as time ran out does not make the listing complete.
      abortSignal?.throwIfAborted();
      listing.pages += 1;
      for (const raw of page) {
        try {
          listing.tasks.push(descriptor.normalise(raw, scope));
        } catch (error) {
          if (!(error instanceof InvalidTaskError)) throw error;
          listing.skipped.push({ reason: error.message, resources: definedOnly(error.resources) });
        }
      }
    }
  } catch (error) {
    if (abortSignal?.aborted) {
      throw new ListingError(
        descriptor.name,
        scope.region,
        LISTING_TIMED_OUT,
        `abandoned after ${timeoutMs} ms, its share of the poll's time, with ${listing.pages} page(s) read`,
        { cause: error },
      );
    }
    const failure = error instanceof Error ? error : new Error(String(error));
    const code = (failure as { Code?: string }).Code ?? failure.name ?? 'Error';
    throw new ListingError(descriptor.name, scope.region, code, failure.message, { cause: error });
  }
  return listing;
}

/** The members that are set: an absent resource says nothing about which task an object is. */
function definedOnly(resources: Partial<RelatedResources>): Partial<RelatedResources> {
  return Object.fromEntries(Object.entries(resources).filter(([, value]) => value !== undefined));
}
