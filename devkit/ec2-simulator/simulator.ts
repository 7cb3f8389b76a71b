// Why: one object ties the store, the faults, the scenario player and the HTTP server together,
// so a test, the CLI and the control API all drive the same simulated EC2.
import { handleControl } from './control-api';
import { describeTasks } from './describe';
import { Ec2Error } from './errors';
import { FaultInjector, type ActiveFault, type FaultSpec } from './faults';
import { PageTokens } from './pagination';
import type { QueryParams } from './query';
import { parseScenario, type Scenario, ScenarioRunner } from './scenario';
import type { LoopbackServer } from '../loopback-server';
import { startServer, type Ec2Answer } from './server';
import { TaskStore, type StoredTask } from './store';
import { escapeXml } from './xml';
import { accountOfAccessKey } from '../stand-ins/organization-stand-in';
import {
  isApiName,
  specOfApi,
  specOfType,
  type ApiName,
  type SdkTask,
  type TaskTypeName,
} from './task-types';

/** Options of {@link startEc2Simulator}. */
export interface Ec2SimulatorOptions {
  /** Port to listen on. @default 0 (a free port) */
  readonly port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /**
   * Largest page returned per paginated API, whatever MaxResults asks (EC2 may return fewer);
   * lets tests force several pages. @default each API's maximum
   */
  readonly pageSizeCap?: Readonly<Partial<Record<ApiName, number>>>;
}

/** One EC2 call as the simulator saw it. */
export interface RequestLogEntry {
  /** The Action parameter (an API name, or whatever unknown action was sent). */
  readonly api: string;
  readonly region: string;
  /** Every parameter sent, e.g. `{ Action, Version, MaxResults: '200', 'Filter.1.Name': 'task-state', ... }`. */
  readonly params: Readonly<Record<string, string>>;
  /** HTTP status; 0 for a call left without an answer (a `hang` fault). */
  readonly status: number;
  /** The EC2 error code when the call failed; `NoAnswer` for a call left without an answer. */
  readonly errorCode?: string;
  readonly requestId: string;
}

/** A running EC2 simulator. Create it with {@link startEc2Simulator}. */
export class Ec2Simulator {
  private readonly store = new TaskStore();
  /** Each member account's tasks, by account id (organization mode); `store` holds the deployment account's. */
  private readonly accountStores = new Map<string, TaskStore>();
  /** `account/region` pairs whose Region the account has not enabled. */
  private readonly disabledRegions = new Set<string>();
  private readonly faultInjector = new FaultInjector();
  private readonly tokens = new PageTokens();
  private readonly log: RequestLogEntry[] = [];
  private scenario: Scenario = { tasks: [] };
  private runner = new ScenarioRunner(this.scenario, this.store);
  private server: LoopbackServer | undefined;
  private ticker: NodeJS.Timeout | undefined;

  /** @internal use {@link startEc2Simulator}. */
  constructor(private readonly pageSizeCap: Readonly<Partial<Record<ApiName, number>>>) {
    for (const [api, cap] of Object.entries(pageSizeCap)) {
      const spec = specOfApi(api);
      if (!spec?.pagination) throw new TypeError(`pageSizeCap.${api}: not a paginated task API`);
      if (!Number.isInteger(cap) || (cap as number) < 1)
        throw new TypeError(`pageSizeCap.${api}: expected a positive integer`);
    }
  }

  /** Base URL to point the SDK at (`endpoint` or AWS_ENDPOINT_URL_EC2), e.g. `http://127.0.0.1:4567`. */
  get url(): string {
    if (!this.server) throw new Error('The simulator is not listening');
    return this.server.url;
  }

  /** Every EC2 call so far, oldest first (not control API calls). Cleared by {@link reset}. */
  get requests(): readonly RequestLogEntry[] {
    return this.log;
  }

  /** Forgets the logged calls. */
  clearRequests(): void {
    this.log.length = 0;
  }

