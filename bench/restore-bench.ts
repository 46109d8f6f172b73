/**
 * Restore benchmark, run by `npm run bench` (bench/run.ts) after the backup cases, or
 * alone: `npx tsx bench/restore-bench.ts [-- --files 10000 --seed 42 --rounds 3 --no-write]`.
 *
 * The corpus from bench/corpus.ts is written once as a backup ZIP with
 * writeBackupArchive (to a file in the run's temporary folder, like the corpus),
 * then every case runs in a fresh child process (bench/restore-cases.ts):
 *   reading and validating it (loadArchive) against node:zlib inflateRawSync over
 *   the same entries; RestoreService.apply into a library without those files and
 *   again into the same library (every file unchanged), with the MongoDB commands
 *   each restore sends counted by the driver's command monitoring.
 * Writes its own section of docs/PERFORMANCE.md (`<!-- bench:restore:… -->`).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { MongoClient } from "mongodb";
import { writeBackupArchive } from "../src/archive/archive-writer.js";
import { openZip } from "../src/archive/zip/index.js";
import { ensureIndexes, COLLECTIONS } from "../src/db/collections.js";
import { IMPORT_LIMITS, isArchiveError, loadArchive } from "../src/archive/archive-loader.js";
import { freePort, startProcess } from "../test/support/processes.js";
import { forkCase, median } from "./child-case.js";
import { formatLoopDelay, loopLegend, loopStretch } from "./loop-delay.js";
import { archiveSourceOf, generateCorpus, type CorpusFile } from "./corpus.js";
import { markdownTable, writeSection } from "./perf-report.js";
import type { CommandTally, RestoreCaseResult, RestoreCaseSpec } from "./restore-cases.js";

const CASES = fileURLToPath(new URL("./restore-cases.ts", import.meta.url));
export const RESTORE_REPORT = fileURLToPath(new URL("../docs/PERFORMANCE.md", import.meta.url));
export const RESTORE_SECTION = "restore";
const USER = 11;
const WARM_USER = 12;
const WARM_FILES = 50;
/**
 * "No per-file database round trips": a restore may send at most one command per this
 * many files (a round trip per file would be ≥ 1 per file; batches of 500 with a journal
 * heartbeat each, plus the plan, the emergency backup and the journal, are ~1 per 200).
 */
const FILES_PER_COMMAND = 100;

/** loopMaxMs: no synchronous stretch longer than this on the main thread during restore and import (issue 11). */
export const RESTORE_GOALS = { loadRatio: 0.7, filesPerCommand: FILES_PER_COMMAND, loopMaxMs: 50 };

export interface RestoreBenchOptions {
  /** Files in the backup (the corpus size). */
  files: number;
  seed: number;
  rounds: number;
  uri: string;
  /** A connected client, for seeding and checking (its commands are not counted). */
  client: MongoClient;
  /** Scratch folder for the ZIPs. */
  dir: string;
  log?: (line: string) => void;
}

export interface RestoreBenchResult {
  /** Files in the backup that was asked for. */
  files: number;
  seed: number;
  /** Why restore refused that backup, if it did. */
  refused?: { code: string; message: string; entries: number };
  /** Files in the archive the cases ran on (= files unless refused). */
  restored: number;
  bytes: number;
  zipBytes: number;
  rounds: number;
  referenceMs: number;
  sizedMs: number;
  floorMs: number;
  loadMs: number;
  reference: RestoreCaseResult;
  load: RestoreCaseResult;
  empty: RestoreCaseResult;
  unchanged: RestoreCaseResult;
  /** The archive staged as an upload and kept as an imported backup (RestoreService.keepUpload). */
  imported: RestoreCaseResult;
  /** Library documents of the user after each restore. */
  docsAfterEmpty: number;
  docsAfterUnchanged: number;
}

const MB = 1e6;
const mb = (bytes: number) => bytes / MB;
const commandTotal = (c: RestoreCaseResult) => (c.commands ?? []).reduce((a, t) => a + t.count, 0);
const commandsAllowed = (files: number) => Math.floor(files / FILES_PER_COMMAND);

const runChild = (spec: RestoreCaseSpec) => forkCase<RestoreCaseResult>(CASES, "--restore-case", spec);

/** The corpus as a user's library would hold it, written as a full backup ZIP to `file`. */
async function writeBackupZip(file: string, corpus: CorpusFile[]): Promise<number> {
  const source = archiveSourceOf(corpus);
  const out = fs.createWriteStream(file);
  const finished = new Promise<void>((resolve, reject) => {
    out.once("finish", resolve);
    out.once("error", reject);
  });
  await writeBackupArchive(out, source, { backupId: "0123456789abcdef01234567", type: "full_backup", createdAt: new Date("2025-01-15T10:30:00Z"), userId: USER });
  out.end();
  await finished;
  return fs.statSync(file).size;
}

