// A local stand-in for the three AWS APIs organization mode calls that no local engine emulates:
// STS AssumeRole (Query protocol, XML), AWS Organizations' listing calls (JSON 1.1) and AWS
// Account Management's ListRegions (REST-JSON). One port serves all three; the SDK reaches it only
// through its standard AWS_ENDPOINT_URL_STS, _ORGANIZATIONS and _ACCOUNT variables. Credentials it
// issues carry the account in their access key id (`ASIA<account id><4 characters>`), which is how
// the EC2 simulator and ListRegions tell accounts apart. Not product code; Node's standard library only.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessKeyOf } from '../ec2-simulator/query';
import { escapeXml } from '../ec2-simulator/xml';
import { readBody, startLoopbackServer } from '../loopback-server';

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ORGANIZATIONS_TARGET = 'AWSOrganizationsV20161128.';
/** The access key ids it issues: the account id after the `ASIA` of temporary credentials. */
const ISSUED_KEY = /^ASIA(\d{12})[A-Z0-9]{4}$/;

/** The account of credentials the stand-in issued, read from their access key id; undefined for any other key. */
export function accountOfAccessKey(accessKeyId: string): string | undefined {
  return ISSUED_KEY.exec(accessKeyId)?.[1];
}

/** One account of the stand-in's organization. */
export interface StandInAccount {
  readonly id: string;
  readonly name: string;
  /** Organizations' `State`. @default 'ACTIVE' */
  state?: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';
  /** The OU or root it is in. @default the root */
  parentId?: string;
  /** Role names that exist in it (the member role once deployed). @default none */
  roles?: string[];
  /** Regions enabled in it. @default ['us-east-1'] */
  regions?: string[];
}

/** One call to AssumeRole, as received. */
export interface AssumeRoleCall {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly durationSeconds: number;
  /** The account of the caller's access key, or undefined for the monitor's own credentials. */
  readonly callerAccount?: string;
  /** The error code answered, if refused. */
  readonly errorCode?: string;
}

/** Options of {@link startOrganizationStandIn}. */
export interface OrganizationStandInOptions {
  /** The organization's root id. @default 'r-ab12' */
  readonly rootId?: string;
  /**
   * Lifetime of issued credentials in seconds, overriding the DurationSeconds asked for (to make
   * credentials expire within a test).
   * @default the DurationSeconds asked for (3600 when none)
   */
  readonly credentialSeconds?: number;
  /** Largest page of the Organizations listing calls. @default 20 (Organizations' maximum) */
  readonly pageSize?: number;
}

/** A running stand-in, changed while it runs as an organization changes. */
export interface OrganizationStandIn {
  /** `http://127.0.0.1:<port>` for STS, Organizations and Account. */
  readonly endpoint: string;
  /** The root id. */
  readonly rootId: string;
  /** Adds an account (or replaces the one with its id): an account joins the organization. */
  putAccount(account: StandInAccount): void;
  /** Changes an account: suspends it, moves it, gives it the member role, enables a Region, … */
  updateAccount(id: string, patch: Partial<Omit<StandInAccount, 'id'>>): void;
  /** Removes an account: it leaves the organization. */
  removeAccount(id: string): void;
  /** Adds an OU under a parent (the root or another OU). */
  putOrganizationalUnit(id: string, parentId: string, name?: string): void;
  /** Every AssumeRole received, oldest first. */
  readonly assumeRoleCalls: readonly AssumeRoleCall[];
  /** Every Organizations and Account operation received, by name, oldest first. */
  readonly operations: readonly string[];
  /** Stops listening and drops open connections. */
  stop(): Promise<void>;
}

interface State {
  rootId: string;
  accounts: Map<string, StandInAccount>;
  units: Map<string, { id: string; parentId: string; name: string }>;
  assumeRoleCalls: AssumeRoleCall[];
  operations: string[];
  credentialSeconds?: number;
  pageSize: number;
}

