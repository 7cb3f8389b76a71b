// Credentials of the member role, one cache per account for the life of the container. AssumeRole
// goes to STS in the monitor's own Region (a Regional token is valid in every Region, while a
// Region's own STS endpoint would need that Region enabled in the monitor's account too), and its
// credentials are reused by every Region's client of that account until 5 minutes before they
// expire: at most one AssumeRole per account per credential lifetime, however many Regions.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { partitionOf } from '../domain/partition';
import { memberRoleArn, memberSessionName } from '../shared/member-session';
import { sdkClientConfig } from '../shared/sdk-clients';

/** Credentials are renewed when less than this is left, as the SDK's own providers do. */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000;
/** An hour: the longest session a role chained from a Lambda role may have. */
const SESSION_SECONDS = 3600;

/** What the cache needs. */
export interface MemberCredentialsOptions {
  /** STS client in the monitor's own Region. */
  readonly sts: Pick<STSClient, 'send'>;
  /** The member role's name in every account. */
  readonly roleName: string;
  /** The monitor's account: its id names the session. */
  readonly monitorAccount: string;
  /** The partition the accounts are in (`aws`, `aws-cn`, …). */
  readonly partition: string;
  /** @default Date.now */
  readonly now?: () => number;
}

interface Entry {
  credentials?: AwsCredentialIdentity & { expiration: Date };
  /** The AssumeRole in flight, shared by concurrent callers. */
  pending?: Promise<AwsCredentialIdentity & { expiration: Date }>;
}

/** Member role credentials per account, assumed on first use and renewed shortly before expiry. */
export class MemberCredentials {
  private readonly entries = new Map<string, Entry>();
  /** AssumeRole calls made, for the benchmark and the tests. */
  public assumeRoleCalls = 0;

  constructor(private readonly options: MemberCredentialsOptions) {}

  /** Credentials for an account: cached, or assumed now (one call for concurrent callers). */
  async credentials(account: string): Promise<AwsCredentialIdentity> {
    const now = (this.options.now ?? Date.now)();
    let entry = this.entries.get(account);
    if (!entry) {
      entry = {};
      this.entries.set(account, entry);
    }
    const cached = entry.credentials;
    if (cached && cached.expiration.getTime() - now > REFRESH_BEFORE_EXPIRY_MS) return cached;
    if (!entry.pending) {
      const current = entry;
      current.pending = this.assume(account).finally(() => {
        current.pending = undefined;
      });
      current.credentials = await current.pending;
      return current.credentials;
    }
    return entry.pending;
  }

  /** A provider for an SDK client of the account (every Region's client shares the account's cache). */
  provider(account: string): AwsCredentialIdentityProvider {
    return () => this.credentials(account);
  }

  /**
   * The `credentials` setting of an SDK client of the account: the member role's, or none (the
   * function's own) for the monitor's account.
   */
  clientCredentials(account: string): { credentials?: AwsCredentialIdentityProvider } {
    return account === this.options.monitorAccount ? {} : { credentials: this.provider(account) };
  }

  private async assume(account: string): Promise<AwsCredentialIdentity & { expiration: Date }> {
    this.assumeRoleCalls += 1;
    const { Credentials: credentials } = await this.options.sts.send(
      new AssumeRoleCommand({
        RoleArn: memberRoleArn(this.options.partition, account, this.options.roleName),
        RoleSessionName: memberSessionName(this.options.monitorAccount),
        DurationSeconds: SESSION_SECONDS,
      }),
    );
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.Expiration) {
      throw new Error(`AssumeRole in ${account} returned no credentials`);
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
      accountId: account,
    };
  }
}

/**
 * The member role's credentials for a function running in `region`, the monitor's own: AssumeRole
 * goes to STS there, in that Region's partition. One per container, shared by every client.
 */
export function memberCredentialsIn(
  region: string,
  settings: { readonly memberRoleName: string; readonly account: string },
): MemberCredentials {
  return new MemberCredentials({
    sts: new STSClient(sdkClientConfig({ region })),
    roleName: settings.memberRoleName,
    monitorAccount: settings.account,
    partition: partitionOf(region),
  });
}