/** Does restore accept this archive? Undefined when it does; the refusal otherwise (only a too-many-entries one is expected). */
async function refusal(file: string): Promise<RestoreBenchResult["refused"]> {
  const bytes = fs.readFileSync(file);
  try {
    await loadArchive(bytes);
    return undefined;
  } catch (err) {
    if (!isArchiveError(err, "too_many_entries")) throw err;
    return { code: err.code, message: err.message, entries: openZip(bytes, { maxEntries: Number.MAX_SAFE_INTEGER }).length };
  }
}

export async function benchRestore(o: RestoreBenchOptions): Promise<RestoreBenchResult> {
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!Number.isInteger(o.files) || o.files < WARM_FILES) throw new Error(`restore bench: files must be an integer ≥ ${WARM_FILES}`);
  const t0 = performance.now();
  let corpus = generateCorpus({ files: o.files, seed: o.seed });
  const zipFile = path.join(o.dir, `restore-${o.files}.zip`);
  const warmZipFile = path.join(o.dir, `restore-warm.zip`);
  const dbName = `codevault_bench_restore_${process.pid}`;
  try {
    let zipBytes = await writeBackupZip(zipFile, corpus);
    const refused = await refusal(zipFile);
    if (refused) {
      // Measure the largest backup restore does accept, and report the refusal as a goal.
      const restorable = IMPORT_LIMITS.maxEntries - (refused.entries - o.files);
      log(`restore: the ${o.files}-file backup is refused (${refused.message}); measuring ${restorable} files`);
      corpus = corpus.slice(0, restorable);
      zipBytes = await writeBackupZip(zipFile, corpus);
      if (await refusal(zipFile)) throw new Error(`a ${restorable}-file backup is refused too`);
    }
    await writeBackupZip(warmZipFile, corpus.slice(0, WARM_FILES));
    const files = corpus.length;
    const bytes = corpus.reduce((a, f) => a + f.content.length, 0);
    corpus = [];
    const db = o.client.db(dbName);
    await db.dropDatabase();
    await ensureIndexes(db);
    log(`restore: ${files} files, ${mb(bytes).toFixed(1)} MB, ZIP ${mb(zipBytes).toFixed(1)} MB: built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const timing = (await runChild({ case: "timing", zipFile, rounds: o.rounds })).timing!;
    const reference = await runChild({ case: "reference", zipFile });
    const load = await runChild({ case: "load", zipFile });
    if (load.files !== files) throw new Error(`loadArchive returned ${load.files} files, expected ${files}`);
    log(`  restore: reference, read+validate done`);
    const conn = { zipFile, warmZipFile, uri: o.uri, dbName, userId: USER, warmUserId: WARM_USER };
    const userDocs = () => db.collection(COLLECTIONS.files).countDocuments({ userId: USER });
    const empty = await runChild({ case: "empty", ...conn });
    const docsAfterEmpty = await userDocs();
    log(`  restore into an empty library: ${(empty.ms / 1000).toFixed(2)} s, ${commandTotal(empty)} commands`);
    const unchanged = await runChild({ case: "unchanged", ...conn });
    const docsAfterUnchanged = await userDocs();
    log(`  restore into an unchanged library: ${(unchanged.ms / 1000).toFixed(2)} s, ${commandTotal(unchanged)} commands`);

    const imported = await runChild({ case: "import", ...conn });
    if (imported.files !== files) throw new Error(`import kept a backup of ${imported.files} files, expected ${files}`);
    log(`  import (keep as backup): ${(imported.ms / 1000).toFixed(2)} s`);

    const e = empty.result!;
    const u = unchanged.result!;
    if (e.new !== files || e.restored !== files || docsAfterEmpty !== files) {
      throw new Error(`restore into the empty library: ${e.restored} restored (${e.new} new), ${docsAfterEmpty} documents; expected ${files}`);
    }
    if (u.unchanged !== files || u.restored !== 0 || docsAfterUnchanged !== files) {
      throw new Error(`restore into the unchanged library: ${u.unchanged} unchanged, ${u.restored} restored, ${docsAfterUnchanged} documents; expected ${files} / 0 / ${files}`);
    }
    return {
      files: o.files,
      seed: o.seed,
      ...(refused ? { refused } : {}),
      restored: files,
      bytes,
      zipBytes,
      rounds: o.rounds,
      referenceMs: median(timing.referenceMs),
      sizedMs: median(timing.sizedMs),
      floorMs: median(timing.floorMs),
      loadMs: median(timing.loadMs),
      reference,
      load,
      empty,
      unchanged,
      imported,
      docsAfterEmpty,
      docsAfterUnchanged,
    };
  } finally {
    await o.client.db(dbName).dropDatabase().catch(() => {});
    fs.rmSync(zipFile, { force: true });
    fs.rmSync(warmZipFile, { force: true });
  }
}

interface Goal {
  goal: string;
  measured: string;
  pass: boolean;
}

export function restoreGoals(r: RestoreBenchResult): Goal[] {
  const n = (x: number) => x.toLocaleString("en-US");
  const ratio = r.referenceMs / r.loadMs;
  const allowed = commandsAllowed(r.restored);
  const goals: Goal[] = [
    {
      goal: `the ${n(r.files)}-file backup is accepted by restore`,
      measured: r.refused ? `refused: \`${r.refused.code}\` (${r.refused.message})` : "accepted",
      pass: !r.refused,
    },
    {
      goal: `read+validate ≥ ${RESTORE_GOALS.loadRatio}× reference throughput (${n(r.restored)} files)`,
      measured: `${ratio.toFixed(2)}×`,
      pass: ratio >= RESTORE_GOALS.loadRatio,
    },
  ];
  for (const [label, c] of [["empty", r.empty], ["unchanged", r.unchanged]] as const) {
    goals.push({
      goal: `no per-file database round trips, restore into the ${label} library: ≤ 1 command per ${FILES_PER_COMMAND} files (${n(allowed)})`,
      measured: `${commandTotal(c)} commands for ${n(r.restored)} files`,
      pass: commandTotal(c) <= allowed,
    });
  }
  for (const [label, c] of [["restore into the empty library", r.empty], ["restore into the unchanged library", r.unchanged], ["import", r.imported]] as const) {
    goals.push({
      goal: `no synchronous stretch over ${RESTORE_GOALS.loopMaxMs} ms on the main thread (its CPU time between two loop turns) during ${label} (${n(r.restored)} files)`,
      measured: `${loopStretch(c.loop!).toFixed(1)} ms; event-loop delay max ${c.loop!.maxMs.toFixed(1)} ms, p99 ${c.loop!.p99Ms.toFixed(1)} ms, longest GC ${c.loop!.gcMaxMs.toFixed(1)} ms (load ${c.load?.toFixed(1) ?? "?"})`,
      pass: loopStretch(c.loop!) <= RESTORE_GOALS.loopMaxMs,
    });
  }
  return goals;
}

