// Why: NextToken must be opaque and tamper-evident like EC2's, and must survive tasks appearing or
// vanishing between pages; a signed cursor (last sort key of the page) gives both.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Ec2Error } from './errors';
import type { QueryParams } from './query';

/** What a NextToken remembers: where the next page starts and which listing it belongs to. */
export interface PageCursor {
  /** API the token was issued by. */
  readonly api: string;
  readonly region: string;
  /** Sort key of the last item already returned; the next page starts after it. */
  readonly lastKey: string;
  /** 1-based number of the page this token opens (the first token opens page 2). */
  readonly page: number;
  /** Digest of the request's ids and filters: a token only continues the listing it came from. */
  readonly fingerprint: string;
}

/** Issues and checks NextTokens, signed with a secret private to one simulator. */
export class PageTokens {
  private readonly secret: Buffer;

  constructor(secret: Buffer = randomBytes(32)) {
    this.secret = secret;
  }

  /** Encodes a cursor as an opaque, signed token. */
  issue(cursor: PageCursor): string {
    const payload = Buffer.from(
      JSON.stringify([cursor.api, cursor.region, cursor.lastKey, cursor.page, cursor.fingerprint]),
    ).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /**
   * Decodes a token and checks that it continues this listing.
   * @throws {Ec2Error} InvalidNextToken when the token is malformed, forged, or from another listing.
   */
  read(token: string, expected: Pick<PageCursor, 'api' | 'region' | 'fingerprint'>): PageCursor {
    const cursor = this.decode(token);
    if (
      !cursor ||
      cursor.api !== expected.api ||
      cursor.region !== expected.region ||
      cursor.fingerprint !== expected.fingerprint
    ) {
      throw new Ec2Error('InvalidNextToken', `The specified NextToken is not valid: ${token}`);
    }
    return cursor;
  }

  /** The page a request asks for: 1 without a token, the token's page otherwise; undefined for a bad token. */
  pageOf(token: string | undefined): number | undefined {
    if (token === undefined || token === '') return 1;
    return this.decode(token)?.page;
  }

  private decode(token: string): PageCursor | undefined {
    const [payload, signature, ...rest] = token.split('.');
    if (!payload || !signature || rest.length > 0) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const [api, region, lastKey, page, fingerprint] = JSON.parse(
        Buffer.from(payload, 'base64url').toString(),
      ) as [string, string, string, number, string];
      return { api, region, lastKey, page, fingerprint };
    } catch {
      return undefined;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url').slice(0, 22);
  }
}

/** Digest of the parameters that define a listing (everything but paging and signing parameters). */
export function listingFingerprint(params: QueryParams): string {
  const defining = Object.entries(params)
    .filter(
      ([key]) =>
        key !== 'NextToken' && key !== 'MaxResults' && key !== 'Version' && !key.startsWith('X-Amz-'),
    )
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(defining)).digest('base64url').slice(0, 16);
}
