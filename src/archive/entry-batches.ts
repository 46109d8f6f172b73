/**
 * Packs archive entries into batches of ~512 KB for the deflate workers (deflate-workers.ts)
 * and gives them back deflated, in the order they were added.
 *
 * Each entry is copied into the current batch's buffer when it is added (the caller may reuse
 * its own buffer at once); a batch is sent when it holds BATCH_BYTES or BATCH_ENTRIES, or on
 * `flush()`. A few buffers are
 * reused in turn: a batch's buffer goes to its worker and comes back with the answer. At most
 * `2 × workers` batches are out at once (`full` tells the caller to take one back first), so
 * each worker has the next batch queued while it deflates one, and memory stays at a few MB
 * whatever the size of the archive.
 */
import type { DeflatedBatch, DeflateWorkers } from "./deflate-workers.js";

/** Bytes of entries per batch: large enough that a worker's round trip is a small share of it. */
export const BATCH_BYTES = 512 * 1024;
/** Entries per batch at most (many empty or tiny files): a worker's heap holds a batch's objects. */
export const BATCH_ENTRIES = 1000;

export interface DeflatedEntry<T> {
  info: T;
  /** Uncompressed length. */
  size: number;
  crc: number;
  method: "deflate" | "store";
  /** The deflated (or stored) bytes: a view of the batch's answer, not reused by the batcher. */
  payload: Uint8Array;
  /** SHA-256 of the uncompressed bytes, hex. */
  sha256: string;
}

interface Sent<T> {
  infos: T[];
  lengths: number[];
  answer: Promise<DeflatedBatch>;
}

export class EntryBatches<T> {
  readonly #workers: DeflateWorkers;
  readonly #level: number;
  readonly #maxInFlight: number;
  readonly #free: ArrayBuffer[] = [];
  readonly #sent: Sent<T>[] = [];
  #buffer: ArrayBuffer | undefined;
  #used = 0;
  #infos: T[] = [];
  #lengths: number[] = [];

  constructor(workers: DeflateWorkers, level: number) {
    this.#workers = workers;
    this.#level = level;
    this.#maxInFlight = 2 * workers.size;
  }

  /** True when the caller should take a batch back with `next()` before adding more. */
  get full(): boolean {
    return this.#sent.length >= this.#maxInFlight;
  }

  /** Copies `content` into the current batch; sends the batch once it holds BATCH_BYTES. */
  add(info: T, content: Uint8Array): void {
    if (this.#buffer && this.#used + content.length > this.#buffer.byteLength) this.flush();
    this.#buffer ??= this.#take(content.length);
    new Uint8Array(this.#buffer, this.#used, content.length).set(content);
    this.#used += content.length;
    this.#infos.push(info);
    this.#lengths.push(content.length);
    if (this.#used >= BATCH_BYTES || this.#infos.length >= BATCH_ENTRIES) this.flush();
  }

  /** Sends the current batch, if it holds anything. */
  flush(): void {
    const buffer = this.#buffer;
    if (!buffer || this.#infos.length === 0) return;
    const answer = this.#workers.deflate(buffer, this.#lengths, this.#level);
    answer.catch(() => {}); // taken by next(), or dropped by abandon()
    this.#sent.push({ infos: this.#infos, lengths: this.#lengths, answer });
    this.#buffer = undefined;
    this.#used = 0;
    this.#infos = [];
    this.#lengths = [];
  }

  /** The oldest batch sent, once deflated, its entries in order; undefined when none is out. */
  async next(): Promise<DeflatedEntry<T>[] | undefined> {
    const sent = this.#sent.shift();
    if (!sent) return undefined;
    const batch = await sent.answer;
    this.#free.push(batch.input);
    const entries: DeflatedEntry<T>[] = [];
    let at = 0;
    for (let i = 0; i < sent.infos.length; i++) {
      const size = batch.sizes[i]!;
      entries.push({
        info: sent.infos[i]!,
        size: sent.lengths[i]!,
        crc: batch.crcs[i]!,
        method: batch.stored[i] ? "store" : "deflate",
        payload: batch.packed.subarray(at, at + size),
        sha256: Buffer.from(batch.digests.buffer, batch.digests.byteOffset + 32 * i, 32).toString("hex"),
      });
      at += size;
    }
    return entries;
  }

  /** Forgets every batch still out (after a failure: their answers are not waited for). */
  abandon(): void {
    this.#sent.length = 0;
  }

  /** A buffer for the next batch: a returned one when one is large enough, else a new one. */
  #take(atLeast: number): ArrayBuffer {
    const i = this.#free.findIndex((b) => b.byteLength >= atLeast);
    if (i >= 0) return this.#free.splice(i, 1)[0]!;
    return new ArrayBuffer(Math.max(BATCH_BYTES, atLeast));
  }
}
