// The VM Import/Export limits of an account in a Region, from Service Quotas: read at most once a
// day per (account, Region) and container, and only when some task holds a slot, so a poll at rest
// makes no call. When the call is denied or fails, the documented defaults stand (logged once per
// account and Region and container), and the call is tried again an hour later.
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  paginateListServiceQuotas,
  ServiceQuotasClient,
  type ServiceQuota,
} from '@aws-sdk/client-service-quotas';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { QUOTA_GROUPS, type QuotaGroupName, type QuotaLimit } from '../domain/quota';
import { sdkClientConfig } from '../shared/sdk-clients';

/** The Service Quotas service code the VM Import/Export quotas are listed under. */
export const VM_IMPORT_EXPORT_SERVICE_CODE = 'ec2';
/** Limits read from Service Quotas are kept this long: quota increases are rare and take days. */
export const QUOTA_LIMITS_TTL_MS = 24 * 60 * 60 * 1000;
/** After a failed read the defaults are kept this long before Service Quotas is asked again. */
export const QUOTA_RETRY_AFTER_MS = 60 * 60 * 1000;

/** The limits of every quota group of one account in one Region. */
export type QuotaLimits = ReadonlyMap<QuotaGroupName, QuotaLimit>;

/** Reads an account's limits in a Region. */
export type QuotaLimitsReader = (account: string, region: string) => Promise<QuotaLimits>;

/** The documented limits, for when Service Quotas cannot say. */
export function documentedLimits(): QuotaLimits {
  return new Map(
    QUOTA_GROUPS.map((group) => [group.name, { value: group.defaultLimit, source: 'documented-default' }]),
  );
}

/**
 * The limits among an account's EC2 quotas: for each group, the quota whose name says it counts that
 * group's tasks (the smallest value when several do); a group no quota names keeps its default.
 */
export function limitsFromQuotas(quotas: readonly ServiceQuota[]): QuotaLimits {
  const limits = new Map(documentedLimits());
  for (const group of QUOTA_GROUPS) {
    const values = quotas
      .filter(
        (quota) => /concurrent/i.test(quota.QuotaName ?? '') && group.quotaName.test(quota.QuotaName ?? ''),
      )
      .map((quota) => quota.Value)
      .filter((value): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 1);
    if (values.length > 0)
      limits.set(group.name, { value: Math.floor(Math.min(...values)), source: 'service-quotas' });
  }
  return limits;
}

/** Options of {@link serviceQuotaLimits}. */
export interface ServiceQuotaLimitsOptions {
  /** The Service Quotas client of an account in a Region (the member role's credentials for another account). */
  clientFor(account: string, region: string): Pick<ServiceQuotasClient, 'send'>;
  logger: Logger;
  now(): Date;
}

/** A container's reader of the limits, with its cache. */
export function serviceQuotaLimits(options: ServiceQuotaLimitsOptions): QuotaLimitsReader {
  const cache = new Map<string, { limits: QuotaLimits; until: number }>();
  const warned = new Set<string>();
  return async (account, region) => {
    const key = `${account}#${region}`;
    const now = options.now().getTime();
    const kept = cache.get(key);
    if (kept && kept.until > now) return kept.limits;
    try {
      const quotas: ServiceQuota[] = [];
      const pages = paginateListServiceQuotas(
        { client: options.clientFor(account, region) as ServiceQuotasClient, pageSize: 100 },
        { ServiceCode: VM_IMPORT_EXPORT_SERVICE_CODE },
      );
      for await (const page of pages) quotas.push(...(page.Quotas ?? []));
      const limits = limitsFromQuotas(quotas);
      cache.set(key, { limits, until: now + QUOTA_LIMITS_TTL_MS });
      return limits;
    } catch (error) {
      if (!warned.has(key)) {
        warned.add(key);
        options.logger.warn(
          'Service Quotas could not be read; the documented VM Import/Export limits stand',
          {
            account,
            region,
            code: (error as Error).name,
            errorMessage: (error as Error).message,
          },
        );
      }
      const limits = documentedLimits();
      cache.set(key, { limits, until: now + QUOTA_RETRY_AFTER_MS });
      return limits;
    }
  };
}

/**
 * A provider of Service Quotas clients, one per account and Region, built on first use: one
 * attempt and short timeouts, since a poll must not wait on it (the defaults stand meanwhile).
 * @param credentialsOf an account's credentials; undefined for the function's own
 */
export function serviceQuotasClients(
  credentialsOf: (account: string) => AwsCredentialIdentityProvider | undefined = () => undefined,
): (account: string, region: string) => ServiceQuotasClient {
  const clients = new Map<string, ServiceQuotasClient>();
  return (account, region) => {
    const key = `${account}#${region}`;
    let client = clients.get(key);
    if (!client) {
      const credentials = credentialsOf(account);
      client = new ServiceQuotasClient(
        sdkClientConfig(
          { region, maxAttempts: 1, ...(credentials ? { credentials } : {}) },
          { connectionTimeoutMs: 2_000, requestTimeoutMs: 5_000 },
        ),
      );
      clients.set(key, client);
    }
    return client;
  };
}
