/**
 * The backup section of docs/PERFORMANCE.md: one row per case, with each runtime's figures side
 * by side (bench/runtimes.ts), and the goals checked on every runtime.
 */
import { execFileSync } from "node:child_process";
import * as os from "node:os";
import type { CaseResult } from "./backup-cases.js";
import { LEVEL } from "./backup-cases.js";
import { formatLoopDelay, loopLegend, loopStretch } from "./loop-delay.js";
import { formatMemoryParts } from "./memory-parts.js";
import { markdownTable } from "./perf-report.js";
import type { Runtime } from "./runtimes.js";

/**
 * archiveRatio: no worse than before the event loop was freed (issue 11); archiveBothCores: the goal
 * beyond it, deflating on both cores; loopMaxMs: no synchronous stretch longer than this on the main
 * thread during create and verify of the largest corpus.
 */
export const GOALS = { archiveRatio: 0.86, archiveBothCores: 1.2, createRssMb: 64, createRssScale: 1.25, loopMaxMs: 50 };

/** One runtime's cases over one corpus. */
export interface RuntimeRun {
  runtime: Runtime;
  referenceMs: number;
  archiveMs: number;
  reference: CaseResult;
  archive: CaseResult;
  /** The deflate workers alone, started and idle. */
  pool: CaseResult;
  read: CaseResult;
  create: CaseResult;
  verify: CaseResult;
}

export interface CorpusResult {
  files: number;
  bytes: number;
  rounds: number;
  runs: RuntimeRun[];
}

interface Goal {
  goal: string;
  measured: string;
  pass: boolean;
}

const MB = 1e6;
const mb = (bytes: number) => bytes / MB;
const count = (n: number) => n.toLocaleString("en-US");
const growth = (c: CaseResult) => c.peak - c.base;
const runtimeName = (r: Runtime) => `${r.label}${r.shipped ? ", shipped" : ""}`;

export function evaluate(results: CorpusResult[]): Goal[] {
  const goals: Goal[] = [];
  const runtimes = results[0]!.runs.map((run) => run.runtime);
  for (const [i, runtime] of runtimes.entries()) {
    const on = `, ${runtimeName(runtime)}`;
    for (const r of results) {
      const ratio = r.runs[i]!.referenceMs / r.runs[i]!.archiveMs;
      for (const min of [GOALS.archiveRatio, GOALS.archiveBothCores]) {
        goals.push({
          goal: `archive ≥ ${min}× reference throughput (${count(r.files)} files${on})`,
          measured: `${ratio.toFixed(2)}×`,
          pass: ratio >= min,
        });
      }
    }
    const large = results[0]!.runs[i]!;
    const small = results.at(-1)!.runs[i]!;
    for (const [name, c] of [["create", large.create], ["verify", large.verify]] as const) {
      goals.push({
        goal: `no synchronous stretch over ${GOALS.loopMaxMs} ms on the main thread (its CPU time between two loop turns) during ${name} (${count(results[0]!.files)} files${on})`,
        measured: `${loopStretch(c.loop!).toFixed(1)} ms; event-loop delay max ${c.loop!.maxMs.toFixed(1)} ms, p99 ${c.loop!.p99Ms.toFixed(1)} ms, longest GC ${c.loop!.gcMaxMs.toFixed(1)} ms (load ${c.load?.toFixed(1) ?? "?"})`,
        pass: loopStretch(c.loop!) <= GOALS.loopMaxMs,
      });
    }
    goals.push({
      goal: `create +RSS ≤ ${GOALS.createRssMb} MB (${count(results[0]!.files)} files${on})`,
      measured: `+${mb(growth(large.create)).toFixed(1)} MB`,
      pass: growth(large.create) <= GOALS.createRssMb * MB,
    });
    if (results.length > 1) {
      const scale = growth(large.create) / Math.max(growth(small.create), 1);
      goals.push({
        goal: `create +RSS (${count(results[0]!.files)} files) ≤ ${GOALS.createRssScale}× create +RSS (${count(results.at(-1)!.files)} files${on})`,
        measured: `${scale.toFixed(2)}× (+${mb(growth(large.create)).toFixed(1)} vs +${mb(growth(small.create)).toFixed(1)} MB)`,
        pass: scale <= GOALS.createRssScale,
      });
    }
  }
  return goals;
}

