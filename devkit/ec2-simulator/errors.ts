// Why: an EC2 error is a code plus the HTTP status EC2 pairs it with; the SDK classifies
// (throttling, retryable, client fault) from both, so the simulator must get the pair right.

/** Error codes the simulator produces itself or is commonly asked to inject. Others are allowed. */
export type Ec2ErrorCode =
  | 'RequestLimitExceeded'
  | 'UnauthorizedOperation'
  | 'AuthFailure'
  | 'OptInRequired'
  | 'Blocked'
  | 'InvalidNextToken'
  | 'InvalidPaginationToken'
  | 'InvalidParameterValue'
  | 'InvalidParameterCombination'
  | 'InvalidFilter'
  | 'MissingParameter'
  | 'UnknownParameter'
  | 'InvalidAction'
  | 'MissingAction'
  | 'DryRunOperation'
  | 'InternalError'
  | 'InternalFailure'
  | 'Unavailable'
  | 'ServiceUnavailable';

/** The HTTP status EC2 answers each code with. A code not listed here is a 400 client error. */
export const STATUS_BY_CODE: Readonly<Record<Ec2ErrorCode, number>> = {
  RequestLimitExceeded: 503,
  UnauthorizedOperation: 403,
  AuthFailure: 401,
  OptInRequired: 401,
  Blocked: 403,
  InvalidNextToken: 400,
  InvalidPaginationToken: 400,
  InvalidParameterValue: 400,
  InvalidParameterCombination: 400,
  InvalidFilter: 400,
  MissingParameter: 400,
  UnknownParameter: 400,
  InvalidAction: 400,
  MissingAction: 400,
  DryRunOperation: 412,
  InternalError: 500,
  InternalFailure: 500,
  Unavailable: 503,
  ServiceUnavailable: 503,
};

const DEFAULT_MESSAGES: Readonly<Partial<Record<string, (api: string) => string>>> = {
  RequestLimitExceeded: () => 'Request limit exceeded.',
  UnauthorizedOperation: (api) =>
    `You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/simulator ` +
    `is not authorized to perform: ec2:${api} because no identity-based policy allows the ec2:${api} action`,
  AuthFailure: () => 'AWS was not able to validate the provided access credentials',
  OptInRequired: () =>
    'You are not subscribed to this service. Please go to http://aws.amazon.com to subscribe.',
  Blocked: () => 'The account is currently blocked.',
  InvalidNextToken: () => 'The token provided is invalid.',
  InvalidPaginationToken: () => 'The pagination token provided is invalid.',
  DryRunOperation: () => 'Request would have succeeded, but DryRun flag is set.',
  InternalError: () => 'An internal error has occurred',
  InternalFailure: () =>
    'The request processing has failed because of an unknown error, exception or failure.',
  Unavailable: () => "The server is overloaded and can't handle the request.",
  ServiceUnavailable: () => 'The request has failed due to a temporary failure of the server.',
};

/** An error answered in EC2's `<Response><Errors>` envelope. */
export class Ec2Error extends Error {
  /**
   * @param code EC2 error code, e.g. `InvalidParameterValue`.
   * @param message Human text; defaults to EC2's usual text for the code.
   * @param status HTTP status; defaults to the status EC2 uses for the code (400 for unknown codes).
   */
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = statusOf(code),
  ) {
    super(message);
    this.name = 'Ec2Error';
  }
}

/** The HTTP status EC2 uses for a code (400 when the code is not one the simulator knows). */
export function statusOf(code: string): number {
  return Object.hasOwn(STATUS_BY_CODE, code) ? STATUS_BY_CODE[code as Ec2ErrorCode] : 400;
}

/** EC2's usual message for a code, for the given API; a generic text when the code is unknown. */
export function defaultMessageOf(code: string, api: string): string {
  const make = DEFAULT_MESSAGES[code];
  return make ? make(api) : `Simulated ${code} for ${api}.`;
}
