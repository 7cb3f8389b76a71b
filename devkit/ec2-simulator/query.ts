// Why: EC2 Query requests flatten lists into numbered keys (`BundleId.1`, `Filter.1.Value.2`) and
// carry the Region only in the SigV4 credential scope; this turns both back into values.
import type { IncomingHttpHeaders } from 'node:http';
import { Ec2Error } from './errors';

/** The request's parameters, key → value, as sent (form body for POST, query string for GET). */
export type QueryParams = Readonly<Record<string, string>>;

/** Region assumed when a request carries no SigV4 credential scope (e.g. plain curl). */
export const DEFAULT_REGION = 'us-east-1';

/** Parses an `application/x-www-form-urlencoded` string into parameters (last value of a key wins). */
export function parseForm(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) params[key] = value;
  return params;
}

/**
 * The Region a request is signed for: the third part of the SigV4 credential scope
 * (`Credential=AKID/20240101/us-east-1/ec2/aws4_request`), from the Authorization header or a
 * presigned `X-Amz-Credential` parameter; {@link DEFAULT_REGION} when neither is present.
 */
export function regionOf(headers: IncomingHttpHeaders, params: QueryParams): string {
  const header = headers.authorization ?? '';
  const scope = /Credential=([^,\s]+)/.exec(header)?.[1] ?? params['X-Amz-Credential'] ?? '';
  const region = scope.split('/')[2];
  return region && /^[a-z0-9-]+$/.test(region) ? region : DEFAULT_REGION;
}

/** The access key id of the request's credentials (SigV4 header or presigned query), if any. */
export function accessKeyOf(headers: IncomingHttpHeaders, params: QueryParams): string | undefined {
  const scope = /Credential=([^,\s]+)/.exec(headers.authorization ?? '')?.[1] ?? params['X-Amz-Credential'];
  return scope?.split('/')[0] || undefined;
}

/** Parameters every action accepts besides its own members. */
export function isCommonParam(key: string): boolean {
  return key === 'Action' || key === 'Version' || key.startsWith('X-Amz-');
}

/** Values of a flattened list `${prefix}.1`, `${prefix}.2`, … in index order; marks keys consumed. */
export function listParam(params: QueryParams, prefix: string, consumed: Set<string>): string[] {
  const entries: [number, string][] = [];
  const pattern = new RegExp(`^${escapeRegExp(prefix)}\\.([1-9]\\d*)$`);
  for (const [key, value] of Object.entries(params)) {
    const index = pattern.exec(key)?.[1];
    if (index === undefined) continue;
    consumed.add(key);
    entries.push([Number(index), value]);
  }
  return entries.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}

/** One EC2 filter: the name and its values (values are OR-ed, filters AND-ed). */
export interface QueryFilter {
  readonly name: string;
  readonly values: readonly string[];
}

/**
 * Filters flattened as `${prefix}.N.Name` and `${prefix}.N.Value.M`; marks keys consumed.
 * @throws {Ec2Error} MissingParameter when a filter has values but no name.
 */
export function filterParams(params: QueryParams, prefix: string, consumed: Set<string>): QueryFilter[] {
  const byIndex = new Map<number, { name?: string; values: [number, string][] }>();
  const pattern = new RegExp(`^${escapeRegExp(prefix)}\\.([1-9]\\d*)\\.(?:(Name)|Value\\.([1-9]\\d*))$`);
  for (const [key, value] of Object.entries(params)) {
    const match = pattern.exec(key);
    if (!match) continue;
    consumed.add(key);
    const index = Number(match[1]);
    const filter = byIndex.get(index) ?? { values: [] };
    byIndex.set(index, filter);
    if (match[2]) filter.name = value;
    else filter.values.push([Number(match[3]), value]);
  }
  return [...byIndex.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, filter]) => {
      if (filter.name === undefined || filter.name === '') {
        throw new Ec2Error(
          'MissingParameter',
          `The request must contain the parameter ${prefix}.${index}.Name`,
        );
      }
      return {
        name: filter.name,
        values: filter.values.sort((a, b) => a[0] - b[0]).map(([, value]) => value),
      };
    });
}

/** A `true`/`false` parameter; undefined when absent. */
export function booleanParam(params: QueryParams, key: string, consumed: Set<string>): boolean | undefined {
  const raw = params[key];
  if (raw === undefined) return undefined;
  consumed.add(key);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new Ec2Error(
    'InvalidParameterValue',
    `Value (${raw}) for parameter ${key} is invalid. Expected: 'true' or 'false'.`,
  );
}

/** An integer parameter; undefined when absent. */
export function integerParam(params: QueryParams, key: string, consumed: Set<string>): number | undefined {
  const raw = params[key];
  if (raw === undefined) return undefined;
  consumed.add(key);
  if (!/^-?\d+$/.test(raw)) {
    throw new Ec2Error(
      'InvalidParameterValue',
      `Value (${raw}) for parameter ${key} is invalid. Expected an integer.`,
    );
  }
  return Number(raw);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
