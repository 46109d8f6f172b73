/**
 * Reading a big archive's entries on worker threads (entry-worker.mjs). Inflating,
 * checking and hashing 60 MB of sources is ~0.35 s of one core, more than the 0.7×
 * of bare inflation restore aims for; split over the cores it is a fraction of
 * that. This thread parses metadata.json meanwhile and takes in the answers
 * (decoding the texts, which must be strings of this thread).
 *
 * Workers: one per core (2 to 4; none on a single core), started on first use and
 * stopped after five quiet minutes (a restore reads its archive twice: for the
 * preview, then once the user has decided). They never keep the process alive
 * while idle. A worker that fails hands its batch back to this thread, so a
 * restore never fails for want of threads.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { ZipError, type EntryLocation, type ZipEntry, type ZipErrorCode } from "../backups/zip/index.js";
import { archiveErrorOf, examineBytes, examineEntry, type ExaminedEntries } from "./archive-entries.js";

/** Archives declaring less than this (uncompressed) are read on this thread alone. */
export const WORKERS_MIN_BYTES = 4 * 1024 * 1024;
/** One batch: consecutive entries declaring about this many bytes (or this many entries). */
const BATCH_BYTES = 1024 * 1024;
const BATCH_ENTRIES = 256;
/** Batches posted to a worker at once, so it has the next one while this thread takes in the last. */
const IN_FLIGHT = 2;
const IDLE_MS = 5 * 60_000;

/** Worker threads reading entries: one per core, at most 4; none where there is only one core. */
export function entryWorkerCount(): number {
  const cores = availableParallelism();
  return cores < 2 ? 0 : Math.min(4, cores);
}

export interface EntryTask {
  id: number;
  archive: SharedArrayBuffer;
  entries: EntryLocation[];
}

/**
 * One entry: the length and sha256 of its bytes, which are `buffers[buffer]` (from its
 * start) or, when `buffer` is -1, the next `length` bytes of `small`; or why it cannot be read.
 */
export type EntryOutcome = { length: number; digest: string; buffer: number } | { code: ZipErrorCode; message: string };

export interface EntryTaskReply {
  id: number;
  outcomes?: EntryOutcome[];
  buffers?: ArrayBuffer[];
  small?: ArrayBuffer;
  /** The worker itself failed (a bug, not the archive). */
  failure?: string;
}

class WorkerFailure extends Error {}

/** One worker thread; it answers its tasks in the order they were posted. */
class EntryWorker {
  private readonly worker = new Worker(new URL("./entry-worker.mjs", import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  private readonly pending: { resolve: (reply: EntryTaskReply) => void; reject: (err: Error) => void }[] = [];
  private nextId = 0;
  answered = false;
  gone = false;

  constructor(onGone: (worker: EntryWorker) => void) {
    this.worker.unref();
    this.worker.on("message", (reply: EntryTaskReply) => {
      const done = this.pending.shift();
      this.answered = true;
      if (!this.pending.length) this.worker.unref();
      if (reply.failure !== undefined) done?.reject(new WorkerFailure(`entry worker: ${reply.failure}`));
      else done?.resolve(reply);
    });
    const lost = (err: Error): void => {
      if (this.gone) return;
      this.gone = true;
      for (const p of this.pending.splice(0)) p.reject(new WorkerFailure(err.message, { cause: err }));
      onGone(this);
    };
    this.worker.on("error", lost);
    this.worker.on("exit", (code) => lost(new Error(`entry worker exited with code ${code}`)));
  }

  run(archive: SharedArrayBuffer, entries: EntryLocation[]): Promise<EntryTaskReply> {
    if (this.gone) return Promise.reject(new WorkerFailure("entry worker is gone"));
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.ref(); // tasks under way keep the process alive
      this.worker.postMessage({ id: this.nextId++, archive, entries } satisfies EntryTask);
    });
  }

  stop(): void {
    this.gone = true;
    void this.worker.terminate();
  }
}

