/**
 * Event-loop delay during one operation in a benchmark child process, two ways:
 *
 * - `maxMs` / `p99Ms`: `perf_hooks.monitorEventLoopDelay` with a 1 ms timer. Node records
 *   the whole time between two ticks of that timer (≥ 1 ms even when idle), so `maxMs` is
 *   the longest the main thread did not get back to its event loop, which is what another
 *   user's update waits at worst. On a shared machine this includes the time the thread
 *   waited for a CPU: with a load average of 10 on 2 cores, gaps of 100–400 ms appear in
 *   any loop, however often it yields.
 * - `cpuMaxMs`: the longest time the main thread itself ran on a CPU between two ticks of a
 *   1 ms timer (Linux: /proc/self/task/<pid>/schedstat, nanoseconds on the CPU), which is
 *   the length of our own longest synchronous stretch whatever the machine's load.
 */
import * as fs from "node:fs";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

export interface LoopDelay {
  /** Longest gap between two 1 ms timer ticks, ms (wall time). */
  maxMs: number;
  /** 99th percentile of those gaps, ms. */
  p99Ms: number;
  /** Longest main-thread CPU time between two ticks, ms (undefined where /proc is not there). */
  cpuMaxMs?: number;
  /** Longest garbage-collection pause on the main thread (perf_hooks "gc" entries), ms. */
  gcMaxMs: number;
}

export interface LoopDelayProbe {
  /** Stops measuring; the figures since the probe started. */
  stop(): Promise<LoopDelay>;
}

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;

/** Nanoseconds the main thread has run on a CPU, or undefined. */
function onCpuNs(): number | undefined {
  try {
    return Number(fs.readFileSync(SCHEDSTAT, "utf8").split(" ")[0]);
  } catch {
    return undefined;
  }
}

export function startLoopDelay(): LoopDelayProbe {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  let gcMax = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMax = Math.max(gcMax, e.duration);
  });
  gc.observe({ entryTypes: ["gc"] });
  let last = onCpuNs();
  let cpuMax = 0;
  const timer =
    last === undefined
      ? undefined
      : setInterval(() => {
          const now = onCpuNs()!;
          cpuMax = Math.max(cpuMax, now - last!);
          last = now;
        }, 1);
  return {
    async stop() {
      // A gap is recorded when the timer fires after it: let it fire once more, or an
      // operation that never returned to the loop would record nothing at all.
      await new Promise((resolve) => setTimeout(resolve, 3));
      h.disable();
      gc.disconnect();
      if (timer) clearInterval(timer);
      return { maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, ...(timer ? { cpuMaxMs: cpuMax / 1e6 } : {}), gcMaxMs: gcMax };
    },
  };
}

/** "12.3 / 1.1 (CPU 8.0, GC 4.2)" */
export function formatLoopDelay(d: LoopDelay | undefined): string {
  if (!d) return "";
  const cpu = d.cpuMaxMs === undefined ? "" : `CPU ${d.cpuMaxMs.toFixed(1)}, `;
  return `${d.maxMs.toFixed(1)} / ${d.p99Ms.toFixed(1)} (${cpu}GC ${d.gcMaxMs.toFixed(1)})`;
}

/** Our own longest synchronous stretch: the CPU figure where the platform gives it, the wall-time delay otherwise. */
export function loopStretch(d: LoopDelay): number {
  return d.cpuMaxMs ?? d.maxMs;
}

/** The report lines that explain the Loop / CPU / GC columns, with the load average the cases started at. */
export function loopLegend(loads: readonly number[]): string[] {
  return [
    "Loop = event-loop delay during the run (`monitorEventLoopDelay`, 1 ms resolution): the longest time the main thread",
    "did not get back to its event loop and the 99th percentile of those gaps, wall time, which includes waiting for a CPU",
    "on this shared machine; CPU = the longest time the main thread itself ran between two turns of its loop (Linux",
    "schedstat): our own longest synchronous stretch, what the 50 ms goal is checked on; GC = the longest garbage-collection",
    'pause in the run (perf_hooks "gc" entries), part of that stretch when it is the longest.',
    `1-minute load average at the start of the cases ${loads.length ? `${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}` : "not recorded"}.`,
  ];
}
