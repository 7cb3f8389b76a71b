// The one seam through which the functions read the time. Lambda runs every handler on the system
// clock; the in-process runtime (runtime/) may build a handler on another clock, so that what the
// functions write and judge by the time (detection times, stalls, estimates, quota limits' cache,
// leases) follows it. The functions never learn where a clock comes from.

/** What a function's handler is built with besides its environment. */
export interface HandlerOptions {
  /**
   * The clock every time the handler reads comes from.
   * @default the system clock
   */
  readonly now?: () => Date;
}

/** The system clock: the time Lambda's handlers read. */
export function systemClock(): Date {
  return new Date();
}
