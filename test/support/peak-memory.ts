// The benchmarks' peak memory: the process's RSS and heap sampled every few milliseconds, and
// on demand after each measured phase.

/** A running sampler of the peak RSS and heap, in bytes. */
export interface PeakMemory {
  readonly rss: number;
  readonly heap: number;
  /** Samples now (after a phase, so that its end counts). */
  sample(): void;
  /** Starts the peaks again from the current usage. */
  reset(): void;
  stop(): void;
}

/** Starts sampling the process's memory every `intervalMs`. */
export function samplePeakMemory(intervalMs = 25): PeakMemory {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
  };
  const timer = setInterval(sample, intervalMs);
  return {
    get rss() {
      return rss;
    },
    get heap() {
      return heap;
    },
    sample,
    reset() {
      rss = 0;
      heap = 0;
      sample();
    },
    stop: () => clearInterval(timer),
  };
}