class EntryPool {
  private readonly list: EntryWorker[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  private users = 0;
  /** A worker failed before any had answered: workers cannot run here. */
  unusable = false;

  /** The workers for one read, started if need be; `release` when done with them. */
  acquire(): EntryWorker[] {
    clearTimeout(this.idleTimer);
    this.users++;
    while (this.list.length < entryWorkerCount()) {
      this.list.push(
        new EntryWorker((w) => {
          if (!this.list.some((x) => x.answered)) this.unusable = true;
          this.list.splice(this.list.indexOf(w), 1);
        }),
      );
    }
    return [...this.list];
  }

  release(): void {
    if (--this.users > 0) return;
    this.idleTimer = setTimeout(() => {
      for (const w of this.list.splice(0)) w.stop();
    }, IDLE_MS).unref();
  }
}

let pool: EntryPool | undefined;

/** Consecutive entries of about BATCH_BYTES. */
function batchesOf(files: ZipEntry[]): ZipEntry[][] {
  const batches: ZipEntry[][] = [];
  let batch: ZipEntry[] = [];
  let bytes = 0;
  for (const entry of files) {
    batch.push(entry);
    bytes += entry.size;
    if (bytes >= BATCH_BYTES || batch.length >= BATCH_ENTRIES) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length) batches.push(batch);
  return batches;
}

/**
 * Like examineInThread, with the entries read by worker threads. `first` runs on
 * this thread while they work (the caller parses metadata.json there); if it
 * throws, the workers' batches are let go and its error is thrown.
 */
export async function examineInParallel(archive: Buffer, entries: ZipEntry[], first: () => void = () => {}): Promise<ExaminedEntries> {
  const files = entries.filter((e) => !e.isDirectory);
  const batches = batchesOf(files);
  const results = new Map<ZipEntry, ReturnType<typeof examineEntry>>();
  const inThread = (batch: ZipEntry[]) => {
    for (const entry of batch) results.set(entry, examineEntry(entry));
  };

  pool ??= new EntryPool();
  const workers = pool.unusable ? [] : pool.acquire();
  const shared = new SharedArrayBuffer(workers.length ? archive.length : 0);
  new Uint8Array(shared).set(workers.length ? archive : []);
  let next = 0;
  let stopped = false;
  const feed = async (worker: EntryWorker): Promise<void> => {
    while (!stopped && next < batches.length) {
      const batch = batches[next++]!;
      let reply: EntryTaskReply;
      try {
        reply = await worker.run(shared, batch.map((e) => e.location));
      } catch (err) {
        if (!(err instanceof WorkerFailure)) throw err;
        if (!stopped) inThread(batch); // the batch comes back to this thread
        return;
      }
      takeIn(batch, reply, results);
    }
  };
  const feeders = workers.flatMap((w) => Array.from({ length: IN_FLIGHT }, () => feed(w)));
  try {
    first();
    await Promise.all(feeders);
    while (next < batches.length) inThread(batches[next++]!); // no workers could take them
  } catch (err) {
    stopped = true;
    await Promise.allSettled(feeders);
    throw err;
  } finally {
    if (workers.length) pool.release();
  }
  // In archive order, as examineInThread gives them.
  return new Map(files.map((e) => [e, results.get(e)!]));
}

/** A worker's answer for `batch`, examined here (text decoding needs this thread's strings). */
function takeIn(batch: ZipEntry[], reply: EntryTaskReply, results: Map<ZipEntry, ReturnType<typeof examineEntry>>): void {
  let offset = 0;
  reply.outcomes!.forEach((outcome, i) => {
    const entry = batch[i]!;
    if ("code" in outcome) {
      results.set(entry, archiveErrorOf(new ZipError(outcome.code, outcome.message, entry.name)));
      return;
    }
    const own = outcome.buffer >= 0;
    const bytes = Buffer.from(own ? reply.buffers![outcome.buffer]! : reply.small!, own ? 0 : offset, outcome.length);
    if (!own) offset += outcome.length;
    results.set(entry, examineBytes(bytes, outcome.digest));
  });
}