function rows(r: CorpusResult): string[][] {
  const rate = (ms: number) => (mb(r.bytes) / (ms / 1000)).toFixed(0);
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const figures = (pick: (run: RuntimeRun) => { ms: number; rss?: CaseResult }) =>
    r.runs.flatMap((run) => {
      const { ms, rss } = pick(run);
      return [s(ms), rate(ms), rss ? `+${mb(growth(rss)).toFixed(1)}` : "", formatLoopDelay(rss?.loop)];
    });
  const ratios = r.runs.map((run) => (run.referenceMs / run.archiveMs).toFixed(2)).join(" / ");
  const zip = r.runs[0]!.create.backup!;
  const corpus = `${count(r.files)} files, ${mb(r.bytes).toFixed(1)} MB`;
  return [
    [corpus, `reference: node:zlib \`deflateRawSync\` per file, 1 core (median of ${r.rounds})`, ...figures((x) => ({ ms: x.referenceMs, rss: x.reference })), ""],
    ["", `archive: \`writeBackupArchive\` → discarding Writable (median of ${r.rounds})`, ...figures((x) => ({ ms: x.archiveMs, rss: x.archive })), `${ratios}× reference`],
    ["", "deflate workers alone: started by a one-file archive, then idle (stopped after 30 s idle)", ...r.runs.flatMap((run) => ["", "", `+${mb(growth(run.pool)).toFixed(1)}`, ""]), "in the archive row; in create's baseline (its warm-up starts them)"],
    ["", "read: `iterateForBackup` alone (Mongo → contents)", ...figures((x) => ({ ms: x.read.ms, rss: x.read })), "diagnostic"],
    ["", "create: `BackupService.create` (Mongo → ZIP → GridFS)", ...figures((x) => ({ ms: x.create.ms, rss: x.create })), `ZIP ${mb(zip.zipSize).toFixed(1)} MB (${(r.bytes / zip.zipSize).toFixed(2)}× smaller)`],
    ["", "verify: `BackupService.verify`", ...figures((x) => ({ ms: x.verify.ms, rss: x.verify })), "OK"],
  ];
}

function cores(): string {
  try {
    return execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    return String(os.availableParallelism());
  }
}

export function backupReport(results: CorpusResult[], mongoLabel: string): string {
  const now = new Date().toISOString().slice(0, 16).replace("T", " ");
  const runtimes = results[0]!.runs.map((run) => run.runtime);
  const versions = runtimes.map((rt) => `${rt.version}${rt.shipped ? " (shipped in the Docker image)" : ""}`).join(" and ");
  const headers = runtimes.flatMap((rt) => [`${rt.label} s`, `${rt.label} MB/s`, `${rt.label} +RSS MB`, `${rt.label} loop max / p99 ms (CPU, GC)`]);
  const loads = results.flatMap((r) => r.runs.flatMap((run) => [run.reference, run.archive, run.read, run.create, run.verify])).flatMap((c) => (c.load === undefined ? [] : [c.load]));
  return [
    "## Backups: archive, create, verify (`npm run bench`)",
    "",
    `Measured ${now} UTC on ${cores()} cores (\`nproc\`), ${os.platform()}-${os.arch()}, Node ${versions}: every case runs`,
    `in a child process of each runtime in turn, with the Node flags of the Dockerfile's CMD (${runtimes[0]!.nodeArgs.map((a) => `\`${a}\``).join(" ") || "none"});`,
    `MongoDB: ${mongoLabel}. DEFLATE level ${LEVEL}.`,
    "MB = 10⁶ bytes; MB/s of uncompressed file bytes; +RSS = peak RSS above the case's own",
    "baseline in a fresh child process (after loading the corpus, or after connecting and one small",
    "warm-up run for the MongoDB cases). Create, read and verify are single runs. The machine is",
    "shared: memory figures hold under load, speeds move by tens of percent (compare ratios).",
    ...loopLegend(loads),
    "",
    markdownTable(["corpus", "case", ...headers, "notes"], results.flatMap(rows), ["l", "l", ...headers.map(() => "r" as const), "l"]),
    "",
    "What each create's peak was made of (`process.memoryUsage()` every 5 ms during the create, the sample with the",
    "highest RSS minus the baseline; the sampled peak can miss the probe's by a few MB):",
    "",
    markdownTable(
      ["corpus", "runtime", "create +RSS: parts"],
      results.flatMap((r) => r.runs.map((run) => [`${count(r.files)} files`, runtimeName(run.runtime), formatMemoryParts(run.create.parts)])),
    ),
    "",
    markdownTable(
      ["goal", "measured", "result"],
      evaluate(results).map((g) => [g.goal, g.measured, g.pass ? "PASS" : "**FAIL**"]),
    ),
  ].join("\n");
}
