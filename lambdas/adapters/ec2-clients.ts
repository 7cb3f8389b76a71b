// One EC2 client per Region, created once per container. The endpoint comes from the SDK's
// standard AWS_ENDPOINT_URL_EC2 variable when set (the local mode), never from our code.
import { EC2Client } from '@aws-sdk/client-ec2';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { sdkClientConfig } from '../shared/sdk-clients';

/** Attempts per EC2 call: the SDK retries throttling (RequestLimitExceeded) and 5xx with backoff. */
export const EC2_MAX_ATTEMPTS = 4;

/** Returns the (cached) EC2 client of a Region. */
export type Ec2ClientProvider = (region: string) => EC2Client;

/**
 * Creates a provider that builds each Region's client on first use.
 * @param options.credentials an account's credentials (a member role's); @default the function's own
 */
export function ec2ClientProvider(
  options: { maxAttempts?: number; credentials?: AwsCredentialIdentityProvider } = {},
): Ec2ClientProvider {
  const clients = new Map<string, EC2Client>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = new EC2Client(
        sdkClientConfig({
          region,
          maxAttempts: options.maxAttempts ?? EC2_MAX_ATTEMPTS,
          retryMode: 'standard',
          ...(options.credentials ? { credentials: options.credentials } : {}),
        }),
      );
      clients.set(region, client);
    }
    return client;
  };
}
