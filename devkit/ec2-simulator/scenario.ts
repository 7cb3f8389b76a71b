// Why: demos and end-to-end tests need tasks that move through their real lifecycles on cue; a
// scenario scripts each task as a list of patches that tick() applies one step at a time.
import type { Shape, StructureShape } from './shapes';
import { assertRegion, type TaskStore } from './store';
import { isTaskTypeName, specOfType, type SdkTask, type TaskTypeName } from './task-types';
import { NOW_EXPRESSION, TaskShapeError, validateAgainstShape } from './task-validation';

/**
 * One step of a scripted task: a patch over the previous step (the first step is the whole
 * task), optionally held for `$hold` ticks; or `{ "$remove": true }`, which removes the task.
 * Time members accept `$now`, `$now-90s`, `$now+5m` (s, m, h, d), resolved when the step is applied.
 */
export type ScenarioStep = { readonly $remove?: true; readonly $hold?: number } & Readonly<
  Record<string, unknown>
>;

/** One scripted task. */
export interface ScenarioTask {
  readonly region: string;
  readonly taskType: TaskTypeName;
  /** What the task is for, for humans. */
  readonly description?: string;
  readonly steps: readonly ScenarioStep[];
  /** Tick at which the task appears (its first step); 0 when absent. */
  readonly startAtTick?: number;
}

/** A scripted set of task lifecycles. */
export interface Scenario {
  readonly description?: string;
  /**
   * Minutes of the scenario's time each tick stands for: the local mode's scenario clock moves by
   * this much per cycle (see devkit/scenario-clock.ts), so holds can be read as durations.
   * @default 1 (the local mode's reading); the simulator alone resolves `$now` on its own clock
   */
  readonly minutesPerTick?: number;
  readonly tasks: readonly ScenarioTask[];
}

/** Minutes per tick of a scenario that does not say. */
export const DEFAULT_MINUTES_PER_TICK = 1;

/** The longest a tick may stand for: a day. */
const MAX_MINUTES_PER_TICK = 1440;

/** A scenario that does not validate; `path` names the bad field, e.g. `tasks[2].steps[1].StatusMessage`. */
export class ScenarioError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`Invalid scenario: ${path}: ${problem}`);
    this.name = 'ScenarioError';
  }
}

const SCENARIO_KEYS = new Set(['description', 'minutesPerTick', 'tasks']);
const TASK_KEYS = new Set(['region', 'taskType', 'description', 'steps', 'startAtTick']);

/**
 * Validates a parsed JSON scenario.
 * @throws {ScenarioError} naming the path of the first bad field.
 */
export function parseScenario(input: unknown): Scenario {
  if (!isObject(input)) throw new ScenarioError('(root)', 'expected an object with a tasks array');
  for (const key of Object.keys(input)) {
    if (!SCENARIO_KEYS.has(key))
      throw new ScenarioError(key, `unknown field; expected ${[...SCENARIO_KEYS].join(', ')}`);
  }
  if (input.description !== undefined && typeof input.description !== 'string') {
    throw new ScenarioError('description', 'expected a string');
  }
  const { minutesPerTick } = input;
  if (
    minutesPerTick !== undefined &&
    !(
      typeof minutesPerTick === 'number' &&
      Number.isFinite(minutesPerTick) &&
      minutesPerTick > 0 &&
      minutesPerTick <= MAX_MINUTES_PER_TICK
    )
  ) {
    throw new ScenarioError(
      'minutesPerTick',
      `expected a number of minutes greater than 0 and at most ${MAX_MINUTES_PER_TICK}, got ${JSON.stringify(minutesPerTick)}`,
    );
  }
  if (!Array.isArray(input.tasks)) throw new ScenarioError('tasks', 'expected an array');
  const seen = new Map<string, string>();
  input.tasks.forEach((task, index) => {
    const path = `tasks[${index}]`;
    checkTask(task, path);
    const key = scriptedKey(task as ScenarioTask);
    const other = seen.get(key);
    if (other)
      throw new ScenarioError(
        `${path}.steps[0]`,
        `same task id as ${other} in the same Region and task type`,
      );
    seen.set(key, path);
  });
  return input as unknown as Scenario;
}

