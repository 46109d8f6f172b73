/**
 * One restore benchmark case per child process (forked by bench/restore-bench.ts
 * with --expose-gc), so each peak-RSS figure starts from a clean process:
 *
 *   timing     reference, read+validate and two diagnostics alternated for N rounds (medians; ratios within one process)
 *   reference  node:zlib inflateRawSync over every entry's compressed bytes, once   (+RSS)
 *   load       loadArchive(bytes): validate and read the whole archive, once         (+RSS)
 *   empty      RestoreService.apply into a library without those files              (+RSS, commands)
 *   unchanged  RestoreService.apply of the same archive again: every file unchanged  (+RSS, commands)
 *   import     RestoreService.keepUpload: the archive, staged as an upload, kept as an imported backup (+RSS)
 *
 * load, empty, unchanged and import also measure the event-loop delay of their run (bench/loop-delay.ts).
 *
 * The MongoDB cases restore as the bot does, from the archive staged as an upload
 * (`{ uploadId }`): reading it back is part of the measured restore.
 * The baseline is RSS after the archive is read from disk (and, for the MongoDB
 * cases, after connecting, staging it and one small warm-up restore of the same
 * kind), after a full GC. The MongoDB cases count every command the driver sends during the
 * measured restore (command monitoring on the services' own client).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as zlib from "node:zlib";
import { MongoClient, type CommandFailedEvent, type CommandStartedEvent, type CommandSucceededEvent } from "mongodb";
import { createServices } from "../src/app.js";
import { openZip, type ZipEntry } from "../src/archive/zip/index.js";
import { Events } from "../src/events.js";
import { createLogger } from "../src/logger.js";
import { loadArchive } from "../src/archive/archive-loader.js";
import type { RestoreResult } from "../src/restore/restore-types.js";
import { serveCase } from "./child-case.js";
import { startLoopDelay, type LoopDelay } from "./loop-delay.js";
import { startRssProbe } from "./rss-probe.js";

export type RestoreCaseSpec =
  | { case: "timing"; zipFile: string; rounds: number }
  | { case: "reference"; zipFile: string }
  | { case: "load"; zipFile: string }
  | { case: "empty" | "unchanged" | "import"; zipFile: string; warmZipFile: string; uri: string; dbName: string; userId: number; warmUserId: number };

/** Commands of one name (and collection) sent during the measured restore, and their summed round-trip time. */
export interface CommandTally {
  name: string;
  count: number;
  ms: number;
}

export interface RestoreCaseResult {
  ms: number;
  /** RSS at the start of the measured run, bytes. */
  base: number;
  /** Peak RSS during it, bytes. */
  peak: number;
  /** Event-loop delay during it. */
  loop?: LoopDelay;
  /** 1-minute load average of the machine when the case started (shared machine). */
  load?: number;
  timing?: { referenceMs: number[]; sizedMs: number[]; floorMs: number[]; loadMs: number[] };
  /** Files loadArchive returned (load case). */
  files?: number;
  result?: RestoreResult;
  commands?: CommandTally[];
}

/** Each entry's raw (compressed) bytes, located by the reader, and its declared size. */
function rawEntries(zip: Buffer): { raw: Buffer; size: number }[] {
  return openZip(zip, { maxEntries: Number.MAX_SAFE_INTEGER }).flatMap((e) => {
    if (e.isDirectory) return [];
    const { dataStart } = e as ZipEntry & { dataStart?: unknown };
    if (typeof dataStart !== "number") throw new Error("the ZIP reader no longer exposes entry offsets (dataStart)");
    return [{ raw: zip.subarray(dataStart, dataStart + e.compressedSize), size: e.size }];
  });
}

/** The reference: inflate every entry, nothing else (no CRC, no checksums, no text decoding). */
function inflateAll(entries: { raw: Buffer }[]): void {
  for (const e of entries) zlib.inflateRawSync(e.raw);
}

/** The same with the output buffer sized to the entry, as the ZIP reader asks zlib for. Diagnostic. */
function inflateAllSized(entries: { raw: Buffer; size: number }[]): void {
  for (const e of entries) zlib.inflateRawSync(e.raw, { chunkSize: Math.max(64, e.size + 1) });
}

/**
 * The least any validating reader has to do per entry, with none of our code: inflate
 * (output sized to the entry), CRC-32, SHA-256 (the manifest check, and the library's
 * key for "unchanged") and strict UTF-8 decoding, keeping the texts as loadArchive does.
 * Diagnostic: how close to the reference the goal can get on this machine.
 */
function floorAll(entries: { raw: Buffer; size: number }[]): void {
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const texts: string[] = [];
  for (const e of entries) {
    const out = zlib.inflateRawSync(e.raw, { chunkSize: Math.max(64, e.size + 1) });
    zlib.crc32(out);
    createHash("sha256").update(out).digest("hex");
    texts.push(utf8.decode(out));
  }
  if (texts.length !== entries.length) throw new Error("unreachable");
}

