// The Regions an account has enabled, from AWS Account Management's ListRegions called with the
// member role's credentials (without AccountId, it answers for the caller's own account, so no
// trusted access for Account Management is needed). Read daily per account, not per cycle.
import { type AccountClient, paginateListRegions } from '@aws-sdk/client-account';

/** The opt-in states of a Region that can be polled. */
const ENABLED_STATES = ['ENABLED', 'ENABLED_BY_DEFAULT'] as const;

/** Every Region enabled in the account of the client's credentials, sorted. */
export async function listEnabledRegions(client: AccountClient): Promise<string[]> {
  const regions: string[] = [];
  for await (const page of paginateListRegions(
    { client, pageSize: 50 },
    { RegionOptStatusContains: [...ENABLED_STATES] },
  )) {
    for (const region of page.Regions ?? []) {
      // Filtered again: a Region still ENABLING cannot be listed yet.
      if (
        region.RegionName &&
        ENABLED_STATES.includes(region.RegionOptStatus as (typeof ENABLED_STATES)[number])
      )
        regions.push(region.RegionName);
    }
  }
  return regions.sort();
}