class StandInError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Starts the stand-in on 127.0.0.1 (a free port). */
export async function startOrganizationStandIn(
  options: OrganizationStandInOptions = {},
): Promise<OrganizationStandIn> {
  const state: State = {
    rootId: options.rootId ?? 'r-ab12',
    accounts: new Map(),
    units: new Map(),
    assumeRoleCalls: [],
    operations: [],
    credentialSeconds: options.credentialSeconds,
    pageSize: options.pageSize ?? 20,
  };
  const server = await startLoopbackServer((request, response) => handle(state, request, response), {
    onError: (response, error) =>
      sendJson(response, 500, { __type: 'ServiceException', Message: String(error) }),
  });
  const existing = (id: string) => {
    const account = state.accounts.get(id);
    if (!account) throw new Error(`No account ${id} in the stand-in's organization`);
    return account;
  };
  return {
    endpoint: server.url,
    rootId: state.rootId,
    putAccount(account) {
      if (!/^\d{12}$/.test(account.id)) throw new Error(`Not an account id: ${account.id}`);
      state.accounts.set(account.id, { ...account });
    },
    updateAccount(id, patch) {
      Object.assign(existing(id), patch);
    },
    removeAccount(id) {
      state.accounts.delete(id);
    },
    putOrganizationalUnit(id, parentId, name = id) {
      state.units.set(id, { id, parentId, name });
    },
    assumeRoleCalls: state.assumeRoleCalls,
    operations: state.operations,
    stop: () => server.close(),
  };
}

/** The SDK's standard endpoint variables pointing STS, Organizations and Account at the stand-in. */
export function organizationStandInEnvironment(
  standIn: Pick<OrganizationStandIn, 'endpoint'>,
): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_STS: standIn.endpoint,
    AWS_ENDPOINT_URL_ORGANIZATIONS: standIn.endpoint,
    AWS_ENDPOINT_URL_ACCOUNT: standIn.endpoint,
  };
}