  /**
   * Stores a task (the SDK output shape: PascalCase members; timestamps as Date or ISO string),
   * replacing any task with the same id.
   * @returns the task's id (store-image: `${AmiId}@${ISO TaskStartTime}`).
   * @throws {TaskShapeError} naming the bad member when the task does not fit its API's shape.
   */
  putTask(region: string, taskType: TaskTypeName, task: SdkTask, account?: string): string {
    return this.storeOf(account).put(region, taskType, task);
  }

  /**
   * Shallow-merges a patch into a stored task (nested objects are replaced; null removes a member).
   * @returns the updated task.
   * @throws {TaskNotFoundError} when the task is absent.
   */
  updateTask(region: string, taskType: TaskTypeName, id: string, patch: SdkTask, account?: string): SdkTask {
    return this.storeOf(account).update(region, taskType, id, patch);
  }

  /** Removes a task: it ages out of its listing. Returns whether it was there. */
  removeTask(region: string, taskType: TaskTypeName, id: string, account?: string): boolean {
    specOfType(taskType);
    return this.storeOf(account).remove(region, taskType, id);
  }

  /**
   * Makes a Region not enabled in a member account: its calls there fail with AuthFailure, as
   * EC2 answers credentials used in an opt-in Region the account has not enabled.
   */
  disableRegion(account: string, region: string): void {
    this.disabledRegions.add(`${account}/${region}`);
  }

  /**
   * The tasks of an account: a member account's (organization mode: the account the EC2 call's
   * credentials were issued for by the STS stand-in, read from their access key id), or, with
   * none, the deployment account's, which every other credential reaches.
   */
  private storeOf(account: string | undefined): TaskStore {
    if (account === undefined) return this.store;
    let store = this.accountStores.get(account);
    if (!store) this.accountStores.set(account, (store = new TaskStore()));
    return store;
  }

  /** Copies of the stored tasks, optionally of one Region and/or task type. */
  listTasks(region?: string, taskType?: TaskTypeName, account?: string): StoredTask[] {
    if (taskType !== undefined) specOfType(taskType);
    return this.storeOf(account).list(region, taskType);
  }

  /**
   * Makes matching EC2 calls fail.
   * @returns the fault's id, for {@link removeFault}.
   * @throws {TypeError} naming the bad field.
   */
  injectFault(fault: FaultSpec): string {
    return this.faultInjector.add(fault);
  }

  /** Disarms one fault; returns whether it was armed. */
  removeFault(id: string): boolean {
    return this.faultInjector.remove(id);
  }

  /** Disarms every fault. */
  clearFaults(): void {
    this.faultInjector.clear();
  }

  /** The armed faults. */
  get faults(): ActiveFault[] {
    return this.faultInjector.list();
  }

  /**
   * Validates and loads a scenario: removes every stored task, restarts at tick 0 and applies the
   * first step of each task that starts at tick 0. Faults and the request log are kept.
   * @param options `now`: the clock `$now` resolves against (default: the system clock; the local
   * mode gives its scenario clock)
   * @throws {ScenarioError} naming the path of the bad field; nothing is changed then.
   */
  loadScenario(scenario: unknown, options: { now?: () => Date } = {}): void {
    const parsed = parseScenario(scenario);
    this.store.clear();
    this.scenario = parsed;
    this.runner = new ScenarioRunner(parsed, this.store, options.now);
    this.runner.start();
  }

  /**
   * Ticks on a timer until {@link close} or the returned stop function (for the local demo).
   * @param intervalMs time between ticks.
   * @param options `loop` reloads the scenario once it has finished; `onTick` hears each tick.
   */
  startTicking(
    intervalMs: number,
    options: { loop?: boolean; onTick?: (tick: number) => void } = {},
  ): () => void {
    if (!(Number.isFinite(intervalMs) && intervalMs > 0))
      throw new TypeError('intervalMs: expected a positive number');
    this.stopTicking();
    const timer = setInterval(() => {
      if (options.loop && this.runner.finished) this.loadScenario(this.scenario);
      else this.tick();
      options.onTick?.(this.runner.tick);
    }, intervalMs);
    this.ticker = timer;
    return () => {
      if (this.ticker === timer) this.stopTicking();
    };
  }

