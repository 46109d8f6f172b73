/**
 * Backup benchmark: `npm run bench [-- --files 10000,1000 --seed 42 --rounds 3 --no-write]`.
 *
 * For each corpus from bench/corpus.ts, every case runs in a fresh child process
 * (bench/backup-cases.ts) so its peak RSS is its own:
 *   archive stage alone (writeBackupArchive → discarding Writable) against the
 *   node:zlib deflateRawSync reference; the whole BackupService.create (Mongo
 *   cursor → ZIP → GridFS) and verify, against the test MongoDB server in a
 *   separate process (`npm run test:mongo`) or a real one from MONGODB_URI.
 * Prints a table and rewrites its own section of docs/PERFORMANCE.md.
 * Then the restore benchmark (bench/restore-bench.ts, `--restore-files 10000`) writes its own.
 * `--only backup` / `--only restore` runs (and rewrites the section of) one of them.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { MongoClient, ObjectId } from "mongodb";
import { ensureIndexes, COLLECTIONS } from "../src/db/collections.js";
import { sha256Hex } from "../src/files/content-store.js";
import type { FileDoc } from "../src/files/file-types.js";
import { detectLanguage } from "../src/files/language.js";
import { freePort, startProcess } from "../test/support/processes.js";
import type { CaseResult, CaseSpec } from "./backup-cases.js";
import { LEVEL } from "./backup-cases.js";
import { forkCase, median } from "./child-case.js";
import { saveCorpus } from "./corpus-cache.js";
import { generateCorpus, type CorpusFile } from "./corpus.js";
import { markdownTable, writeSection } from "./perf-report.js";
import { benchRestore, restoreReport, writeRestoreReport, type RestoreBenchResult } from "./restore-bench.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CASES = fileURLToPath(new URL("./backup-cases.ts", import.meta.url));
const REPORT = path.join(ROOT, "docs/PERFORMANCE.md");
const USER = 1;
const WARM_USER = 2;
const WARM_FILES = 50;

const GOALS = { archiveRatio: 0.7, createRssMb: 64, createRssScale: 1.25 };

function option(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

const MB = 1e6;
const mb = (bytes: number) => bytes / MB;
const runChild = (spec: CaseSpec) => forkCase<CaseResult>(CASES, "--case", spec);

interface Mongo {
  uri: string;
  label: string;
  stop(): Promise<unknown>;
}

async function startMongo(): Promise<Mongo> {
  const external = process.env.MONGODB_URI?.trim();
  if (external) return { uri: external, label: "MongoDB from MONGODB_URI", stop: async () => {} };
  const port = await freePort();
  const server = startProcess("npm", ["run", "--silent", "test:mongo", "--", "--port", String(port)], {});
  const [uri] = await server.waitForOutput(/mongodb:\/\/\S+/, 60_000);
  return { uri, label: "the test wire-protocol server (`npm run test:mongo`) in its own process", stop: () => server.stop() };
}

function fileDoc(userId: number, f: CorpusFile, at: Date): FileDoc {
  const content = f.content.toString("utf8");
  if (Buffer.byteLength(content) !== f.content.length) throw new Error(`corpus file ${f.name} is not valid UTF-8`);
  return {
    _id: new ObjectId(),
    userId,
    fileName: f.name,
    language: detectLanguage(f.name, content),
    content,
    sha256: sha256Hex(f.content),
    size: f.content.length,
    tags: [],
    note: "",
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** Bulk inserts straight into `files` (the shape FileLibrary.save writes), plus a small warm-up user. */
async function seed(client: MongoClient, dbName: string, corpus: CorpusFile[]): Promise<void> {
  const db = client.db(dbName);
  await db.dropDatabase();
  await ensureIndexes(db);
  const files = db.collection<FileDoc>(COLLECTIONS.files);
  const at = new Date();
  for (let i = 0; i < corpus.length; i += 1000) {
    await files.insertMany(corpus.slice(i, i + 1000).map((f) => fileDoc(USER, f, at)), { ordered: false });
  }
  await files.insertMany(corpus.slice(0, WARM_FILES).map((f) => fileDoc(WARM_USER, f, at)));
}

interface CorpusResult {
  files: number;
  bytes: number;
  rounds: number;
  referenceMs: number;
  archiveMs: number;
  reference: CaseResult;
  archive: CaseResult;
  read: CaseResult;
  create: CaseResult;
  verify: CaseResult;
}

