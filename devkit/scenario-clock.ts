// The local mode's time. A scenario scripts hours of lifecycles (a store-image task still for over an
// hour, progress observed minutes apart for an estimate) that the demo plays in seconds, one tick
// per cycle. The scenario clock makes each cycle stand for the scenario's `minutesPerTick`: the
// simulator resolves `$now` against it and the handlers are built on it (the runtime's `now`), so
// the tasks' times, the detection times, the stall rules and the estimates all read one time line.
// Within a cycle it runs at real speed, so that the handlers' waits (a fast re-poll's timer) and
// their deadlines behave as they do on the system clock.

const MINUTE_MS = 60_000;

/** How a scenario clock is set. */
export interface ScenarioClockOptions {
  /** Scenario minutes each cycle (one scenario tick) stands for: a positive number. */
  readonly minutesPerTick: number;
  /**
   * The scenario time the first cycle starts at.
   * @default the system time, down to the whole minute
   */
  readonly start?: Date;
  /**
   * The real clock, in epoch milliseconds.
   * @default Date.now
   */
  readonly realNow?: () => number;
}

/** A clock on the scenario's time line: {@link now} for the handlers and the simulator, {@link advance} per cycle. */
export class ScenarioClock {
  /** Scenario minutes per cycle. */
  readonly minutesPerTick: number;
  private readonly realNow: () => number;
  /** Scenario time (epoch ms) at which the current cycle started. */
  private cycleStartMs: number;
  /** Real time (epoch ms) at which the current cycle started. */
  private realStartMs: number;

  /** @throws {RangeError} naming `minutesPerTick` or `start` when either is not usable. */
  constructor(options: ScenarioClockOptions) {
    const { minutesPerTick } = options;
    if (typeof minutesPerTick !== 'number' || !Number.isFinite(minutesPerTick) || minutesPerTick <= 0) {
      throw new RangeError(`minutesPerTick: expected a positive number, got ${String(minutesPerTick)}`);
    }
    this.minutesPerTick = minutesPerTick;
    this.realNow = options.realNow ?? Date.now;
    this.realStartMs = this.realNow();
    const start = options.start?.getTime() ?? Math.floor(this.realStartMs / MINUTE_MS) * MINUTE_MS;
    if (!Number.isFinite(start)) throw new RangeError('start: expected a valid date');
    this.cycleStartMs = start;
  }

  /** The scenario time: the current cycle's start plus the real time since it began. */
  readonly now = (): Date => new Date(this.cycleStartMs + (this.realNow() - this.realStartMs));

  /** When the current cycle started, in scenario time. */
  get cycleStartedAt(): Date {
    return new Date(this.cycleStartMs);
  }

  /**
   * Starts the next cycle, `minutesPerTick` after the last one started; never before a time the
   * clock already gave (a cycle that took longer than its minutes in real time ends later).
   * @returns the new cycle's start, in scenario time
   */
  advance(): Date {
    const next = this.cycleStartMs + this.minutesPerTick * MINUTE_MS;
    const read = this.now().getTime();
    this.cycleStartMs = Math.max(next, read);
    this.realStartMs = this.realNow();
    return this.cycleStartedAt;
  }
}

/** A scenario time as the local mode shows it: `10:40 UTC`. */
export function scenarioTimeLabel(time: Date): string {
  return `${time.toISOString().slice(11, 16)} UTC`;
}
