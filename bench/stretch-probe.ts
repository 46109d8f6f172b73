/**
 * A focused check of issue 11 point 3 without the whole bench: the longest main-thread
 * stretch (bench/loop-delay.ts: CPU time between two 1 ms ticks, and the wall-time
 * event-loop delay) during each heavy operation on one N-file library, in this process,
 * against the test MongoDB server in its own process (or MONGODB_URI).
 *
 *   node --import tsx bench/stretch-probe.ts [--files 10000] [--only verify,unchanged]
 *
 * Operations, in order: staging the sent ZIP (stage), restore into an empty library (preview + apply of a staged
 * upload), create, verify, restore of that backup into the unchanged library
 * (preview + apply), import (keepUpload). One small warm-up round of each comes first.
 */
import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import * as os from "node:os";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { MongoClient } from "mongodb";
import { createServices, type Services } from "../src/app.js";
import { writeBackupArchive } from "../src/archive/archive-writer.js";
import { ensureIndexes } from "../src/db/collections.js";
import { Events } from "../src/events.js";
import { createLogger } from "../src/logger.js";
import { archiveSourceOf, generateCorpus } from "./corpus.js";
import { formatLoopDelay, startLoopDelay } from "./loop-delay.js";

const { values } = parseArgs({ options: { files: { type: "string", default: "10000" }, only: { type: "string" } } });
const FILES = Number(values.files);
const only = values.only ? new Set(values.only.split(",")) : undefined;

async function zipOf(files: number, seed: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      parts.push(chunk);
      cb();
    },
  });
  const header = { backupId: "0123456789abcdef01234567", type: "full_backup", createdAt: new Date("2025-01-15T10:30:00Z"), userId: 1 };
  await writeBackupArchive(out, archiveSourceOf(generateCorpus({ files, seed })), header);
  return Buffer.concat(parts);
}

async function startServer(): Promise<{ uri: string; stop(): void }> {
  const external = process.env.MONGODB_URI?.trim();
  if (external) return { uri: external, stop() {} };
  const port = randomInt(20_000, 60_000);
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/mongo-server/serve.ts", "--port", String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  const uri = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (d: Buffer) => {
      text += d.toString();
      const m = /mongodb:\/\/\S+/.exec(text);
      if (m) resolve(m[0]);
    });
    child.once("exit", (code) => reject(new Error(`test server exited ${code}`)));
  });
  return { uri, stop: () => child.kill("SIGTERM") };
}

/** Runs `op` under the probe and prints its figures; a skipped operation still runs (later ones need it), unprobed. */
async function measure<T>(name: string, op: () => Promise<T>): Promise<T> {
  if (only && !only.has(name)) return op();
  const load = os.loadavg()[0]!.toFixed(1);
  const probe = startLoopDelay();
  const t = performance.now();
  const result = await op();
  const ms = performance.now() - t;
  const d = await probe.stop();
  console.log(`${name.padEnd(14)} ${ms.toFixed(0).padStart(6)} ms   delay max / p99 ${formatLoopDelay(d)}   load ${load}`);
  return result;
}

async function round(services: Services, zip: Buffer, user: number, importer: number, label: (s: string) => string): Promise<void> {
  const upload = await measure(label("stage"), () => services.restore.stageUpload(user, zip, "corpus.zip"));
  await measure(label("empty"), async () => {
    await services.restore.preview(user, { uploadId: upload });
    return services.restore.apply(user, { uploadId: upload }, {});
  });
  await services.restore.endUpload(user, upload);
  const backup = await measure(label("create"), () => services.backups.create(user));
  const verified = await measure(label("verify"), () => services.backups.verify(user, backup.id));
  if (!verified.ok) throw new Error("verify failed");
  const restored = await measure(label("unchanged"), async () => {
    await services.restore.preview(user, { backupId: backup.id });
    return services.restore.apply(user, { backupId: backup.id }, {});
  });
  if (restored.unchanged !== backup.fileCount) throw new Error(`unchanged ${restored.unchanged} of ${backup.fileCount}`);
  const staged = await services.restore.stageUpload(importer, zip, "import.zip");
  await measure(label("import"), () => services.restore.keepUpload(importer, staged));
}

const server = await startServer();
const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 10_000 });
try {
  await client.connect();
  const db = client.db(`stretch_${Date.now()}`);
  await ensureIndexes(db);
  const services = createServices({ db, events: new Events(createLogger("silent")) });
  console.log(`Node ${process.version}, ${FILES} files; CPU = longest main-thread CPU stretch, GC = longest GC pause (ms)`);
  await round(services, await zipOf(200, 7), 101, 102, (s) => `warm-${s}`);
  await round(services, await zipOf(FILES, 1), 1, 2, (s) => s);
  await db.dropDatabase();
} finally {
  await client.close();
  server.stop();
}