  /** Advances every scripted task one step (a task at its last step stays); returns the new tick. */
  tick(): number {
    return this.runner.advance();
  }

  /** The scenario's current tick (0 after loading). */
  get currentTick(): number {
    return this.runner.tick;
  }

  /** True when every scripted task has reached its last step (always true without a scenario). */
  get scenarioFinished(): boolean {
    return this.runner.finished;
  }

  /** Back to a fresh simulator: no tasks, faults, scenario or logged calls (a running ticker keeps ticking). */
  reset(): void {
    this.store.clear();
    this.accountStores.clear();
    this.disabledRegions.clear();
    this.faultInjector.clear();
    this.log.length = 0;
    this.scenario = { tasks: [] };
    this.runner = new ScenarioRunner(this.scenario, this.store);
  }

  /** Stops ticking, stops listening and closes every open connection. Safe to call twice. */
  async close(): Promise<void> {
    this.stopTicking();
    await this.server?.close();
  }

  private stopTicking(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** @internal starts the HTTP server; used by {@link startEc2Simulator}. */
  async listen(host: string, port: number): Promise<void> {
    this.server = await startServer(
      {
        ec2: (request) =>
          this.answer(
            request.params,
            request.region,
            request.requestId,
            accountOfAccessKey(request.accessKeyId ?? ''),
          ),
        control: (method, path, query, body) => handleControl(this, method, path, query, body),
      },
      host,
      port,
    );
  }

  private answer(params: QueryParams, region: string, requestId: string, account?: string): Ec2Answer {
    const action = params.Action ?? '';
    let answer: Ec2Answer;
    try {
      if (account !== undefined && this.disabledRegions.has(`${account}/${region}`)) {
        throw new Ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials');
      }
      const described = this.describe(action, params, region, requestId, this.storeOf(account));
      if (described === 'hang') {
        this.log.push({ api: action, region, params, status: 0, errorCode: 'NoAnswer', requestId });
        return 'hang';
      }
      answer = { status: 200, xml: described };
    } catch (error) {
      if (error instanceof Ec2Error) {
        this.log.push({
          api: action,
          region,
          params,
          status: error.status,
          errorCode: error.code,
          requestId,
        });
      }
      throw error;
    }
    this.log.push({ api: action, region, params, status: answer.status, requestId });
    return answer;
  }

  private describe(
    action: string,
    params: QueryParams,
    region: string,
    requestId: string,
    store: TaskStore,
  ): string | 'hang' {
    if (action === '') throw new Ec2Error('MissingAction', 'The request must contain the parameter Action');
    const spec = isApiName(action) ? specOfApi(action) : undefined;
    if (!spec) throw new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`);
    // Faults come first, as throttling and permission checks do at EC2.
    const fault = this.faultInjector.match(spec.api, region, this.tokens.pageOf(params.NextToken));
    if (fault instanceof Ec2Error) throw fault;
    if (fault === 'hang') return 'hang';
    const xml = describeTasks(
      spec,
      region,
      params,
      { store, tokens: this.tokens, pageSizeCap: this.pageSizeCap },
      requestId,
    );
    // The page's NextToken becomes the one the call was sent: a client that follows it forever loops.
    if (fault === 'repeat-token' && params.NextToken) {
      return xml
        .replace(/<nextToken>[^<]*<\/nextToken>/, '')
        .replace(/(<\/[A-Za-z]+Response>)\s*$/, `<nextToken>${escapeXml(params.NextToken)}</nextToken>$1`);
    }
    return xml;
  }
}

/**
 * Starts an EC2 simulator on 127.0.0.1 (a free port unless `port` is given).
 * @example
 * const sim = await startEc2Simulator();
 * const ec2 = new EC2Client({ region: 'us-east-1', endpoint: sim.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
 */
export async function startEc2Simulator(options: Ec2SimulatorOptions = {}): Promise<Ec2Simulator> {
  const simulator = new Ec2Simulator(options.pageSizeCap ?? {});
  await simulator.listen(options.host ?? '127.0.0.1', options.port ?? 0);
  return simulator;
}
