/**
 * Event-loop delay during one operation in a benchmark child process:
 * `perf_hooks.monitorEventLoopDelay` with a 1 ms timer. Node records the whole
 * time between two ticks of that timer (≥ 1 ms even when idle), so `maxMs` is
 * the longest stretch the main thread spent without getting back to its event
 * loop (plus up to 1 ms), which is what another user's update waits at worst.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

export interface LoopDelay {
  /** Longest gap between two 1 ms timer ticks, ms. */
  maxMs: number;
  /** 99th percentile of those gaps, ms. */
  p99Ms: number;
}

export interface LoopDelayProbe {
  /** Stops measuring; the figures since the probe started. */
  stop(): Promise<LoopDelay>;
}

export function startLoopDelay(): LoopDelayProbe {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  return {
    async stop() {
      // A gap is recorded when the timer fires after it: let it fire once more, or an
      // operation that never returned to the loop would record nothing at all.
      await new Promise((resolve) => setTimeout(resolve, 3));
      h.disable();
      return { maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6 };
    },
  };
}

/** "max 12.3 / p99 1.1 ms" */
export function formatLoopDelay(d: LoopDelay | undefined): string {
  return d ? `${d.maxMs.toFixed(1)} / ${d.p99Ms.toFixed(1)}` : "";
}