function checkTask(task: unknown, path: string): asserts task is ScenarioTask {
  if (!isObject(task)) throw new ScenarioError(path, 'expected an object');
  for (const key of Object.keys(task)) {
    if (!TASK_KEYS.has(key))
      throw new ScenarioError(`${path}.${key}`, `unknown field; expected ${[...TASK_KEYS].join(', ')}`);
  }
  try {
    assertRegion(task.region, `${path}.region`);
  } catch (error) {
    throw asScenarioError(error);
  }
  if (!isTaskTypeName(task.taskType)) {
    throw new ScenarioError(
      `${path}.taskType`,
      `expected a task type name, got ${JSON.stringify(task.taskType)}`,
    );
  }
  if (task.description !== undefined && typeof task.description !== 'string') {
    throw new ScenarioError(`${path}.description`, 'expected a string');
  }
  if (
    task.startAtTick !== undefined &&
    !(Number.isInteger(task.startAtTick) && (task.startAtTick as number) >= 0)
  ) {
    throw new ScenarioError(`${path}.startAtTick`, 'expected a non-negative integer');
  }
  if (!Array.isArray(task.steps) || task.steps.length === 0) {
    throw new ScenarioError(`${path}.steps`, 'expected a non-empty array of steps');
  }
  const spec = specOfType(task.taskType);
  const steps: readonly unknown[] = task.steps;
  steps.forEach((step, index) => {
    const stepPath = `${path}.steps[${index}]`;
    if (!isObject(step)) throw new ScenarioError(stepPath, 'expected an object');
    const { $remove, $hold, ...patch } = step;
    for (const key of Object.keys(patch)) {
      if (key.startsWith('$'))
        throw new ScenarioError(`${stepPath}.${key}`, 'unknown directive; expected $remove or $hold');
    }
    if ($remove !== undefined) {
      if ($remove !== true) throw new ScenarioError(`${stepPath}.$remove`, 'expected true');
      if (Object.keys(step).length !== 1)
        throw new ScenarioError(stepPath, '$remove must be alone in its step');
      if (index !== steps.length - 1) throw new ScenarioError(stepPath, '$remove must be the last step');
      if (index === 0) throw new ScenarioError(stepPath, 'the first step must be the whole task');
    }
    if ($hold !== undefined && !(Number.isInteger($hold) && ($hold as number) >= 1)) {
      throw new ScenarioError(
        `${stepPath}.$hold`,
        'expected a positive integer (ticks to stay on this step)',
      );
    }
    try {
      validateAgainstShape(patch, spec.itemShape, stepPath, { allowNow: true });
    } catch (error) {
      throw asScenarioError(error);
    }
    for (const member of spec.idMembers) {
      const value = patch[member];
      if (index === 0 && (typeof value !== 'string' || value === '')) {
        throw new ScenarioError(
          `${stepPath}.${member}`,
          `the first step must set the task's id (${spec.idMembers.join(', ')})`,
        );
      }
      if (index > 0 && value !== undefined) {
        throw new ScenarioError(`${stepPath}.${member}`, 'a later step cannot change the task id');
      }
    }
  });
}

function scriptedKey(task: ScenarioTask): string {
  const first = task.steps[0] as ScenarioStep;
  const id = specOfType(task.taskType)
    .idMembers.map((member) => String(first[member]))
    .join('@');
  return `${task.region}/${task.taskType}/${id}`;
}

interface Script {
  readonly task: ScenarioTask;
  /** Step index shown at each local tick (a held step repeats). */
  readonly frames: readonly number[];
  /** Last step applied, -1 before the task appears. */
  applied: number;
  state: SdkTask;
  id: string | undefined;
}