async function benchCorpus(files: number, seedValue: number, rounds: number, mongo: Mongo, client: MongoClient, dir: string): Promise<CorpusResult> {
  const t = performance.now();
  const corpus = generateCorpus({ files, seed: seedValue });
  const bytes = corpus.reduce((a, f) => a + f.content.length, 0);
  const corpusFile = path.join(dir, `corpus-${files}.bin`);
  saveCorpus(corpusFile, corpus);
  const dbName = `codevault_bench_${files}_${process.pid}`;
  await seed(client, dbName, corpus);
  log(`${files} files, ${mb(bytes).toFixed(1)} MB: generated and seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  try {
    const timing = (await runChild({ case: "timing", corpusFile, rounds })).timing!;
    log(`  timing (${rounds} rounds) done`);
    const reference = await runChild({ case: "reference", corpusFile });
    const archive = await runChild({ case: "archive", corpusFile });
    const conn = { uri: mongo.uri, dbName, userId: USER, warmUserId: WARM_USER };
    const read = await runChild({ case: "read", ...conn });
    log(`  archive, reference, read done`);
    const create = await runChild({ case: "create", ...conn });
    log(`  create: ${(create.ms / 1000).toFixed(2)} s`);
    const verify = await runChild({ case: "verify", ...conn, backupId: create.backup!.id });
    if (read.readFiles !== files) throw new Error(`read ${read.readFiles} files, expected ${files}`);
    if (create.backup!.fileCount !== files || create.backup!.totalSize !== bytes) {
      throw new Error(`backup holds ${create.backup!.fileCount} files / ${create.backup!.totalSize} bytes, expected ${files} / ${bytes}`);
    }
    if (!verify.verifyOk) throw new Error("verify of the benchmark backup failed");
    return {
      files,
      bytes,
      rounds,
      referenceMs: median(timing.referenceMs),
      archiveMs: median(timing.archiveMs),
      reference,
      archive,
      read,
      create,
      verify,
    };
  } finally {
    await client.db(dbName).dropDatabase().catch(() => {});
    fs.rmSync(corpusFile, { force: true });
  }
}

function log(line: string) {
  process.stderr.write(`${line}\n`);
}

function cores(): string {
  try {
    return execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    return String(os.availableParallelism());
  }
}

interface Goal {
  goal: string;
  measured: string;
  pass: boolean;
}

function evaluate(results: CorpusResult[]): Goal[] {
  const goals: Goal[] = results.map((r) => {
    const ratio = r.referenceMs / r.archiveMs;
    return {
      goal: `archive ≥ ${GOALS.archiveRatio}× reference throughput (${r.files.toLocaleString("en-US")} files)`,
      measured: `${ratio.toFixed(2)}×`,
      pass: ratio >= GOALS.archiveRatio,
    };
  });
  const large = results[0]!;
  const small = results.at(-1)!;
  const growth = (r: CorpusResult) => r.create.peak - r.create.base;
  goals.push({
    goal: `create +RSS ≤ ${GOALS.createRssMb} MB (${large.files.toLocaleString("en-US")} files)`,
    measured: `+${mb(growth(large)).toFixed(1)} MB`,
    pass: growth(large) <= GOALS.createRssMb * MB,
  });
  if (results.length > 1) {
    const scale = growth(large) / Math.max(growth(small), 1);
    goals.push({
      goal: `create +RSS (${large.files.toLocaleString("en-US")} files) ≤ ${GOALS.createRssScale}× create +RSS (${small.files.toLocaleString("en-US")} files)`,
      measured: `${scale.toFixed(2)}× (+${mb(growth(large)).toFixed(1)} vs +${mb(growth(small)).toFixed(1)} MB)`,
      pass: scale <= GOALS.createRssScale,
    });
  }
  return goals;
}

function rows(r: CorpusResult): string[][] {
  const rate = (ms: number) => (mb(r.bytes) / (ms / 1000)).toFixed(0);
  const rss = (c: CaseResult) => `+${mb(c.peak - c.base).toFixed(1)}`;
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const corpus = `${r.files.toLocaleString("en-US")} files, ${mb(r.bytes).toFixed(1)} MB`;
  const zip = r.create.backup!;
  return [
    [corpus, `reference: node:zlib \`deflateRawSync\` per file, 1 core (median of ${r.rounds})`, s(r.referenceMs), rate(r.referenceMs), rss(r.reference), ""],
    ["", `archive: \`writeBackupArchive\` → discarding Writable (median of ${r.rounds})`, s(r.archiveMs), rate(r.archiveMs), rss(r.archive), `${(r.referenceMs / r.archiveMs).toFixed(2)}× reference`],
    ["", "read: `iterateForBackup` alone (Mongo → contents)", s(r.read.ms), rate(r.read.ms), rss(r.read), "diagnostic"],
    ["", "create: `BackupService.create` (Mongo → ZIP → GridFS)", s(r.create.ms), rate(r.create.ms), rss(r.create), `ZIP ${mb(zip.zipSize).toFixed(1)} MB (${(r.bytes / zip.zipSize).toFixed(2)}× smaller)`],
    ["", "verify: `BackupService.verify`", s(r.verify.ms), rate(r.verify.ms), rss(r.verify), "OK"],
  ];
}

