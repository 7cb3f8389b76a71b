// Which accounts a deployment watches, and how an organization's listing turns into them. Pure:
// the settings check (lib/settings) and the dispatcher (lambdas/dispatcher) read the same rules,
// and the Organizations adapter (lambdas/adapters/organization.ts) only fetches.

/** A 12-digit AWS account id. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** An organizational unit id (Organizations' `ParentId` pattern, OU branch). */
const OU_ID_PATTERN = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
/** An organization root id (Organizations' `ParentId` pattern, root branch). */
const ROOT_ID_PATTERN = /^r-[0-9a-z]{4,32}$/;

/**
 * What `accounts` selects:
 * - `self`: the deployment account only (no Organizations call, no member role);
 * - `organization`: every active account of the organization;
 * - `list`: the given account ids, and every active account under the given OUs or root (recursively).
 */
export type AccountSelection =
  | { readonly mode: 'self' }
  | { readonly mode: 'organization' }
  | {
      readonly mode: 'list';
      /** Account ids named directly. */
      readonly accountIds: readonly string[];
      /** OU ids (`ou-…`) and root ids (`r-…`) whose accounts are watched, nested OUs included. */
      readonly parentIds: readonly string[];
    };

/** Why an item of an `accounts` list is refused, or undefined when it is an account, OU or root id. */
export function accountItemProblem(item: string): string | undefined {
  if (ACCOUNT_ID_PATTERN.test(item) || OU_ID_PATTERN.test(item) || ROOT_ID_PATTERN.test(item))
    return undefined;
  if (/^\d+$/.test(item)) return `"${item}" is not 12 digits`;
  if (item.startsWith('ou-')) return `"${item}" is not an OU id (ou-<root part>-<8 to 32 characters>)`;
  if (item.startsWith('r-')) return `"${item}" is not a root id (r-<4 to 32 characters>)`;
  return `"${item}" is neither an account id, an OU id nor a root id`;
}

/**
 * Reads `accounts` from its items: `self`, `organization`, or account, OU and root ids.
 * @throws Error with the problem of the first bad item (the settings check words it for the user)
 */
export function accountSelectionOf(items: readonly string[]): AccountSelection {
  if (items.length === 1 && (items[0] === 'self' || items[0] === 'organization')) return { mode: items[0] };
  for (const item of items) {
    if (item === 'self' || item === 'organization')
      throw new Error(`"${item}" cannot be combined with other items`);
    const problem = accountItemProblem(item);
    if (problem) throw new Error(problem);
  }
  return {
    mode: 'list',
    accountIds: items.filter((item) => ACCOUNT_ID_PATTERN.test(item)),
    parentIds: items.filter((item) => !ACCOUNT_ID_PATTERN.test(item)),
  };
}

/** The text form of a selection, as the setting and the function variable carry it. */
export function accountSelectionText(selection: AccountSelection): string {
  return selection.mode === 'list'
    ? [...selection.accountIds, ...selection.parentIds].join(',')
    : selection.mode;
}

/**
 * An account's state as Organizations reports it. `State` (ACTIVE, SUSPENDED, PENDING_CLOSURE,
 * CLOSED, PENDING_ACTIVATION) replaces `Status`, which Organizations retires in September 2026;
 * `Status` is read only when `State` is absent.
 */
export interface OrganizationAccount {
  readonly id: string;
  readonly name?: string;
  readonly state?: string;
  readonly status?: string;
}

/** An account of the organization that is watched this cycle. */
export interface MemberAccount {
  readonly id: string;
  /** Its name in Organizations, shown next to its id; undefined for `self`. */
  readonly name?: string;
}

/** An account of the selection that is not polled, and why. */
export interface SkippedAccount {
  readonly id: string;
  readonly name?: string;
  /** Organizations' state of the account (`SUSPENDED`, `PENDING_CLOSURE`, `CLOSED`, …), or `NOT_FOUND`. */
  readonly state: string;
}

/** The accounts of one cycle: those polled, and those of the selection that are not. */
export interface ResolvedAccounts {
  readonly watched: readonly MemberAccount[];
  readonly skipped: readonly SkippedAccount[];
}

/** The state an account is in: `State`, else `Status`, else ACTIVE (an account listed without either). */
function accountState(account: OrganizationAccount): string {
  return account.state ?? account.status ?? 'ACTIVE';
}

/**
 * The accounts of a cycle from what Organizations listed: active ones are watched, the others
 * (suspended, closing, closed, not yet active) are skipped and nothing is inferred about their
 * tasks; excluded ones are left out entirely. Each account once, in id order.
 *
 * @param listed the accounts the selection covers (the organization's, those under the OUs, the
 *   named ones Organizations knows)
 * @param named account ids the selection names directly: one Organizations did not list is
 *   skipped as `NOT_FOUND` (it left the organization, or the id is wrong)
 */
export function resolveAccounts(
  listed: readonly OrganizationAccount[],
  excluded: readonly string[],
  named: readonly string[] = [],
): ResolvedAccounts {
  const byId = new Map<string, OrganizationAccount>();
  for (const account of listed) if (!excluded.includes(account.id)) byId.set(account.id, account);
  const watched: MemberAccount[] = [];
  const skipped: SkippedAccount[] = [];
  for (const account of [...byId.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const state = accountState(account);
    if (state === 'ACTIVE') watched.push({ id: account.id, name: account.name });
    else skipped.push({ id: account.id, name: account.name, state });
  }
  for (const id of named) {
    if (!excluded.includes(id) && !byId.has(id)) skipped.push({ id, state: 'NOT_FOUND' });
  }
  return { watched, skipped };
}
