/**
 * Drive upload benchmark: `npm run bench -- --only drive` (or `npx tsx bench/drive-bench.ts
 * [-- --files 10000 --no-write]`). The corpus from bench/corpus.ts is written as a backup ZIP,
 * stored in GridFS as a user's backup, the user connects to the fake Google
 * (test/support/fake-google, in this process, keeping no file contents), and a fresh child
 * process (bench/drive-cases.ts) uploads it with DriveService.upload over loopback: a
 * resumable session of 8 MiB chunks read straight from GridFS. Measures MB/s and peak RSS
 * above the child's baseline; the goal is that memory does not follow the ZIP's size.
 * Writes its own section of docs/PERFORMANCE.md (`<!-- bench:drive:… -->`).
 */
import { createHash, randomBytes } from "node:crypto";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { MongoClient } from "mongodb";
import { createServices } from "../src/app.js";
import { writeBackupArchive } from "../src/archive/archive-writer.js";
import { ensureIndexes } from "../src/db/collections.js";
import { Events } from "../src/events.js";
import { createLogger } from "../src/logger.js";
import { startFakeGoogle } from "../test/support/fake-google/index.js";
import { freePort, startProcess } from "../test/support/processes.js";
import { forkCase } from "./child-case.js";
import { archiveSourceOf, generateCorpus } from "./corpus.js";
import type { DriveCaseResult, DriveCaseSpec } from "./drive-cases.js";
import { markdownTable, writeSection } from "./perf-report.js";

const CASES = fileURLToPath(new URL("./drive-cases.ts", import.meta.url));
const REPORT = fileURLToPath(new URL("../docs/PERFORMANCE.md", import.meta.url));
const USER = 21;
const WARM_USER = 22;
const MB = 1e6;
/** Peak RSS above baseline the upload may add, whatever the ZIP's size (one 8 MiB chunk in flight, plus the client). */
export const DRIVE_GOAL_RSS_MB = 64;

export interface DriveBenchResult {
  files: number;
  zipBytes: number;
  upload: DriveCaseResult;
}

async function zipOf(files: number, seed: number): Promise<{ bytes: Buffer; fileCount: number; totalSize: number }> {
  const corpus = generateCorpus({ files, seed });
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const header = { backupId: "0123456789abcdef01234567", type: "full_backup", createdAt: new Date(), userId: USER };
  const totals = await writeBackupArchive(out, archiveSourceOf(corpus), header, { level: 6 });
  return { bytes: Buffer.concat(chunks), fileCount: totals.fileCount, totalSize: totals.totalSize };
}

export async function benchDrive(opts: { files: number; seed: number; uri: string; client: MongoClient; log: (line: string) => void }): Promise<DriveBenchResult> {
  const google = await startFakeGoogle({ deviceInterval: 0, keepContent: false });
  const dbName = `codevault_bench_drive_${process.pid}`;
  const db = opts.client.db(dbName);
  const key = randomBytes(32);
  try {
    await db.dropDatabase();
    await ensureIndexes(db);
    const services = createServices({
      db,
      events: new Events(createLogger("silent")),
      drive: {
        client: { id: google.clientId, secret: google.clientSecret },
        key,
        previousKeys: [],
        oauthRoot: google.root,
        apiRoot: google.root,
        keep: 0,
      },
    });
    const zip = await zipOf(opts.files, opts.seed);
    const small = await zipOf(50, opts.seed + 1);
    const backup = await services.backups.storeImported(USER, zip.bytes, { type: "imported_zip", fileCount: zip.fileCount, totalSize: zip.totalSize });
    const warm = await services.backups.storeImported(WARM_USER, small.bytes, { type: "imported_zip", fileCount: small.fileCount, totalSize: small.totalSize });
    for (const [userId, email] of [[USER, "bench@example.com"], [WARM_USER, "warm@example.com"]] as const) {
      const prompt = await services.driveAuth.begin(userId);
      google.approve(prompt.userCode, email);
      const outcome = await prompt.outcome;
      if (outcome.kind !== "connected") throw new Error(`connect failed: ${outcome.kind}`);
    }
    opts.log(`drive: ${opts.files} files, ZIP ${(zip.bytes.length / MB).toFixed(1)} MB stored; uploading`);
    const spec: DriveCaseSpec = {
      case: "drive",
      uri: opts.uri,
      dbName,
      userId: USER,
      backupId: backup.id,
      warmUserId: WARM_USER,
      warmBackupId: warm.id,
      googleRoot: google.root,
      clientId: google.clientId,
      clientSecret: google.clientSecret,
      key: key.toString("base64"),
    };
    const upload = await forkCase<DriveCaseResult>(CASES, "--drive-case", spec);
    const expected = createHash("md5").update(zip.bytes).digest("hex");
    const onDrive = google.files("bench@example.com");
    if (upload.md5 !== expected || onDrive.length !== 1 || onDrive[0]!.md5Checksum !== expected) throw new Error("the uploaded copy does not match the backup");
    return { files: opts.files, zipBytes: zip.bytes.length, upload };
  } finally {
    await db.dropDatabase().catch(() => {});
    await google.close();
  }
}

