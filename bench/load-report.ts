/** `npm run load`'s figures: percentiles, one result per polling mode, the table against the goals. */
import { LIGHT, type ActionKind, type Sample } from "./load-users.js";

export interface LatencyStats {
  count: number;
  lost: number;
  /** Answered with an error or a refusal (not in the percentiles). */
  failed: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface CpuShare {
  bot: number;
  mongo: number;
  driver: number;
}

export interface ModeResult {
  mode: "runner" | "simple";
  windowSeconds: number;
  light: LatencyStats;
  /** The light actions before the heavy users start. */
  quiet: LatencyStats;
  byKind: Map<ActionKind, LatencyStats>;
  lightPerSecond: number;
  actionsPerSecond: number;
  updatesPerSecond: number;
  errors: { replies: number; logLines: number; examples: string[] };
  duplicated: number;
  /** Bot messages beyond what the actions should have produced, and short of it (replies that never came are `lost`). */
  missing: number;
  rss: { atStart: number; peak: number; peakBeforeHeavy: number };
  loop: { p99: number; max: number };
  quietLoop: { p99: number; max: number };
  /** Cores' worth of CPU used per phase (1.0 = one core all the time): the bot, the MongoDB test server, the load script. */
  cpu: { quiet: CpuShare; window: CpuShare };
  mongo: { perKind: Map<ActionKind, number>; total: number; perAction: number };
  heavyCycles: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function latency(samples: Sample[]): LatencyStats {
  const done = samples.filter((s) => s.ms !== undefined && !s.failed).map((s) => s.ms!).sort((a, b) => a - b);
  const lost = samples.filter((s) => s.ms === undefined).length;
  return {
    count: samples.length,
    lost,
    failed: samples.length - lost - done.length,
    p50: percentile(done, 50),
    p95: percentile(done, 95),
    p99: percentile(done, 99),
    max: done.at(-1) ?? Number.NaN,
  };
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export function splitByKind(samples: Sample[]): Map<ActionKind, LatencyStats> {
  const kinds = [...new Set(samples.map((s) => s.kind))];
  return new Map(kinds.map((k) => [k, latency(samples.filter((s) => s.kind === k))]));
}

export function lightOnly(samples: Sample[]): Sample[] {
  return samples.filter((s) => LIGHT.has(s.kind));
}

const ms = (v: number) => (Number.isNaN(v) ? "—" : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const mb = (b: number) => `${Math.round(b / 1e6)} MB`;
const pass = (ok: boolean) => (ok ? "PASS" : "**FAIL**");

/** The goals of issue 11 point 5, checked on each mode. */
export function goals(r: ModeResult): Array<[string, string, boolean]> {
  return [
    ["light p95 ≤ 100 ms (during the heavy jobs)", ms(r.light.p95), r.light.p95 <= 100],
    ["light p99 ≤ 250 ms (during the heavy jobs)", ms(r.light.p99), r.light.p99 <= 250],
    ["event-loop delay max ≤ 100 ms", ms(r.loop.max * 1000), r.loop.max * 1000 <= 100],
    ["zero errors", String(r.errors.replies + r.errors.logLines), r.errors.replies + r.errors.logLines === 0],
    ["zero lost replies (none missing after 120 s)", String(r.light.lost + lostHeavy(r)), r.light.lost + lostHeavy(r) === 0],
    ["zero duplicated replies", String(r.duplicated), r.duplicated === 0],
  ];
}

function lostHeavy(r: ModeResult): number {
  return [...r.byKind].filter(([k]) => !LIGHT.has(k)).reduce((a, [, s]) => a + s.lost, 0);
}

/** Markdown: one column per mode, the runner first. */
export function table(results: ModeResult[]): string {
  const head = `| | ${results.map((r) => (r.mode === "runner" ? "runner (default)" : "`bot.start()` (BOT_RUNNER=simple)")).join(" | ")} |`;
  const rule = `| --- | ${results.map(() => "---:").join(" | ")} |`;
  const row = (label: string, f: (r: ModeResult) => string) => `| ${label} | ${results.map(f).join(" | ")} |`;
  const lines = [head, rule];
  const four = (s: LatencyStats) => `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)} / ${ms(s.max)}`;
  lines.push(row("light actions alone, before the heavy users: n, p50 / p95 / p99 / max", (r) => `${r.quiet.count}, ${four(r.quiet)}`));
  lines.push(row("light actions in the window (count)", (r) => String(r.light.count)));
  lines.push(row("**light p50 / p95 / p99 / max during the heavy jobs**", (r) => four(r.light)));
  const kinds = [...new Set(results.flatMap((r) => [...r.byKind.keys()]))];
  for (const k of kinds) {
    const light = LIGHT.has(k);
    lines.push(
      row(`· ${k}${light ? "" : " (heavy job)"}: n, p50 / p95 / max`, (r) => {
        const s = r.byKind.get(k);
        return s ? `${s.count}, ${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.max)}${s.lost ? `, ${s.lost} lost` : ""}${s.failed ? `, ${s.failed} failed` : ""}` : "—";
      }),
    );
  }
  lines.push(row("throughput: light actions/s · all actions/s · updates/s", (r) => `${r.lightPerSecond.toFixed(1)} · ${r.actionsPerSecond.toFixed(1)} · ${r.updatesPerSecond.toFixed(1)}`));
  lines.push(row("corpus cycles finished (restore + backup, 2 users)", (r) => String(r.heavyCycles)));
  lines.push(row("errors: replies · error log lines", (r) => `${r.errors.replies} · ${r.errors.logLines}`));
  lines.push(row("lost · duplicated · missing messages", (r) => `${r.light.lost + lostHeavy(r)} · ${r.duplicated} · ${r.missing}`));
  lines.push(row("bot peak RSS: with the light users alone · with the heavy jobs too", (r) => `${mb(r.rss.peakBeforeHeavy)} · ${mb(r.rss.peak)}`));
  lines.push(row("bot event-loop delay p99 / max: alone · **during the heavy jobs**", (r) => `${ms(r.quietLoop.p99 * 1000)} / ${ms(r.quietLoop.max * 1000)} · ${ms(r.loop.p99 * 1000)} / ${ms(r.loop.max * 1000)}`));
  const cpu = (c: CpuShare) => `${c.bot.toFixed(2)} / ${Number.isNaN(c.mongo) ? "—" : c.mongo.toFixed(2)} / ${c.driver.toFixed(2)}`;
  lines.push(row("CPU in cores, bot / MongoDB test server / load script: alone · during the heavy jobs", (r) => `${cpu(r.cpu.quiet)} · ${cpu(r.cpu.window)}`));
  lines.push(row("MongoDB commands per action (all in the window ÷ actions)", (r) => r.mongo.perAction.toFixed(1)));
  const mongoKinds = [...new Set(results.flatMap((r) => [...r.mongo.perKind.keys()]))];
  lines.push(row("MongoDB commands per action alone (median of 3): " + mongoKinds.join(" · "), (r) => mongoKinds.map((k) => String(r.mongo.perKind.get(k) ?? "—")).join(" · ")));
  return lines.join("\n");
}

export function goalTable(results: ModeResult[]): string {
  const lines = [`| goal | ${results.map((r) => r.mode).join(" | ")} |`, `| --- | ${results.map(() => "---").join(" | ")} |`];
  const all = results.map(goals);
  all[0]!.forEach(([label], i) => lines.push(`| ${label} | ${all.map((g) => `${g[i]![1]} ${pass(g[i]![2])}`).join(" | ")} |`));
  return lines.join("\n");
}