async function handle(state: State, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(request);
  if (body === undefined) {
    sendJson(response, 413, { __type: 'RequestEntityTooLargeException', Message: 'Request body too large.' });
    return;
  }
  const target = String(request.headers['x-amz-target'] ?? '');
  const callerAccount = accountOfAccessKey(accessKeyOf(request.headers, {}) ?? '');
  if (target.startsWith(ORGANIZATIONS_TARGET)) {
    const operation = target.slice(ORGANIZATIONS_TARGET.length);
    state.operations.push(operation);
    try {
      sendJson(response, 200, organizations(state, operation, parseJson(body)));
    } catch (error) {
      if (!(error instanceof StandInError)) throw error;
      sendJson(response, error.status, { __type: error.code, Message: error.message });
    }
    return;
  }
  const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
  if (path === '/listRegions') {
    state.operations.push('ListRegions');
    try {
      sendJson(response, 200, listRegions(state, parseJson(body), callerAccount));
    } catch (error) {
      if (!(error instanceof StandInError)) throw error;
      response.setHeader('x-amzn-ErrorType', error.code);
      sendJson(response, error.status, { message: error.message });
    }
    return;
  }
  const form = new URLSearchParams(body);
  if (form.get('Action') === 'AssumeRole') {
    try {
      send(response, 200, 'text/xml', assumeRole(state, form, callerAccount));
    } catch (error) {
      if (!(error instanceof StandInError)) throw error;
      send(
        response,
        error.status,
        'text/xml',
        `<ErrorResponse xmlns="${STS_NAMESPACE}"><Error><Type>Sender</Type><Code>${error.code}</Code>` +
          `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      );
    }
    return;
  }
  sendJson(response, 400, {
    __type: 'UnknownOperationException',
    Message: `The stand-in does not implement ${request.method ?? ''} ${path} ${target}`,
  });
}

function assumeRole(state: State, form: URLSearchParams, callerAccount: string | undefined): string {
  const roleArn = form.get('RoleArn') ?? '';
  const sessionName = form.get('RoleSessionName') ?? '';
  const durationSeconds = Number(form.get('DurationSeconds') ?? 3600);
  const call = { roleArn, sessionName, durationSeconds, callerAccount };
  const refuse = (code: string, message: string, status = 403): never => {
    state.assumeRoleCalls.push({ ...call, errorCode: code });
    throw new StandInError(code, message, status);
  };
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) refuse('ValidationError', 'RoleSessionName is not valid', 400);
  if (durationSeconds > 3600 && callerAccount === undefined) {
    refuse(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      400,
    );
  }
  const match = /^arn:aws[\w-]*:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
  const account = match && state.accounts.get(match[1] as string);
  const notAuthorized = `User: arn:aws:sts::000000000000:assumed-role/worker/fn is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
  if (
    !match ||
    !account ||
    (account.state ?? 'ACTIVE') !== 'ACTIVE' ||
    !(account.roles ?? []).includes(match[2] as string)
  ) {
    refuse('AccessDenied', notAuthorized);
  }
  state.assumeRoleCalls.push(call);
  const lifetime = state.credentialSeconds ?? durationSeconds;
  const expiration = new Date(Date.now() + lifetime * 1000).toISOString();
  const accessKeyId = `ASIA${(account as StandInAccount).id}${randomBytes(2).toString('hex').toUpperCase()}`;
  return (
    `<AssumeRoleResponse xmlns="${STS_NAMESPACE}"><AssumeRoleResult>` +
    `<AssumedRoleUser><Arn>arn:aws:sts::${(account as StandInAccount).id}:assumed-role/${escapeXml(match?.[2] ?? '')}/${escapeXml(sessionName)}</Arn>` +
    `<AssumedRoleId>AROASTANDIN:${escapeXml(sessionName)}</AssumedRoleId></AssumedRoleUser>` +
    `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${randomBytes(20).toString('hex')}</SecretAccessKey>` +
    `<SessionToken>${randomBytes(32).toString('base64')}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
    `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`
  );
}

function listRegions(
  state: State,
  input: Record<string, unknown>,
  callerAccount: string | undefined,
): unknown {
  // Without AccountId, ListRegions answers for the caller's own account.
  const account = callerAccount && state.accounts.get(callerAccount);
  if (!account)
    throw new StandInError(
      'AccessDeniedException',
      'The stand-in answers ListRegions for issued member credentials only.',
      403,
    );
  const wanted = Array.isArray(input.RegionOptStatusContains) ? input.RegionOptStatusContains : undefined;
  const regions = (account.regions ?? ['us-east-1']).map((name) => ({
    RegionName: name,
    RegionOptStatus: name.startsWith('us-') || name.startsWith('eu-west') ? 'ENABLED_BY_DEFAULT' : 'ENABLED',
  }));
  return { Regions: wanted ? regions.filter((region) => wanted.includes(region.RegionOptStatus)) : regions };
}

function organizations(state: State, operation: string, input: Record<string, unknown>): unknown {
  const accountShape = (account: StandInAccount) => ({
    Id: account.id,
    Arn: `arn:aws:organizations::000000000000:account/o-standin/${account.id}`,
    Email: `${account.id}@example.com`,
    Name: account.name,
    State: account.state ?? 'ACTIVE',
    JoinedMethod: 'CREATED',
    JoinedTimestamp: 1_700_000_000,
  });
  const parentOf = (account: StandInAccount) => account.parentId ?? state.rootId;
  const checkParent = (parentId: unknown): string => {
    if (typeof parentId !== 'string' || (parentId !== state.rootId && !state.units.has(parentId))) {
      throw new StandInError(
        'ParentNotFoundException',
        "We can't find a root or OU with the ParentId that you specified.",
        404,
      );
    }
    return parentId;
  };
  switch (operation) {
    case 'ListAccounts':
      return page(state, [...state.accounts.values()].map(accountShape), input, 'Accounts');
    case 'ListAccountsForParent': {
      const parent = checkParent(input.ParentId);
      const accounts = [...state.accounts.values()].filter((account) => parentOf(account) === parent);
      return page(state, accounts.map(accountShape), input, 'Accounts');
    }
    case 'ListOrganizationalUnitsForParent': {
      const parent = checkParent(input.ParentId);
      const units = [...state.units.values()]
        .filter((unit) => unit.parentId === parent)
        .map((unit) => ({
          Id: unit.id,
          Name: unit.name,
          Arn: `arn:aws:organizations::000000000000:ou/o-standin/${unit.id}`,
        }));
      return page(state, units, input, 'OrganizationalUnits');
    }
    case 'ListRoots':
      return {
        Roots: [
          {
            Id: state.rootId,
            Name: 'Root',
            Arn: `arn:aws:organizations::000000000000:root/o-standin/${state.rootId}`,
            PolicyTypes: [],
          },
        ],
      };
    case 'DescribeAccount': {
      const account = state.accounts.get(String(input.AccountId));
      if (!account)
        throw new StandInError(
          'AccountNotFoundException',
          "You specified an account that doesn't exist.",
          404,
        );
      return { Account: accountShape(account) };
    }
    default:
      throw new StandInError('UnknownOperationException', `The stand-in does not implement ${operation}`);
  }
}

/** One page of a listing: the token is the offset of the next item. */
function page(state: State, items: unknown[], input: Record<string, unknown>, member: string): unknown {
  const size = Math.min(
    state.pageSize,
    typeof input.MaxResults === 'number' ? input.MaxResults : state.pageSize,
  );
  const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw new StandInError('InvalidInputException', 'The NextToken is not valid.');
  const next = start + size;
  return { [member]: items.slice(start, next), ...(next < items.length ? { NextToken: String(next) } : {}) };
}

function parseJson(body: string): Record<string, unknown> {
  if (body === '') return {};
  const parsed: unknown = JSON.parse(body);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, 'application/x-amz-json-1.1', JSON.stringify(body));
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
