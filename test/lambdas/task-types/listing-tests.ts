// Shared listing tests: every descriptor must read all its pages and fail loudly, never return a
// silently partial listing. Each test file calls one of these once, with its own fixtures.
import { EC2Client } from '@aws-sdk/client-ec2';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import {
  type ListingScope,
  RepeatedNextTokenError,
  type TaskTypeDescriptor,
} from '../../../lambdas/task-types/task-type';

export const SCOPE: ListingScope = { region: 'us-east-1', account: '111122223333' };

/** An EC2 error as the SDK raises it. */
export function ec2Error(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'server' });
}

/**
 * Mocks EC2Client for the enclosing describe block only: created before its tests and restored
 * after them, so that several mocked blocks in one file do not overlap.
 */
export function useEc2Mock(): () => AwsClientStub<EC2Client> {
  let ec2Mock: AwsClientStub<EC2Client> | undefined;
  beforeAll(() => {
    ec2Mock = mockClient(EC2Client);
  });
  beforeEach(() => ec2Mock?.reset());
  afterAll(() => ec2Mock?.restore());
  return () => {
    if (!ec2Mock) throw new Error('the EC2 mock is only available inside a test');
    return ec2Mock;
  };
}

/** Reads a listing to the end, copying each page. */
export async function collectPages<Raw>(
  descriptor: TaskTypeDescriptor<Raw>,
  client: EC2Client,
  into: Raw[][] = [],
): Promise<Raw[][]> {
  for await (const page of descriptor.listPages(client)) into.push([...page]);
  return into;
}

interface ListingCase<Raw> {
  descriptor: TaskTypeDescriptor<Raw>;
  /** The command class the listing must send. */
  command: abstract new (...args: never[]) => object;
  /** The output member holding the list. */
  listKey: string;
  /** Three distinct raw objects, one per page (or all on the one page). */
  items: readonly [Raw, Raw, Raw];
}

type Input = Record<string, unknown>;

