/**
 * Reading a big archive's entries on worker threads (entry-worker.mjs): inflating,
 * checking and hashing 60 MB of sources takes ~0.4 s of one core; split over the
 * cores it takes a fraction of that, and the bot's event loop stays free.
 *
 * A small pool, started on first use and stopped after five quiet minutes (a restore
 * reads its archive twice: for the preview, then again once the user has decided). Workers
 * never keep the process alive while idle. If workers cannot run at all, the
 * entries are read on this thread instead (with a process warning): a restore
 * never fails for want of threads.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { ZipError, type EntryLocation, type ZipEntry, type ZipErrorCode } from "../backups/zip/index.js";
import { archiveErrorOf, examineBytes, examineInThread, type ExaminedEntries, type ExaminedEntry } from "./archive-entries.js";
import { ArchiveError } from "./archive-types.js";

/** Archives declaring less than this (uncompressed) are read on this thread: starting workers would cost more. */
export const WORKERS_MIN_BYTES = 4 * 1024 * 1024;
/** One task: consecutive entries declaring about this many bytes (or this many entries). */
const TASK_BYTES = 1024 * 1024;
const TASK_ENTRIES = 256;
const IN_FLIGHT = 2;
const IDLE_MS = 5 * 60_000;

/** Workers in the pool: one per core the process may use, 1 to 4. */
export function entryWorkerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
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

interface Pending {
  task: EntryTask;
  resolve: (reply: EntryTaskReply) => void;
  reject: (err: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  /** Tasks posted to it, oldest first. */
  busy: Pending[];
}

class WorkerFailure extends Error {}

class EntryPool {
  private readonly size = entryWorkerCount();
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Pending[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  /** No worker has ever answered, and one failed: workers cannot run here. */
  private answered = false;
  unusable = false;

  run(task: EntryTask): Promise<EntryTaskReply> {
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    clearTimeout(this.idleTimer);
    while (this.queue.length && this.workers.length < this.size && !this.workers.some((w) => !w.busy.length)) this.workers.push(this.spawn());
    // Each worker gets up to IN_FLIGHT tasks, so it starts the next one while this thread takes in the last.
    for (let round = 0; round < IN_FLIGHT; round++) {
      for (const w of this.workers) {
        if (w.busy.length > round || !this.queue.length) continue;
        const next = this.queue.shift()!;
        w.busy.push(next);
        w.worker.ref(); // tasks under way keep the process alive, an idle worker does not
        w.worker.postMessage(next.task);
      }
    }
    if (this.workers.length && this.workers.every((w) => !w.busy.length)) {
      this.idleTimer = setTimeout(() => this.stop(), IDLE_MS).unref();
    }
  }

  private spawn(): PoolWorker {
    const w: PoolWorker = { worker: startWorker(), busy: [] };
    w.worker.unref();
    w.worker.on("message", (reply: EntryTaskReply) => {
      const done = w.busy.shift(); // a worker answers its tasks in order
      this.answered = true;
      if (!w.busy.length) w.worker.unref();
      if (reply.failure !== undefined) done?.reject(new Error(`entry worker: ${reply.failure}`));
      else done?.resolve(reply);
      this.dispatch();
    });
    const lost = (err: Error): void => {
      const i = this.workers.indexOf(w);
      if (i < 0) return;
      this.workers.splice(i, 1);
      if (!this.answered) this.unusable = true;
      for (const p of w.busy.splice(0)) p.reject(new WorkerFailure(err.message, { cause: err }));
      // Nobody left to take the queue (workers cannot start here): fail it rather than respawn forever.
      if (!this.workers.length) for (const p of this.queue.splice(0)) p.reject(new WorkerFailure(err.message, { cause: err }));
      this.dispatch();
    };
    w.worker.on("error", lost);
    w.worker.on("exit", (code) => lost(new Error(`entry worker exited with code ${code}`)));
    return w;
  }

  private stop(): void {
    for (const w of this.workers.splice(0)) void w.worker.terminate();
  }
}

function startWorker(): Worker {
  return new Worker(new URL("./entry-worker.mjs", import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
}

let pool: EntryPool | undefined;

/** Like examineInThread, with the reading and hashing done by worker threads. */
export async function examineInWorkers(archive: Buffer, entries: ZipEntry[]): Promise<ExaminedEntries> {
  const shared = new SharedArrayBuffer(archive.length);
  new Uint8Array(shared).set(archive);
  const files = entries.filter((e) => !e.isDirectory);
  const batches: ZipEntry[][] = [];
  let batch: ZipEntry[] = [];
  let bytes = 0;
  for (const entry of files) {
    batch.push(entry);
    bytes += entry.size;
    if (bytes >= TASK_BYTES || batch.length >= TASK_ENTRIES) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length) batches.push(batch);

  pool ??= new EntryPool();
  if (pool.unusable) return examineInThread(entries);
  const results = new Map<ZipEntry, ExaminedEntry | ArchiveError>();
  try {
    await Promise.all(
      batches.map(async (entriesOfTask, id) => {
        const reply = await pool!.run({ id, archive: shared, entries: entriesOfTask.map((e) => e.location) });
        let offset = 0;
        reply.outcomes!.forEach((outcome, i) => {
          const entry = entriesOfTask[i]!;
          if ("code" in outcome) {
            results.set(entry, archiveErrorOf(new ZipError(outcome.code, outcome.message, entry.name)));
            return;
          }
          const own = outcome.buffer >= 0;
          const bytes = Buffer.from(own ? reply.buffers![outcome.buffer]! : reply.small!, own ? 0 : offset, outcome.length);
          if (!own) offset += outcome.length;
          results.set(entry, examineBytes(bytes, outcome.digest));
        });
      }),
    );
  } catch (err) {
    if (!(err instanceof WorkerFailure)) throw err;
    process.emitWarning(`Reading archives on worker threads failed (${err.message}); reading on the main thread instead`);
    return examineInThread(entries);
  }
  // In archive order, as examineInThread gives them.
  return new Map(files.map((e) => [e, results.get(e)!]));
}
