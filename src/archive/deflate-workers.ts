/**
 * A small pool of worker threads that deflate batches of archive entries (deflate-worker.js),
 * so a backup's DEFLATE runs on every core while the main thread only packs entries, writes
 * ZIP records and the manifest.
 *
 * - `size` workers (default: 2, or 1 on a single core), all started at the first batch (and
 *   again after a failure or an idle stop); a batch goes to the worker with the fewest queued.
 *   Concurrent backups share the pool, so they never deflate on more threads than that.
 * - Idle costs nothing: `idleMs` (default 30 s) after the last batch the workers are stopped
 *   (two warm workers hold ~17 MB of RSS on Node 20, ~25 MB on Node 24), and an idle worker never
 *   keeps the process alive.
 * - A worker that fails or exits takes only its own batches down: they reject, and the next
 *   batch starts a new worker. `close()` rejects whatever is still queued.
 */
import * as os from "node:os";
import { Worker } from "node:worker_threads";

/** One batch's answer: entry i's payload is `packed[offset_i, offset_i + sizes[i])`, in order. */
export interface DeflatedBatch {
  /** The input buffer, handed back for the next batch. */
  input: ArrayBuffer;
  packed: Uint8Array;
  crcs: Uint32Array;
  /** Payload lengths (compressed, or the entry's length when stored). */
  sizes: Uint32Array;
  /** 1 where the entry is stored (DEFLATE did not shrink it). */
  stored: Uint8Array;
  /** 32 bytes of SHA-256 per entry. */
  digests: Uint8Array;
}

interface Answer {
  id: number;
  input: ArrayBuffer;
  error?: string;
  packed?: ArrayBuffer;
  crcs?: Uint32Array;
  sizes?: Uint32Array;
  stored?: Uint8Array;
  digests?: Uint8Array;
}

interface Job {
  resolve: (batch: DeflatedBatch) => void;
  reject: (err: Error) => void;
}

interface PoolWorker {
  thread: Worker;
  jobs: Map<number, Job>;
}

const WORKER_URL = new URL("./deflate-worker.js", import.meta.url);
/**
 * A worker's own JavaScript heap is small (a batch's few objects), but V8 sizes it like the main
 * thread's and, on Node 24, frees a worker's short-lived buffers only when that heap is collected:
 * without limits each worker grew by 30–40 MB during a 10,000-file archive. These bound it; a batch
 * (≤ 1,000 entries, entry-batches.ts) needs far less.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 12 };
export const DEFAULT_IDLE_MS = 30_000;

export class DeflateWorkers {
  readonly size: number;
  readonly #idleMs: number;
  readonly #workers: PoolWorker[] = [];
  #nextId = 1;
  #idleTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(opts: { size?: number; idleMs?: number } = {}) {
    const size = opts.size ?? Math.min(2, os.availableParallelism());
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${size}`);
    this.size = size;
    this.#idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
  }

  /** Workers running now (0 when idle long enough). */
  get running(): number {
    return this.#workers.length;
  }

  /**
   * Deflates the entries packed in `input` (lengths in order) at `level`. `input` is transferred
   * to the worker: the caller must not touch it until it comes back as `DeflatedBatch.input`.
   */
  deflate(input: ArrayBuffer, lengths: readonly number[], level: number): Promise<DeflatedBatch> {
    if (this.#closed) return Promise.reject(new Error("deflate workers closed"));
    clearTimeout(this.#idleTimer);
    const worker = this.#pick();
    const id = this.#nextId++;
    return new Promise<DeflatedBatch>((resolve, reject) => {
      worker.jobs.set(id, { resolve, reject });
      worker.thread.ref(); // an archive waiting for its batch keeps the process alive
      worker.thread.postMessage({ id, level, input, lengths }, [input]);
    });
  }

  /** Stops every worker; queued batches reject. The pool cannot be used afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#stopAll(new Error("deflate workers closed"));
  }

  /** The worker with the fewest batches queued; all `size` are started together, at the first batch. */
  #pick(): PoolWorker {
    while (this.#workers.length < this.size) this.#start();
    let best = this.#workers[0]!;
    for (const w of this.#workers) if (w.jobs.size < best.jobs.size) best = w;
    return best;
  }

  #start(): void {
    // No execArgv: the worker is plain JavaScript and needs none of the parent's loaders (tsx).
    const thread = new Worker(WORKER_URL, { execArgv: [], resourceLimits: WORKER_HEAP });
    const worker: PoolWorker = { thread, jobs: new Map() };
    this.#workers.push(worker);
    thread.on("message", (answer: Answer) => this.#answer(worker, answer));
    thread.on("error", (err) => this.#lose(worker, err));
    thread.on("exit", (code) => this.#lose(worker, new Error(`deflate worker exited (code ${code})`)));
    thread.unref(); // after the listeners: adding a 'message' listener refs the worker's port again
  }

  #answer(worker: PoolWorker, a: Answer): void {
    const job = worker.jobs.get(a.id);
    if (!job) return;
    worker.jobs.delete(a.id);
    if (worker.jobs.size === 0) worker.thread.unref();
    if (a.error !== undefined) job.reject(new Error(`deflate worker: ${a.error}`));
    else job.resolve({ input: a.input, packed: new Uint8Array(a.packed!), crcs: a.crcs!, sizes: a.sizes!, stored: a.stored!, digests: a.digests! });
    this.#maybeIdle();
  }

  /** A worker failed or exited: its batches reject, and it leaves the pool. */
  #lose(worker: PoolWorker, err: Error): void {
    const i = this.#workers.indexOf(worker);
    if (i >= 0) this.#workers.splice(i, 1);
    const jobs = [...worker.jobs.values()];
    worker.jobs.clear();
    for (const job of jobs) job.reject(err);
    this.#maybeIdle();
  }

  #maybeIdle(): void {
    if (this.#closed || this.#workers.length === 0 || this.#workers.some((w) => w.jobs.size > 0)) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => void this.#stopAll(new Error("deflate workers stopped")), this.#idleMs);
    this.#idleTimer.unref();
  }

  async #stopAll(err: Error): Promise<void> {
    clearTimeout(this.#idleTimer);
    const workers = this.#workers.splice(0);
    for (const w of workers) {
      for (const job of w.jobs.values()) job.reject(err);
      w.jobs.clear();
    }
    await Promise.all(workers.map((w) => w.thread.terminate()));
  }
}

let shared: DeflateWorkers | undefined;

/** The process's pool, made on first use. */
export function sharedDeflateWorkers(): DeflateWorkers {
  shared ??= new DeflateWorkers();
  return shared;
}
