// The contract each EC2 task type's listing module fulfils: its metadata (metadata.ts) plus how
// to list the API and read its objects. The poller reads the registry built from these
// descriptors; the stack, the docs and the simulator read the metadata alone, without the SDK.
import type { EC2Client } from '@aws-sdk/client-ec2';
import { type Lifecycle, phaseOfState } from '../domain/lifecycle';
import type { Phase } from '../domain/phase';
import type { RelatedResources, Task, TaskTypeName } from '../domain/task';
import type { TaskTypeMetadata } from './metadata';

/** Where a task was listed; stamped onto every normalised task. */
export interface ListingScope {
  region: string;
  account: string;
}

/** Describes one EC2 task API: its metadata, how to list it and how to read its objects. */
export interface TaskTypeDescriptor<Raw = unknown> extends TaskTypeMetadata {
  /**
   * Reads every page of the listing, one array of raw objects per page. Throws on the first
   * failed page: a listing is either complete or failed, never silently partial. Every call is
   * made with `options.abortSignal`, so the caller can abandon a listing that takes too long.
   */
  listPages(client: EC2Client, options?: ListOptions): AsyncIterable<readonly Raw[]>;
  /** Normalises one raw object. Throws {@link InvalidTaskError} when it cannot be identified. */
  normalise(raw: Raw, scope: ListingScope): Task;
}

/** Options of {@link TaskTypeDescriptor.listPages}. */
export interface ListOptions {
  /** Aborts the call in flight and the listing with it. */
  readonly abortSignal?: AbortSignal;
  /**
   * Sends no MaxResults, whatever the type's page size: EC2 refused the undocumented one.
   * @default false
   */
  readonly withoutPageSize?: boolean;
}

/** A page answered the NextToken it was requested with: following it would loop for ever. */
export class RepeatedNextTokenError extends Error {
  constructor(readonly nextToken: string) {
    super('EC2 answered a page with the NextToken it was requested with; the listing is incomplete');
    this.name = 'RepeatedNextTokenError';
  }
}

/**
 * The configuration of an SDK paginator for a listing: `stopOnSameToken` makes the paginator stop
 * at a repeated NextToken instead of asking for the same page again and again until the function
 * times out while memory grows.
 */
export function paginatorConfig(client: EC2Client, pageSize?: number) {
  return { client, pageSize, stopOnSameToken: true };
}

/**
 * The raw objects of each page of a paginator made with {@link paginatorConfig}. A page that
 * answers the NextToken it was requested with fails the listing (RepeatedNextTokenError): the
 * paginator stops there, so the listing did not read everything and must not count as complete.
 */
export async function* itemsOfPages<Page extends { NextToken?: string }, Raw>(
  pages: AsyncIterable<Page>,
  itemsOf: (page: Page) => readonly Raw[] | undefined,
): AsyncIterable<readonly Raw[]> {
  let requestedWith: string | undefined;
  for await (const page of pages) {
    if (page.NextToken !== undefined && page.NextToken === requestedWith) {
      throw new RepeatedNextTokenError(page.NextToken);
    }
    yield itemsOf(page) ?? [];
    requestedWith = page.NextToken;
  }
}

/** A raw API object that cannot become a task (no id, for example). The poller skips and counts it. */
export class InvalidTaskError extends Error {
  constructor(
    readonly taskType: TaskTypeName,
    reason: string,
    /**
     * The resources the object does name (those set): which stored tasks it could be. A stored
     * task missing from the listing is judged only when its resources contradict every such object.
     */
    readonly resources: Partial<RelatedResources> = {},
  ) {
    super(`${taskType}: ${reason}`);
    this.name = 'InvalidTaskError';
  }
}

/**
 * Phase of an import or export image/snapshot task. These APIs have no `failed` state: a task that
 * failed ends `deleting`/`deleted` with an error message (failed), one a user cancelled ends
 * `deleted` without one (cancelled). An active task whose sub-step is `pending` has not started.
 */
export function importExportPhase(lifecycle: Lifecycle, state: string, statusMessage: string | null): Phase {
  if (state === 'active' && statusMessage && /^pending\b/i.test(statusMessage)) return 'pending';
  return phaseOfState(lifecycle, state, statusMessage);
}

/** Reads a string field, or '' when absent; states are compared as strings. */
export function stateString(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}