function cores(): string {
  try {
    return execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    return String(os.availableParallelism());
  }
}

/** "waiting on MongoDB 1.40 s: insert files 20 (1.21 s), …" */
function commandList(c: RestoreCaseResult): string {
  const list = c.commands ?? [];
  const waited = list.reduce((a, t) => a + t.ms, 0);
  return `waiting on MongoDB ${(waited / 1000).toFixed(2)} s: ${list.map((t: CommandTally) => `${t.name} ${t.count} (${(t.ms / 1000).toFixed(2)} s)`).join(", ")}`;
}

export function restoreReport(r: RestoreBenchResult, mongoLabel: string, goals = restoreGoals(r)): string {
  const now = new Date().toISOString().slice(0, 16).replace("T", " ");
  const machine = `${cores()} cores (\`nproc\`), Node ${process.version}, ${os.platform()}-${os.arch()}`;
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const fps = (ms: number) => Math.round(r.restored / (ms / 1000)).toLocaleString("en-US");
  const rate = (ms: number) => (mb(r.bytes) / (ms / 1000)).toFixed(0);
  const rss = (c: RestoreCaseResult) => `+${mb(c.peak - c.base).toFixed(1)}`;
  const corpus = `${r.restored.toLocaleString("en-US")} files, ${mb(r.bytes).toFixed(1)} MB (ZIP ${mb(r.zipBytes).toFixed(1)} MB)`;
  const rows = [
    [corpus, `reference: node:zlib \`inflateRawSync\` per entry, 1 core (median of ${r.rounds})`, s(r.referenceMs), fps(r.referenceMs), rate(r.referenceMs), rss(r.reference), "", "", ""],
    ["", `read+validate: \`loadArchive\` (median of ${r.rounds}; loop: its single +RSS run)`, s(r.loadMs), fps(r.loadMs), rate(r.loadMs), rss(r.load), formatLoopDelay(r.load.loop), "", `${(r.referenceMs / r.loadMs).toFixed(2)}× reference`],
    ["", `diagnostic: \`inflateRawSync\` with the output sized to the entry, as the ZIP reader calls it (median of ${r.rounds})`, s(r.sizedMs), fps(r.sizedMs), rate(r.sizedMs), "", "", "", `${(r.referenceMs / r.sizedMs).toFixed(2)}× reference`],
    ["", `diagnostic: floor of validation — that inflate + CRC-32 + SHA-256 + strict UTF-8 decode per entry, no manifest (median of ${r.rounds})`, s(r.floorMs), fps(r.floorMs), rate(r.floorMs), "", "", "", `${(r.referenceMs / r.floorMs).toFixed(2)}× reference`],
    ["", "restore into an empty library: `RestoreService.apply`", s(r.empty.ms), fps(r.empty.ms), rate(r.empty.ms), rss(r.empty), formatLoopDelay(r.empty.loop), String(commandTotal(r.empty)), `${r.empty.result!.new.toLocaleString("en-US")} new; ${commandList(r.empty)}`],
    ["", "restore into an unchanged library: the same archive again", s(r.unchanged.ms), fps(r.unchanged.ms), rate(r.unchanged.ms), rss(r.unchanged), formatLoopDelay(r.unchanged.loop), String(commandTotal(r.unchanged)), `${r.unchanged.result!.unchanged.toLocaleString("en-US")} unchanged, nothing written; ${commandList(r.unchanged)}`],
    ["", "import: the archive sent as a ZIP, kept as an imported backup (`RestoreService.keepUpload`)", s(r.imported.ms), fps(r.imported.ms), rate(r.imported.ms), rss(r.imported), formatLoopDelay(r.imported.loop), "", "validated, then stored in GridFS"],
  ];
  const loads = [r.load, r.empty, r.unchanged, r.imported].flatMap((c) => (c.load === undefined ? [] : [c.load]));
  const lines = [
    "## Restore: read+validate, apply (`npm run bench`)",
    "",
    `Measured ${now} UTC on ${machine}; MongoDB: ${mongoLabel}.`,
    `The backup is the \`bench/corpus.ts\` corpus (seed ${r.seed}) written by \`writeBackupArchive\` (DEFLATE level 6, plus metadata.json).`,
    "MB = 10⁶ bytes; files/s and MB/s of the backup's files (uncompressed); +RSS = peak RSS above the case's own",
    "baseline in a fresh child process (after reading the ZIP, or after connecting and one small warm-up restore",
    "of the same kind for the MongoDB cases). Restores are single runs; commands = every command the restore",
    "sent to MongoDB (driver command monitoring), with their summed round-trip time.",
    ...loopLegend(loads),
  ];
  if (r.refused) {
    lines.push(
      "",
      `**Restore refuses the ${r.files.toLocaleString("en-US")}-file backup** (${r.refused.entries.toLocaleString("en-US")} entries with metadata.json; ` +
        `\`${r.refused.code}\`: ${r.refused.message}), so the cases below run on the largest backup it accepts, ` +
        `the first ${r.restored.toLocaleString("en-US")} files of the corpus.`,
    );
  }
  lines.push(
    "",
    markdownTable(
      ["corpus", "case", "s", "files/s", "MB/s", "+RSS MB", "loop max / p99 ms (CPU, GC)", "commands", "notes"],
      rows,
      ["l", "l", "r", "r", "r", "r", "r", "r", "l"],
    ),
    "",
    markdownTable(
      ["goal", "measured", "result"],
      goals.map((g) => [g.goal, g.measured, g.pass ? "PASS" : "**FAIL**"]),
    ),
    "",
    ...notes(r),
  );
  return lines.join("\n");
}