function report(results: CorpusResult[], goals: Goal[], mongo: Mongo): string {
  const now = new Date().toISOString().slice(0, 16).replace("T", " ");
  const machine = `${cores()} cores (\`nproc\`), Node ${process.version}, ${os.platform()}-${os.arch()}`;
  return [
    "## Backups: archive, create, verify (`npm run bench`)",
    "",
    `Measured ${now} UTC on ${machine}; MongoDB: ${mongo.label}. DEFLATE level ${LEVEL}.`,
    "MB = 10⁶ bytes; MB/s of uncompressed file bytes; +RSS = peak RSS above the case's own",
    "baseline in a fresh child process (after loading the corpus, or after connecting and one small",
    "warm-up run for the MongoDB cases). Create, read and verify are single runs.",
    "",
    markdownTable(
      ["corpus", "case", "s", "MB/s", "+RSS MB", "notes"],
      results.flatMap(rows),
      ["l", "l", "r", "r", "r", "l"],
    ),
    "",
    markdownTable(
      ["goal", "measured", "result"],
      goals.map((g) => [g.goal, g.measured, g.pass ? "PASS" : "**FAIL**"]),
    ),
  ].join("\n");
}

const INTRO = `# Performance

Figures written by the benchmarks themselves. They are never asserted in tests: this
machine is shared and timings move by tens of percent between runs, so compare within
one run, as ratios. Why the ZIP codec is our own (the libraries measured against it) is in
\`docs/ARCHITECTURE.md\`; \`npx tsx bench/zip-bench.ts\` is the raw ZIP micro-benchmark and
\`node --expose-gc --import tsx bench/jszip-compare.ts\` builds the corpus with jszip and with ours.

## How to run

\`\`\`sh
npm run bench                                   # ~2–3 minutes; rewrites its section below
npm run bench -- --files 10000,1000 --rounds 3  # the defaults
npm run bench -- --no-write                     # print only
npm run bench -- --only backup                  # only the backup cases (or --only restore)
MONGODB_URI=mongodb://localhost:27017 npm run bench   # against a real server
\`\`\`

The corpus is \`bench/corpus.ts\`: deterministic source-like files (TS/JS/Python/JSON/
Markdown, log-normal sizes 200 B–200 KB, ~6 KB mean, ~3.5× DEFLATE ratio). Every case runs
in a fresh child process so its peak RSS is its own; the MongoDB server (the test
wire-protocol server from \`npm run test:mongo\`, unless \`MONGODB_URI\` is set) runs in a
separate process, so its memory is not counted.

Each benchmark owns the text between its \`<!-- bench:NAME:start -->\` and
\`<!-- bench:NAME:end -->\` markers and leaves the rest of this file alone.
`;

async function main(): Promise<void> {
  const sizes = option("files", "10000,1000").split(",").map(Number);
  const seedValue = Number(option("seed", "42"));
  const rounds = Number(option("rounds", "3"));
  const only = option("only", "all");
  if (
    sizes.some((n) => !Number.isInteger(n) || n < WARM_FILES) ||
    !Number.isInteger(rounds) ||
    rounds < 1 ||
    !["all", "backup", "restore"].includes(only)
  ) {
    throw new Error(`usage: npm run bench [-- --files 10000,1000 --seed 42 --rounds 3 --only backup|restore --no-write] (files ≥ ${WARM_FILES})`);
  }
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "codevault-bench-"));
  const mongo = await startMongo();
  const client = new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 10_000 });
  const results: CorpusResult[] = [];
  let restore: RestoreBenchResult | undefined;
  try {
    await client.connect();
    if (only !== "restore") for (const files of sizes) results.push(await benchCorpus(files, seedValue, rounds, mongo, client, dir));
    if (only !== "backup") {
      const restoreFiles = Number(option("restore-files", "10000"));
      restore = await benchRestore({ files: restoreFiles, seed: seedValue, rounds, uri: mongo.uri, client, dir, log });
    }
  } finally {
    await client.close();
    await mongo.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const write = !process.argv.includes("--no-write");
  if (results.length) {
    const section = report(results, evaluate(results), mongo);
    console.log(section);
    if (write) writeSection(REPORT, "backup", section, INTRO);
  }
  if (restore) {
    const restoreSection = restoreReport(restore, mongo.label);
    console.log(`\n${restoreSection}`);
    if (write) writeRestoreReport(restoreSection);
  }
  log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (write) log(`wrote ${path.relative(process.cwd(), REPORT)}`);
}

await main();