export function driveReport(r: DriveBenchResult, mongoLabel: string): string {
  const now = new Date().toISOString().slice(0, 16).replace("T", " ");
  const growth = (r.upload.peak - r.upload.base) / MB;
  const rate = r.zipBytes / MB / (r.upload.ms / 1000);
  return [
    "## Google Drive upload (`npm run bench -- --only drive`)",
    "",
    `Measured ${now} UTC, Node ${process.version}, ${os.availableParallelism()} cores; MongoDB: ${mongoLabel}; Google: the fake`,
    "(test/support/fake-google) in the parent process over loopback. One run in a fresh child process;",
    "+RSS = peak RSS above the child's baseline (after connecting and a 50-file warm-up upload).",
    "",
    markdownTable(
      ["backup", "case", "s", "MB/s (ZIP)", "+RSS MB"],
      [
        [
          `${r.files.toLocaleString("en-US")} files, ZIP ${(r.zipBytes / MB).toFixed(1)} MB`,
          r.zipBytes > 5 * 1024 * 1024
            ? "`DriveService.upload`: GridFS → resumable session, 8 MiB chunks, md5 check"
            : "`DriveService.upload`: GridFS → one multipart request, md5 check",
          (r.upload.ms / 1000).toFixed(2),
          rate.toFixed(0),
          `+${growth.toFixed(1)}`,
        ],
      ],
      ["l", "l", "r", "r", "r"],
    ),
    "",
    markdownTable(
      ["goal", "measured", "result"],
      [[`upload +RSS ≤ ${DRIVE_GOAL_RSS_MB} MB, not following the ZIP size`, `+${growth.toFixed(1)} MB for a ${(r.zipBytes / MB).toFixed(1)} MB ZIP`, growth <= DRIVE_GOAL_RSS_MB ? "PASS" : "**FAIL**"]],
    ),
  ].join("\n");
}

export function writeDriveReport(section: string): void {
  writeSection(REPORT, "drive", section, "# Performance\n");
}

function option(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

/** Alone: starts the test MongoDB server (or uses MONGODB_URI) and runs the case. */
async function standalone(): Promise<void> {
  const external = process.env.MONGODB_URI?.trim();
  let stop = async () => {};
  let uri = external;
  let label = "MongoDB from MONGODB_URI";
  if (!uri) {
    const port = await freePort();
    const server = startProcess("npm", ["run", "--silent", "test:mongo", "--", "--port", String(port)], {});
    [uri] = await server.waitForOutput(/mongodb:\/\/\S+/, 60_000);
    stop = async () => void (await server.stop());
    label = "the test wire-protocol server (`npm run test:mongo`) in its own process";
  }
  const client = new MongoClient(uri!, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    const result = await benchDrive({ files: Number(option("files", "10000")), seed: Number(option("seed", "42")), uri: uri!, client, log: (l) => process.stderr.write(`${l}\n`) });
    const section = driveReport(result, label);
    console.log(section);
    if (!process.argv.includes("--no-write")) writeDriveReport(section);
  } finally {
    await client.close();
    await stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await standalone();
