// Why: one generic Describe*Tasks implementation driven by the task-type table: parameter
// checks, id lookups, filters, ordering and paging behave the same way EC2 documents for each API.
import { Ec2Error } from './errors';
import { listingFingerprint, type PageTokens } from './pagination';
import {
  booleanParam,
  filterParams,
  integerParam,
  isCommonParam,
  listParam,
  type QueryFilter,
  type QueryParams,
} from './query';
import type { TaskStore } from './store';
import { type ApiName, type SdkTask, sortKeyOf, taskIdOf, type TaskTypeSpec } from './task-types';
import { serialiseStructure, successResponse } from './xml';

/** DescribeStoreImageTasks accepts at most this many ImageIds. */
const MAX_STORE_IMAGE_IDS = 20;

/** What a Describe call reads besides its parameters. */
export interface DescribeContext {
  readonly store: TaskStore;
  readonly tokens: PageTokens;
  /** Largest page the simulator returns per API, even when MaxResults asks for more. */
  readonly pageSizeCap: Readonly<Partial<Record<ApiName, number>>>;
}

/**
 * Answers one Describe*Tasks call with EC2's XML.
 * @throws {Ec2Error} for anything EC2 would reject (unknown parameter or filter, MaxResults out of
 * range, bad NextToken, unknown id, DryRun).
 */
export function describeTasks(
  spec: TaskTypeSpec,
  region: string,
  params: QueryParams,
  context: DescribeContext,
  requestId: string,
): string {
  const consumed = new Set<string>();
  const ids = [...new Set(listParam(params, spec.idParam, consumed))];
  const filters = spec.filterParam ? filterParams(params, spec.filterParam, consumed) : [];
  const dryRun = spec.dryRun ? booleanParam(params, 'DryRun', consumed) : undefined;
  const maxResults = spec.pagination ? integerParam(params, 'MaxResults', consumed) : undefined;
  const nextToken = spec.pagination ? params.NextToken : undefined;
  if (nextToken !== undefined) consumed.add('NextToken');

  const unknown = Object.keys(params).find((key) => !consumed.has(key) && !isCommonParam(key));
  if (unknown !== undefined)
    throw new Ec2Error('UnknownParameter', `The parameter ${unknown} is not recognized`);
  checkFilters(spec, filters);
  checkPaging(spec, ids, maxResults);
  if (dryRun) throw new Ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');

  let tasks = context.store.tasksOf(region, spec.taskType);
  if (ids.length > 0) tasks = selectByIds(spec, tasks, ids);
  // DescribeStoreImageTasks ignores filters when ImageIds are given (documented).
  if (!(spec.taskType === 'store-image' && ids.length > 0)) {
    tasks = tasks.filter((task) => filters.every((filter) => matches(spec, task, filter)));
  }
  const ordered = tasks
    .map((task) => ({ key: sortKeyOf(spec, task), task }))
    .sort((a, b) => compare(a.key, b.key));

  let page = ordered;
  let token: string | undefined;
  if (spec.pagination && !(spec.taskType === 'store-image' && ids.length > 0)) {
    const fingerprint = listingFingerprint(params);
    const cursor =
      nextToken === undefined || nextToken === ''
        ? undefined
        : context.tokens.read(nextToken, { api: spec.api, region, fingerprint });
    const rest = cursor ? ordered.filter((entry) => compare(entry.key, cursor.lastKey) > 0) : ordered;
    const cap = context.pageSizeCap[spec.api] ?? Number.POSITIVE_INFINITY;
    const size = Math.min(maxResults ?? spec.pagination.defaultPageSize, cap);
    page = rest.slice(0, size);
    const last = page[page.length - 1];
    if (rest.length > size && last) {
      token = context.tokens.issue({
        api: spec.api,
        region,
        lastKey: last.key,
        page: (cursor?.page ?? 1) + 1,
        fingerprint,
      });
    }
  }
  const items = page.map(({ task }) => serialiseStructure(task, spec.itemShape));
  return successResponse(spec.api, requestId, spec.listElement, items, token);
}

function checkFilters(spec: TaskTypeSpec, filters: readonly QueryFilter[]): void {
  for (const filter of filters) {
    // EC2 answers an unknown filter name with InvalidParameterValue ("The filter 'x' is invalid").
    if (!Object.hasOwn(spec.filters, filter.name)) {
      throw new Ec2Error('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
    }
    if (filter.values.length === 0) {
      throw new Ec2Error('InvalidParameterValue', `The filter '${filter.name}' requires at least one value`);
    }
  }
}

function checkPaging(spec: TaskTypeSpec, ids: readonly string[], maxResults: number | undefined): void {
  if (spec.taskType === 'store-image') {
    if (ids.length > MAX_STORE_IMAGE_IDS) {
      throw new Ec2Error(
        'InvalidParameterValue',
        `You can specify at most ${MAX_STORE_IMAGE_IDS} ImageIds; got ${ids.length}.`,
      );
    }
    if (ids.length > 0 && maxResults !== undefined) {
      throw new Ec2Error(
        'InvalidParameterCombination',
        'The parameter ImageIds cannot be used with the parameter MaxResults',
      );
    }
  }
  if (spec.pagination && maxResults !== undefined) {
    const { min, max } = spec.pagination;
    if (maxResults < min || maxResults > max) {
      throw new Ec2Error(
        'InvalidParameterValue',
        `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between ${min} and ${max}.`,
      );
    }
  }
}

function selectByIds(
  spec: TaskTypeSpec,
  tasks: readonly SdkTask[],
  ids: readonly string[],
): readonly SdkTask[] {
  // store-image is asked by AMI id (several tasks per AMI); the others by their task id.
  const idOf = (task: SdkTask): string | undefined =>
    spec.taskType === 'store-image' ? (task.AmiId as string | undefined) : taskIdOf(spec, task);
  const wanted = new Set(ids);
  const selected = tasks.filter((task) => wanted.has(idOf(task) ?? ''));
  if (spec.notFoundCode) {
    const found = new Set(selected.map(idOf));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      const quoted = missing.map((id) => `'${id}'`).join(', ');
      throw new Ec2Error(
        spec.notFoundCode,
        `The ${spec.idParam} ${quoted} ${missing.length > 1 ? 'do' : 'does'} not exist`,
      );
    }
  }
  return selected;
}

function matches(spec: TaskTypeSpec, task: SdkTask, filter: QueryFilter): boolean {
  const read = spec.filters[filter.name];
  const value = read?.(task);
  if (value === undefined || value === null) return false;
  const text = String(value);
  return filter.values.some((pattern) => globToRegExp(pattern).test(text));
}

/** EC2 filter values accept `*` (any run) and `?` (one character); `\` escapes either. */
function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i] as string);
    else if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
