/**
 * One benchmark case per child process (forked by bench/run.ts with --expose-gc),
 * so each peak-RSS figure starts from a clean process:
 *
 *   timing     reference and archive alternated for N rounds (medians; ratio within one process)
 *   reference  node:zlib deflateRawSync over every file, once            (+RSS)
 *   archive    writeBackupArchive → discarding Writable, once            (+RSS, starting the deflate workers included)
 *   pool       the deflate workers alone: started by a one-file archive, then idle (+RSS: what a warm pool holds)
 *   read       FileLibrary.iterateForBackup alone (Mongo → contents)     (+RSS, diagnostic)
 *   create     BackupService.create: Mongo cursor → ZIP → GridFS         (+RSS)
 *   verify     BackupService.verify of that backup                       (+RSS)
 *
 * The baseline is RSS after the corpus is loaded (or, for the Mongo cases, after
 * connecting and one small warm-up run of the same operation), after a full GC.
 * The archive, create and verify cases also measure the event-loop delay of their run
 * (bench/loop-delay.ts): how long another user's update could wait meanwhile.
 */
import * as os from "node:os";
import { Writable } from "node:stream";
import * as zlib from "node:zlib";
import { createServices, type Services } from "../src/app.js";
import { writeBackupArchive, type ArchiveSourceFile } from "../src/archive/archive-writer.js";
import { connectDatabase, type Database } from "../src/db/connect.js";
import { Events } from "../src/events.js";
import { createLogger } from "../src/logger.js";
import { loadCorpus } from "./corpus-cache.js";
import { serveCase } from "./child-case.js";
import { archiveSourceOf, type CorpusFile } from "./corpus.js";
import { startLoopDelay, type LoopDelay } from "./loop-delay.js";
import { startMemoryParts, type MemoryParts } from "./memory-parts.js";
import { startRssProbe } from "./rss-probe.js";

export const LEVEL = 6;

export type CaseSpec =
  | { case: "timing"; corpusFile: string; rounds: number }
  | { case: "reference"; corpusFile: string }
  | { case: "archive"; corpusFile: string }
  | { case: "pool" }
  | { case: "read"; uri: string; dbName: string; userId: number; warmUserId: number }
  | { case: "create"; uri: string; dbName: string; userId: number; warmUserId: number }
  | { case: "verify"; uri: string; dbName: string; userId: number; backupId: string; warmUserId: number };

export interface CaseResult {
  ms: number;
  /** RSS at the start of the measured run, bytes. */
  base: number;
  /** Peak RSS during it, bytes. */
  peak: number;
  /** Event-loop delay during it (archive, create, verify). */
  loop?: LoopDelay;
  /** 1-minute load average of the machine when the case started (shared machine). */
  load?: number;
  /** What the peak was made of (create). */
  parts?: MemoryParts;
  timing?: { referenceMs: number[]; archiveMs: number[] };
  backup?: { id: string; fileCount: number; totalSize: number; zipSize: number };
  verifyOk?: boolean;
  readFiles?: number;
}

const HEADER = { backupId: "0123456789abcdef01234567", type: "full_backup", createdAt: new Date("2025-01-15T10:30:00Z"), userId: 1 };

function discard(): Writable {
  return new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });
}

const reference = (corpus: CorpusFile[]) => {
  for (const f of corpus) zlib.deflateRawSync(f.content, { level: LEVEL });
};
const archive = async (source: ArchiveSourceFile[]) => {
  await writeBackupArchive(discard(), source, HEADER, { level: LEVEL });
};

async function open(uri: string, dbName: string): Promise<{ database: Database; services: Services }> {
  const logger = createLogger("silent");
  const database = await connectDatabase({ uri, dbName, dataDir: "/nonexistent", logger });
  return { database, services: createServices({ db: database.db, events: new Events(logger) }) };
}

async function drain(services: Services, userId: number): Promise<number> {
  let n = 0;
  for await (const _ of services.bulk.iterateForBackup(userId, { withHistory: false })) n++;
  return n;
}

export async function runCase(spec: CaseSpec): Promise<CaseResult> {
  const probe = await startRssProbe();
  try {
    if (spec.case === "timing") {
      const corpus = loadCorpus(spec.corpusFile);
      const source = archiveSourceOf(corpus);
      reference(corpus); // warm-up
      await archive(source);
      const timing = { referenceMs: [] as number[], archiveMs: [] as number[] };
      for (let r = 0; r < spec.rounds; r++) {
        let t = performance.now();
        reference(corpus);
        timing.referenceMs.push(performance.now() - t);
        t = performance.now();
        await archive(source);
        timing.archiveMs.push(performance.now() - t);
      }
      return { ms: 0, base: 0, peak: 0, timing };
    }
    if (spec.case === "pool") {
      const base = probe.begin();
      await archive(archiveSourceOf([{ name: "a.ts", content: Buffer.from("export const a = 1;\n") }]));
      await new Promise((resolve) => setTimeout(resolve, 200));
      global.gc?.();
      return { ms: 0, base, peak: probe.end() };
    }
    if (spec.case === "reference" || spec.case === "archive") {
      const corpus = loadCorpus(spec.corpusFile);
      const source = spec.case === "archive" ? archiveSourceOf(corpus) : [];
      const load = os.loadavg()[0];
      const base = probe.begin();
      const loop = spec.case === "archive" ? startLoopDelay() : undefined;
      const t = performance.now();
      if (spec.case === "reference") reference(corpus);
      else await archive(source);
      const ms = performance.now() - t;
      return { ms, base, peak: probe.end(), loop: await loop?.stop(), load };
    }

    const { database, services } = await open(spec.uri, spec.dbName);
    try {
      if (spec.case === "read") {
        await drain(services, spec.warmUserId);
        const base = probe.begin();
        const t = performance.now();
        const readFiles = await drain(services, spec.userId);
        const ms = performance.now() - t;
        return { ms, base, peak: probe.end(), readFiles };
      }
      if (spec.case === "create") {
        await services.backups.create(spec.warmUserId);
        const load = os.loadavg()[0];
        const base = probe.begin();
        const loopProbe = startLoopDelay();
        const partsProbe = startMemoryParts();
        const t = performance.now();
        const b = await services.backups.create(spec.userId);
        const ms = performance.now() - t;
        const parts = partsProbe.stop();
        const peak = probe.end();
        const loop = await loopProbe.stop();
        return { ms, base, peak, loop, load, parts, backup: { id: b.id, fileCount: b.fileCount, totalSize: b.totalSize, zipSize: b.zipSize } };
      }
      const [warm] = (await services.backups.list(spec.warmUserId)).items;
      if (warm) await services.backups.verify(spec.warmUserId, warm.id);
      const load = os.loadavg()[0];
      const base = probe.begin();
      const loopProbe = startLoopDelay();
      const t = performance.now();
      const result = await services.backups.verify(spec.userId, spec.backupId);
      const ms = performance.now() - t;
      const loop = await loopProbe.stop();
      return { ms, base, peak: probe.end(), loop, load, verifyOk: result.ok };
    } finally {
      await database.close();
    }
  } finally {
    probe.close();
  }
}

serveCase("--case", runCase);
