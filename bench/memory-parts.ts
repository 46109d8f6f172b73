/**
 * What a peak of RSS is made of: `process.memoryUsage()` sampled every 5 ms on the main
 * thread during one operation (the operation yields to the event loop, so the samples come),
 * keeping the sample with the highest RSS, minus the same figures at the baseline.
 * heapTotal is V8's heap (the young generation's semi-spaces included), arrayBuffers the
 * Buffers outside it (file bytes, zlib output, driver I/O buffers); the rest of RSS is
 * native memory (zlib state, the allocator's free lists) and code.
 */
export interface MemoryParts {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  arrayBuffers: number;
  /** external without arrayBuffers (strings outside the heap, native objects). */
  otherExternal: number;
}

export interface MemoryPartsProbe {
  /** Stops sampling; the parts at the highest sampled RSS, minus those at the start. */
  stop(): MemoryParts;
}

function sample(): MemoryParts {
  const m = process.memoryUsage();
  return { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, otherExternal: m.external - m.arrayBuffers };
}

export function startMemoryParts(): MemoryPartsProbe {
  const base = sample();
  let peak = base;
  const timer = setInterval(() => {
    const now = sample();
    if (now.rss > peak.rss) peak = now;
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      const now = sample();
      if (now.rss > peak.rss) peak = now;
      return {
        rss: peak.rss - base.rss,
        heapTotal: peak.heapTotal - base.heapTotal,
        heapUsed: peak.heapUsed - base.heapUsed,
        arrayBuffers: peak.arrayBuffers - base.arrayBuffers,
        otherExternal: peak.otherExternal - base.otherExternal,
      };
    },
  };
}

/** "heap +1.9 (used +0.4), buffers +18.5, other native +13.1 MB" of a peak's growth. */
export function formatMemoryParts(p: MemoryParts | undefined): string {
  if (!p) return "";
  const mb = (n: number) => `${n >= 0 ? "+" : ""}${(n / 1e6).toFixed(1)}`;
  const native = p.rss - p.heapTotal - p.arrayBuffers - p.otherExternal;
  return `at the sampled peak (${mb(p.rss)} MB): V8 heap ${mb(p.heapTotal)} (used ${mb(p.heapUsed)}), Buffers ${mb(p.arrayBuffers)}, other native ${mb(native)} MB`;
}
