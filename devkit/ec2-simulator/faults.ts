// Why: a poller must survive throttling, denied permissions, disabled Regions and a listing that
// fails half way; faults let tests make EC2 fail exactly where and how often they need.
import { defaultMessageOf, Ec2Error, statusOf } from './errors';
import { assertRegion } from './store';
import { isApiName, type ApiName } from './task-types';

/**
 * What a matching call gets: an EC2 error (`error`, the default); no answer at all, the connection
 * accepted and left open (`hang`, an endpoint that never answers); or its own page again with the
 * NextToken it was sent (`repeat-token`, a listing that would loop forever).
 */
export type FaultEffect = 'error' | 'hang' | 'repeat-token';

/** A failure to inject into EC2 calls. */
export interface FaultSpec {
  /** The API to fail, or `*` for all nine. */
  readonly api: ApiName | '*';
  /** Only calls signed for this Region; every Region when absent. */
  readonly region?: string;
  /** What the call gets. @default 'error' */
  readonly effect?: FaultEffect;
  /** EC2 error code, e.g. `RequestLimitExceeded`, `UnauthorizedOperation`, `OptInRequired`; for the `error` effect only. */
  readonly code?: string;
  /** Error message; EC2's usual text for the code when absent. */
  readonly message?: string;
  /** HTTP status; the status EC2 uses for the code when absent (400 for codes the simulator does not know). */
  readonly status?: number;
  /** How many matching calls fail before the fault clears itself; forever when absent. */
  readonly times?: number;
  /** Fail only this 1-based page of a listing (page 1 has no NextToken; page N carries the token of page N-1). */
  readonly page?: number;
}

/** A fault as currently armed. */
export interface ActiveFault extends FaultSpec {
  readonly id: string;
  /** Calls still to fail; undefined for a permanent fault. */
  readonly remaining: number | undefined;
  /** Calls failed so far. */
  readonly hits: number;
}

interface MutableFault extends FaultSpec {
  id: string;
  remaining: number | undefined;
  hits: number;
}

/** Holds armed faults and decides whether a call fails. */
export class FaultInjector {
  private faults: MutableFault[] = [];
  private nextId = 1;

  /**
   * Arms a fault.
   * @returns the fault's id (for {@link remove}).
   * @throws {TypeError} naming the bad field.
   */
  add(spec: FaultSpec): string {
    checkSpec(spec);
    const id = `fault-${this.nextId++}`;
    this.faults.push({ ...spec, id, remaining: spec.times, hits: 0 });
    return id;
  }

  /** Disarms one fault; returns whether it was armed. */
  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    return this.faults.length !== before;
  }

  /** Disarms every fault. */
  clear(): void {
    this.faults = [];
  }

  /** The armed faults, oldest first. */
  list(): ActiveFault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  /**
   * What a call gets instead of its normal answer: an error to fail with, `hang` or
   * `repeat-token`; undefined for a normal answer. The first armed fault that matches wins and
   * counts the call; a fault whose `times` are used up is disarmed.
   * @param page the call's page number, undefined when its NextToken is not valid.
   */
  match(
    api: ApiName,
    region: string,
    page: number | undefined,
  ): Ec2Error | 'hang' | 'repeat-token' | undefined {
    const fault = this.faults.find(
      (candidate) =>
        (candidate.api === '*' || candidate.api === api) &&
        (candidate.region === undefined || candidate.region === region) &&
        (candidate.page === undefined || candidate.page === page),
    );
    if (!fault) return undefined;
    fault.hits += 1;
    if (fault.remaining !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.remove(fault.id);
    }
    if (fault.effect === 'hang' || fault.effect === 'repeat-token') return fault.effect;
    const code = fault.code as string;
    return new Ec2Error(code, fault.message ?? defaultMessageOf(code, api), fault.status ?? statusOf(code));
  }
}

function checkSpec(spec: FaultSpec): void {
  if (typeof spec !== 'object' || spec === null) throw new TypeError('fault: expected an object');
  if (spec.api !== '*' && !isApiName(spec.api)) {
    throw new TypeError(
      `fault.api: expected '*' or one of the nine Describe*Tasks APIs, got ${JSON.stringify(spec.api)}`,
    );
  }
  if (spec.region !== undefined) assertRegion(spec.region, 'fault.region');
  const effect = spec.effect ?? 'error';
  if (!['error', 'hang', 'repeat-token'].includes(effect)) {
    throw new TypeError(
      `fault.effect: expected 'error', 'hang' or 'repeat-token', got ${JSON.stringify(spec.effect)}`,
    );
  }
  if (effect !== 'error') {
    if (spec.code !== undefined || spec.message !== undefined || spec.status !== undefined) {
      throw new TypeError(`fault.code, message and status: only for the 'error' effect, not '${effect}'`);
    }
  } else if (typeof spec.code !== 'string' || !/^[A-Za-z][A-Za-z0-9.]*$/.test(spec.code)) {
    throw new TypeError(
      `fault.code: expected an EC2 error code like 'RequestLimitExceeded', got ${JSON.stringify(spec.code)}`,
    );
  }
  if (spec.message !== undefined && typeof spec.message !== 'string')
    throw new TypeError('fault.message: expected a string');
  if (
    spec.status !== undefined &&
    !(Number.isInteger(spec.status) && spec.status >= 400 && spec.status <= 599)
  ) {
    throw new TypeError(
      `fault.status: expected an HTTP error status 400–599, got ${JSON.stringify(spec.status)}`,
    );
  }
  for (const key of ['times', 'page'] as const) {
    const value = spec[key];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new TypeError(`fault.${key}: expected a positive integer, got ${JSON.stringify(value)}`);
    }
  }
}