/** Plays a scenario into a task store, one tick at a time. */
export class ScenarioRunner {
  private readonly scripts: Script[];
  private currentTick = 0;

  /**
   * @param scenario a scenario validated by {@link parseScenario}.
   * @param store where the scripted tasks are written.
   * @param now the clock `$now` resolves against.
   */
  constructor(
    scenario: Scenario,
    private readonly store: TaskStore,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.scripts = scenario.tasks.map((task) => ({
      task,
      frames: task.steps.flatMap((step, index) => Array<number>(step.$hold ?? 1).fill(index)),
      applied: -1,
      state: {},
      id: undefined,
    }));
  }

  /** The current tick (0 after loading). */
  get tick(): number {
    return this.currentTick;
  }

  /** True once every scripted task has reached its last step. */
  get finished(): boolean {
    return this.scripts.every(
      (script) => this.currentTick >= (script.task.startAtTick ?? 0) + script.frames.length - 1,
    );
  }

  /** Applies tick 0: every task with startAtTick 0 appears with its first step. */
  start(): void {
    this.apply();
  }

  /** Advances one tick and applies every step that falls due; returns the new tick. */
  advance(): number {
    this.currentTick += 1;
    this.apply();
    return this.currentTick;
  }

  private apply(): void {
    for (const script of this.scripts) {
      const local = this.currentTick - (script.task.startAtTick ?? 0);
      if (local < 0) continue;
      const due = script.frames[Math.min(local, script.frames.length - 1)] as number;
      while (script.applied < due) {
        script.applied += 1;
        this.applyStep(script, script.task.steps[script.applied] as ScenarioStep);
      }
    }
  }

  private applyStep(script: Script, step: ScenarioStep): void {
    const { region, taskType } = script.task;
    if (step.$remove) {
      if (script.id !== undefined) this.store.remove(region, taskType, script.id);
      return;
    }
    const { $hold: _hold, ...patch } = step;
    if (Object.keys(patch).length === 0 && script.id !== undefined) return;
    const resolved = resolveNow(patch, specOfType(taskType).itemShape, this.now()) as SdkTask;
    script.state = { ...script.state, ...resolved };
    script.id = this.store.put(region, taskType, script.state);
  }
}

/** Replaces `$now…` expressions in time members with times relative to `now`, in the member's format. */
function resolveNow(value: unknown, shape: Shape | StructureShape, now: Date): unknown {
  if (value === null || value === undefined) return value;
  if (typeof shape === 'string') {
    return shape === 'timestamp' && typeof value === 'string' ? nowTime(value, now, 'iso-ms') : value;
  }
  switch (shape.kind) {
    case 'timeString':
      return typeof value === 'string' ? nowTime(value, now, shape.format) : value;
    case 'list':
      return (value as unknown[]).map((item) => resolveNow(item, shape.member, now));
    case 'structure':
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([key, member]) => [
          key,
          resolveNow(member, (shape.members[key] as readonly [string, Shape])[1], now),
        ]),
      );
  }
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function nowTime(text: string, now: Date, format: 'iso-ms' | 'iso' | 'space'): string {
  const match = NOW_EXPRESSION.exec(text);
  if (!match) return text;
  const [, sign, amount, unit] = match;
  const offset = sign ? (sign === '-' ? -1 : 1) * Number(amount) * (UNIT_MS[unit as string] as number) : 0;
  const iso = new Date(now.getTime() + offset).toISOString();
  if (format === 'iso-ms') return iso;
  if (format === 'iso') return iso.replace(/\.\d{3}Z$/, 'Z');
  // replace-root-volume's documented form: "2020-11-06 13:09:54.0"
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 21)}`;
}

function asScenarioError(error: unknown): unknown {
  return error instanceof TaskShapeError ? new ScenarioError(error.path, error.problem) : error;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
