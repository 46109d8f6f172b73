/**
 * Peak-RSS measurement for one operation in a benchmark child process.
 *
 * A worker thread samples the process's RSS every 2 ms, so it keeps sampling
 * while the main thread is busy in synchronous deflate loops (timers on the
 * main thread would not fire). `process.resourceUsage().maxRSS` catches any
 * spike between samples: when the kernel's high-water mark rose during the
 * operation, it *is* the operation's peak; otherwise the sampled maximum is.
 */
import { Worker } from "node:worker_threads";

const SAMPLER = `
const { workerData } = require("node:worker_threads");
const ctl = new Int32Array(workerData.ctl);
const peak = new Float64Array(workerData.peak);
for (;;) {
  const state = Atomics.load(ctl, 0);
  if (state === 2) break;
  if (state === 1) {
    const rss = process.memoryUsage.rss();
    if (rss > peak[0]) peak[0] = rss;
  }
  Atomics.wait(ctl, 0, state, state === 1 ? 2 : 100);
}
`;

export interface RssProbe {
  /** RSS now, after a GC: the baseline the growth is measured from. Starts sampling. */
  begin(): number;
  /** Stops sampling; the operation's peak RSS in bytes. */
  end(): number;
  close(): void;
}

const maxRss = () => process.resourceUsage().maxRSS * 1024;

export async function startRssProbe(): Promise<RssProbe> {
  const ctl = new Int32Array(new SharedArrayBuffer(4));
  const peak = new Float64Array(new SharedArrayBuffer(8));
  const worker = new Worker(SAMPLER, { eval: true, workerData: { ctl: ctl.buffer, peak: peak.buffer } });
  await new Promise<void>((resolve, reject) => {
    worker.once("online", () => resolve());
    worker.once("error", reject);
  });
  let highBefore = 0;
  return {
    begin() {
      gc();
      const base = process.memoryUsage.rss();
      highBefore = maxRss();
      peak[0] = base;
      Atomics.store(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      return base;
    },
    end() {
      Atomics.store(ctl, 0, 0);
      Atomics.notify(ctl, 0);
      const high = maxRss();
      return Math.max(peak[0]!, process.memoryUsage.rss(), high > highBefore ? high : 0);
    },
    close() {
      Atomics.store(ctl, 0, 2);
      Atomics.notify(ctl, 0);
      worker.unref();
    },
  };
}

/** `global.gc` when the process runs with --expose-gc (the bench forks its children so). */
function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) {
    collect();
    collect();
  }
}