/** Tests for a paginated API listed through its SDK paginator. */
export function describePaginatedListing<Raw>({
  descriptor,
  command,
  listKey,
  items,
}: ListingCase<Raw>): void {
  describe('listPages (paginated)', () => {
    const ec2 = useEc2Mock();
    const client = new EC2Client({ region: SCOPE.region });
    const pages: Record<string, Input> = {
      first: { [listKey]: [items[0]], NextToken: 'token-2' },
      'token-2': { [listKey]: [items[1]], NextToken: 'token-3' },
      'token-3': { [listKey]: [items[2]] },
    };
    const seen: Input[] = [];
    const answerFromPages = (input: Input) => {
      // The paginator reuses one input object, so it is copied as it is at call time.
      seen.push({ ...input });
      const page = pages[typeof input.NextToken === 'string' ? input.NextToken : 'first'];
      if (!page) throw new Error(`unexpected NextToken ${String(input.NextToken)}`);
      return page;
    };

    beforeEach(() => {
      seen.length = 0;
    });

    it('reads every page, passing each NextToken on, with one command per page', async () => {
      // Prepare
      ec2().callsFake(answerFromPages);
      // Act
      const result = await collectPages(descriptor, client);
      // Assess
      expect(result).toEqual([[items[0]], [items[1]], [items[2]]]);
      expect(seen.map((input) => input.NextToken)).toEqual([undefined, 'token-2', 'token-3']);
      expect(ec2().calls()).toHaveLength(3);
      expect(
        ec2()
          .calls()
          .every((call) => call.args[0] instanceof command),
      ).toBe(true);
    });

    it(`sends MaxResults = pageSize (${String(descriptor.pageSize)}) on every page, and no ids or filters`, async () => {
      // Prepare
      ec2().callsFake(answerFromPages);
      // Act
      await collectPages(descriptor, client);
      // Assess
      expect(seen).toHaveLength(3);
      for (const input of seen) {
        expect(input.MaxResults).toBe(descriptor.pageSize);
        expect(Object.keys(input).sort()).toEqual(['MaxResults', 'NextToken']);
      }
    });

    it('throws when page 2 fails, after yielding only page 1', async () => {
      // Prepare
      ec2()
        .callsFakeOnce(answerFromPages)
        .callsFakeOnce(() => {
          throw ec2Error('RequestLimitExceeded', 'Request limit exceeded.');
        });
      const received: Raw[][] = [];
      // Act
      const listing = collectPages(descriptor, client, received);
      // Assess
      await expect(listing).rejects.toThrow('Request limit exceeded.');
      expect(received).toEqual([[items[0]]]);
      expect(ec2().calls()).toHaveLength(2);
    });

    it('yields an empty page when the output has no list', async () => {
      // Prepare
      ec2().resolves({});
      // Act
      const result = await collectPages(descriptor, client);
      // Assess
      expect(result).toEqual([[]]);
    });

    it('fails when a page answers the NextToken it was sent, and asks for no further page', async () => {
      // Prepare: page 2 repeats its own token, which would loop for ever.
      ec2().callsFake((input: Input) => {
        seen.push({ ...input });
        return input.NextToken === 'token-2'
          ? { [listKey]: [items[1]], NextToken: 'token-2' }
          : { [listKey]: [items[0]], NextToken: 'token-2' };
      });
      const received: Raw[][] = [];
      // Act
      const listing = collectPages(descriptor, client, received);
      // Assess
      await expect(listing).rejects.toThrow(RepeatedNextTokenError);
      expect(received).toEqual([[items[0]]]);
      expect(seen.map((input) => input.NextToken)).toEqual([undefined, 'token-2']);
    });

    it('sends every call with the abort signal it is given', async () => {
      // Prepare
      ec2().callsFake(answerFromPages);
      const { signal } = new AbortController();
      // Act
      for await (const page of descriptor.listPages(client, { abortSignal: signal })) void page;
      // Assess
      expect(
        ec2()
          .calls()
          .map(
            (call) =>
              (call.args as unknown[])[1] &&
              ((call.args as unknown[])[1] as { abortSignal?: unknown }).abortSignal,
          ),
      ).toEqual([signal, signal, signal]);
    });
  });
}

/** Tests for an API without pagination: one call returns everything. */
export function describeSingleCallListing<Raw>({
  descriptor,
  command,
  listKey,
  items,
}: ListingCase<Raw>): void {
  describe('listPages (one call)', () => {
    const ec2 = useEc2Mock();
    const client = new EC2Client({ region: SCOPE.region });

    it('yields the whole list as one page from one unfiltered call', async () => {
      // Prepare
      ec2().resolves({ [listKey]: [...items] });
      // Act
      const result = await collectPages(descriptor, client);
      // Assess
      expect(result).toEqual([[...items]]);
      expect(ec2().calls()).toHaveLength(1);
      const sent = ec2().call(0).args[0];
      expect(sent).toBeInstanceOf(command);
      expect((sent as unknown as { input: Input }).input).toEqual({});
      expect(descriptor.pageSize).toBeUndefined();
    });

    it('sends the call with the abort signal it is given', async () => {
      // Prepare
      ec2().resolves({ [listKey]: [...items] });
      const { signal } = new AbortController();
      // Act
      for await (const page of descriptor.listPages(client, { abortSignal: signal })) void page;
      // Assess
      expect(
        ((ec2().call(0).args as unknown[])[1] as { abortSignal?: unknown } | undefined)?.abortSignal,
      ).toBe(signal);
    });

    it('throws when the call fails', async () => {
      // Prepare
      ec2().rejects(ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation.'));
      const received: Raw[][] = [];
      // Act
      const listing = collectPages(descriptor, client, received);
      // Assess
      await expect(listing).rejects.toThrow('You are not authorized to perform this operation.');
      expect(received).toEqual([]);
    });

    it('yields an empty page when the output has no list', async () => {
      // Prepare
      ec2().resolves({});
      // Act
      const result = await collectPages(descriptor, client);
      // Assess
      expect(result).toEqual([[]]);
    });
  });
}