/** What restore does first: loadArchive with restore's own (import) limits; the file count. */
async function load(zip: Buffer): Promise<number> {
  return (await loadArchive(zip)).files.length;
}

export async function runRestoreCase(spec: RestoreCaseSpec): Promise<RestoreCaseResult> {
  const probe = await startRssProbe();
  try {
    const zip = fs.readFileSync(spec.zipFile);
    if (spec.case === "timing") {
      const entries = rawEntries(zip);
      inflateAll(entries); // warm-up
      inflateAllSized(entries);
      floorAll(entries);
      await load(zip);
      const timing = { referenceMs: [] as number[], sizedMs: [] as number[], floorMs: [] as number[], loadMs: [] as number[] };
      for (let r = 0; r < spec.rounds; r++) {
        let t = performance.now();
        inflateAll(entries);
        timing.referenceMs.push(performance.now() - t);
        t = performance.now();
        await load(zip);
        timing.loadMs.push(performance.now() - t);
        t = performance.now();
        inflateAllSized(entries);
        timing.sizedMs.push(performance.now() - t);
        t = performance.now();
        floorAll(entries);
        timing.floorMs.push(performance.now() - t);
      }
      return { ms: 0, base: 0, peak: 0, timing };
    }
    if (spec.case === "reference") {
      const entries = rawEntries(zip);
      const base = probe.begin();
      const t = performance.now();
      inflateAll(entries);
      const ms = performance.now() - t;
      return { ms, base, peak: probe.end() };
    }
    if (spec.case === "load") {
      const loadavg = os.loadavg()[0];
      const base = probe.begin();
      const loop = startLoopDelay();
      const t = performance.now();
      const files = await load(zip);
      const ms = performance.now() - t;
      return { ms, base, peak: probe.end(), loop: await loop.stop(), load: loadavg, files };
    }

    const warmZip = fs.readFileSync(spec.warmZipFile);
    const client = new MongoClient(spec.uri, { monitorCommands: true, serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    try {
      const services = createServices({ db: client.db(spec.dbName), events: new Events(createLogger("silent")) });
      if (spec.case === "import") {
        await services.restore.keepUpload(spec.warmUserId, await services.restore.stageUpload(spec.warmUserId, warmZip, "warm.zip"));
        const uploadId = await services.restore.stageUpload(spec.userId, zip, "corpus.zip");
        const loadavg = os.loadavg()[0];
        const base = probe.begin();
        const loop = startLoopDelay();
        const t = performance.now();
        const kept = await services.restore.keepUpload(spec.userId, uploadId);
        const ms = performance.now() - t;
        return { ms, base, peak: probe.end(), loop: await loop.stop(), load: loadavg, files: kept.fileCount };
      }
      // Warm-up: the same kind of restore (into nothing / of unchanged files) for a small user.
      const warmUpload = await services.restore.stageUpload(spec.warmUserId, warmZip, "warm.zip");
      await services.restore.apply(spec.warmUserId, { uploadId: warmUpload }, {});
      const source = { uploadId: await services.restore.stageUpload(spec.userId, zip, "restore.zip") };

      const started = new Map<number, string>();
      const tally = new Map<string, CommandTally>();
      const onStart = (e: CommandStartedEvent) => {
        const target: unknown = e.command[e.commandName];
        started.set(e.requestId, typeof target === "string" ? `${e.commandName} ${target}` : e.commandName);
      };
      const onEnd = (e: CommandSucceededEvent | CommandFailedEvent) => {
        const name = started.get(e.requestId);
        if (name === undefined) return;
        started.delete(e.requestId);
        const t = tally.get(name) ?? { name, count: 0, ms: 0 };
        t.count++;
        t.ms += e.duration;
        tally.set(name, t);
      };
      const loadavg = os.loadavg()[0];
      const base = probe.begin();
      client.on("commandStarted", onStart);
      client.on("commandSucceeded", onEnd);
      client.on("commandFailed", onEnd);
      const loop = startLoopDelay();
      const t = performance.now();
      const result = await services.restore.apply(spec.userId, source, {});
      const ms = performance.now() - t;
      const loopDelay = await loop.stop();
      const peak = probe.end();
      client.off("commandStarted", onStart);
      client.off("commandSucceeded", onEnd);
      client.off("commandFailed", onEnd);
      if (started.size) throw new Error(`${started.size} commands of the restore never finished`);
      return { ms, base, peak, loop: loopDelay, load: loadavg, result, commands: [...tally.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)) };
    } finally {
      await client.close();
    }
  } finally {
    probe.close();
  }
}

serveCase("--restore-case", runRestoreCase);