const waited = (c: RestoreCaseResult) => (c.commands ?? []).reduce((a, t) => a + t.ms, 0);

/** What the figures mean; the numbers come from this run, the findings were checked by hand where dated. */
function notes(r: RestoreBenchResult): string[] {
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const x = (ratio: number) => `${ratio.toFixed(2)}×`;
  const slowest = (c: RestoreCaseResult) => [...(c.commands ?? [])].sort((a, b) => b.ms - a.ms)[0];
  const unchangedTop = slowest(r.unchanged);
  const out = ["### Notes (restore)", ""];
  if (r.refused) {
    out.push(
      `- **Backups of ${r.files.toLocaleString("en-US")} files cannot be restored** (\`${r.refused.code}\`: ${r.refused.message}); ` +
        `\`loadArchive\` accepts at most ${IMPORT_LIMITS.maxEntries.toLocaleString("en-US")} entries besides metadata.json.`,
    );
  }
  out.push(
    `- **Read+validate: ${x(r.referenceMs / r.loadMs)} the reference, goal ${RESTORE_GOALS.loadRatio}×.** ` +
      `Inflating alone is ${s(r.referenceMs)} s; the least validation needs on top of it (CRC-32 of every entry, SHA-256 for the ` +
      `manifest check and the plan's "unchanged", strict UTF-8 decoding; the floor row, none of our code) already takes ${s(r.floorMs)} s = ` +
      `${x(r.referenceMs / r.floorMs)}, so ${RESTORE_GOALS.loadRatio}× is out of reach for a single-threaded reader on this machine ` +
      "(SHA-256 runs at ~0.9 GB/s here). The rest above the floor is metadata.json (JSON.parse and the zod schema, 10,000 entries: " +
      "~50 ms), the central directory (~20 ms) and planning/bookkeeping per file (~50 ms). Fixed: every entry was hashed twice " +
      "(0.42× → 0.46×, 2026-11-22).",
    "- **Tried and not kept (2026-11-22): worker threads.** Batches of entries inflated, CRC-checked and hashed by one worker per core " +
      "from a shared copy of the archive, bytes handed back without copying, the main thread reading metadata.json meanwhile and " +
      "decoding the texts; same results and errors as on one thread (tested). On these 2 cores: 0.38–0.48 s warm against 0.50–0.52 s " +
      "on the main thread (0.56× at best in the bench), 0.61 s for the first call (starting the workers), and +177 MB peak RSS for one " +
      "read against ~+100 MB; a restore into an empty library went from ~+155 to +228 MB. A fifth faster at best, slower on a " +
      "restore's first read, and twice the memory: not worth it here. On a machine with more cores it would scale; the design is in " +
      "the history (commits 07e5515, 6b1a8e7, reverted).",
    `- **Restore into an empty library** waits on MongoDB for ${s(waited(r.empty))} of its ${s(r.empty.ms)} s, nearly all in the ` +
      "insertMany batches of 500 files (one journal heartbeat each); the emergency backup of an empty library is a handful of " +
      "tiny commands. The rest is read+validate and building the documents.",
    `- **Restore into an unchanged library** writes nothing: ${s(waited(r.unchanged))} of its ${s(r.unchanged.ms)} s are MongoDB` +
      `${unchangedTop ? ` (${s(unchangedTop.ms)} s in \`${unchangedTop.name}\`)` : ""}, fetching the library's latest versions of the archive's ` +
      "names in one aggregate (`FileLibrary.latestOf`, `fileName: {$in: …}`). The test server used to evaluate that `$in` in " +
      "O(documents × names), 12 s here; it now hashes the list once per query (test/support/mongo-server/membership.ts), as cheap as a " +
      "real mongod's index lookup makes it.",
  );
  return out;
}

export function writeRestoreReport(section: string): void {
  writeSection(RESTORE_REPORT, RESTORE_SECTION, section, "# Performance\n");
}

// --- alone: npx tsx bench/restore-bench.ts -------------------------------------------

function option(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

async function main(): Promise<void> {
  const files = Number(option("files", "10000"));
  const seed = Number(option("seed", "42"));
  const rounds = Number(option("rounds", "3"));
  if (!Number.isInteger(files) || files < WARM_FILES || !Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`usage: npx tsx bench/restore-bench.ts [--files 10000 --seed 42 --rounds 3 --no-write] (files ≥ ${WARM_FILES})`);
  }
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "codevault-restore-bench-"));
  const external = process.env.MONGODB_URI?.trim();
  let uri = external;
  let stop = async (): Promise<unknown> => undefined;
  if (!uri) {
    const port = await freePort();
    const server = startProcess("npm", ["run", "--silent", "test:mongo", "--", "--port", String(port)], {});
    [uri] = await server.waitForOutput(/mongodb:\/\/\S+/, 60_000);
    stop = () => server.stop();
  }
  const label = external ? "MongoDB from MONGODB_URI" : "the test wire-protocol server (`npm run test:mongo`) in its own process";
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  let result: RestoreBenchResult;
  try {
    await client.connect();
    result = await benchRestore({ files, seed, rounds, uri, client, dir });
  } finally {
    await client.close();
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const section = restoreReport(result, label);
  console.log(section);
  process.stderr.write(`total ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  if (!process.argv.includes("--no-write")) writeRestoreReport(section);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
