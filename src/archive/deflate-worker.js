/**
 * The body of one deflate worker thread (started by deflate-workers.ts). Plain JavaScript, so
 * the same file runs under tsx and vitest in development and from dist/ in production without
 * a TypeScript loader in the worker (Node 20 cannot give a worker one).
 *
 * A message is a batch of entries packed one after the other in `input` (an ArrayBuffer the
 * main thread transfers here), with their `lengths`. For each entry the worker computes CRC-32
 * and SHA-256, and raw DEFLATE at `level`, kept only when it is smaller (otherwise the entry is
 * stored). The answer packs every entry's payload (deflated or stored bytes) into one new
 * ArrayBuffer and transfers it, with `input`, back: nothing is copied across threads.
 *
 * One compressor for the worker's life, not a one-shot `deflateRawSync` per entry: Node 24 keeps
 * what every one-shot zlib call allocated until a full GC (nodejs/node#65600), which a worker's
 * small heap seldom runs, so a 10,000-file archive left tens of MB behind. See `Compressor`.
 */
import { createHash } from "node:crypto";
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import * as zlib from "node:zlib";

/**
 * Compression is background work: on a busy machine the bot's main thread (answering users)
 * and MongoDB should get a core before it. Linux keeps a nice value per thread, so this thread
 * lowers its own priority (found through /proc/thread-self); elsewhere it runs at the normal one.
 */
const BACKGROUND_NICE = 10;
try {
  const threadId = Number(readlinkSync("/proc/thread-self").split("/").pop());
  if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, BACKGROUND_NICE);
} catch {
  // Not Linux, or not allowed: the normal priority is still correct, only less polite.
}

/** An empty final block with fixed Huffman codes: what makes a fully flushed entry a complete DEFLATE stream. */
const FINAL_EMPTY_BLOCK = Uint8Array.of(0x03, 0x00);
/** The empty stored block a full flush ends with. */
const FLUSH_MARK = Uint8Array.of(0x00, 0x00, 0xff, 0xff);
/** Buffers kept between batches (a larger batch or entry grows them for itself only). */
const KEPT_BYTES = 1024 * 1024;

parentPort.on("message", (job) => {
  let answer;
  try {
    answer = deflateBatch(job);
  } catch (err) {
    answer = { id: job.id, input: job.input, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort.postMessage(answer, answer.packed ? [answer.input, answer.packed] : [answer.input]);
});

/** Payloads of the current batch, before they are copied into the answer's buffer of their exact size. */
let scratch = new Uint8Array(KEPT_BYTES);

function deflateBatch({ id, level, input, lengths }) {
  const bytes = new Uint8Array(input);
  const count = lengths.length;
  const crcs = new Uint32Array(count);
  const sizes = new Uint32Array(count);
  const stored = new Uint8Array(count);
  const digests = new Uint8Array(32 * count);
  const compressor = level > 0 ? compressorAt(level) : undefined;
  // A payload is never longer than its entry, so the batch's payloads fit in its input's length.
  if (scratch.length < bytes.length || scratch.length > Math.max(KEPT_BYTES, bytes.length)) scratch = new Uint8Array(Math.max(KEPT_BYTES, bytes.length));
  let total = 0;
  let at = 0;
  for (let i = 0; i < count; i++) {
    const data = bytes.subarray(at, at + lengths[i]);
    at += lengths[i];
    crcs[i] = zlib.crc32(data);
    digests.set(createHash("sha256").update(data).digest(), 32 * i);
    const deflated = compressor && data.length > 0 ? compressor.deflate(data) : undefined;
    if (deflated && deflated.length + FINAL_EMPTY_BLOCK.length < data.length) {
      scratch.set(deflated, total);
      scratch.set(FINAL_EMPTY_BLOCK, total + deflated.length);
      sizes[i] = deflated.length + FINAL_EMPTY_BLOCK.length;
    } else {
      scratch.set(data, total);
      sizes[i] = data.length;
      stored[i] = 1;
    }
    total += sizes[i];
  }
  const packed = scratch.slice(0, total);
  return { id, input, packed: packed.buffer, crcs, sizes, stored, digests };
}

/** The worker's compressor at the level last asked for; replaced after an error or for another level. */
let compressor;

function compressorAt(level) {
  if (compressor?.level !== level || compressor.failed) {
    const fresh = new Compressor(level);
    compressor?.close();
    compressor = fresh;
  }
  return compressor;
}

/**
 * One raw DEFLATE compressor kept for the worker's life, each entry deflated into one reused
 * output buffer: nothing is allocated per entry. Each entry is flushed with Z_FULL_FLUSH, which
 * ends its output byte-aligned with an empty stored block (00 00 FF FF) and resets the compressor,
 * so the next entry's output never refers back to it (zlib.h: "decompression can restart from
 * this point"): each entry's bytes are a raw DEFLATE stream of their own but for a final block,
 * which the caller adds (`FINAL_EMPTY_BLOCK`). The output buffer is larger than any entry's
 * deflated size can be, so an entry is deflated in one call and its output is exactly what that
 * call wrote; an output that does not end with 00 00 FF FF fails the batch.
 *
 * node:zlib has no public call that deflates synchronously into a given buffer without closing
 * its compressor afterwards (`deflateRawSync` makes and frees one per call), so this drives the
 * handle of a `zlib.createDeflateRaw()` stream the way node:zlib's own synchronous path does
 * (`handle.writeSync`, the results in `_writeState`): node internals, checked at construction
 * and on every entry, and covered by the archive tests on both runtimes we run.
 */
class Compressor {
  constructor(level) {
    this.level = level;
    this.failed = false;
    this.stream = zlib.createDeflateRaw({ level });
    this.stream.on("error", () => {
      this.failed = true; // the entry being deflated throws below
    });
    this.handle = this.stream._handle;
    this.state = this.stream._writeState;
    if (typeof this.handle?.writeSync !== "function" || !(this.state instanceof Uint32Array)) {
      throw new Error("node:zlib internals changed: no synchronous compressor handle");
    }
    this.out = Buffer.allocUnsafeSlow(KEPT_BYTES);
  }

  /** `data` (not empty) deflated and fully flushed: a view of the output buffer, valid until the next call. */
  deflate(data) {
    // zlib's deflateBound for a raw stream is len + len/4096 + len/16384 + 13; a full flush adds ≤ 10 bytes.
    const room = data.length + (data.length >> 8) + 64;
    if (this.out.length < room || this.out.length > Math.max(KEPT_BYTES, room)) this.out = Buffer.allocUnsafeSlow(Math.max(KEPT_BYTES, room));
    this.handle.writeSync(zlib.constants.Z_FULL_FLUSH, data, 0, data.length, this.out, 0, this.out.length);
    const [availOut, availIn] = this.state;
    const written = this.out.length - availOut;
    const output = this.out.subarray(0, written);
    if (this.failed || this.stream.destroyed || availIn !== 0 || availOut === 0 || written < FLUSH_MARK.length || !output.subarray(written - FLUSH_MARK.length).equals(FLUSH_MARK)) {
      this.failed = true;
      throw new Error("deflate: an entry's output did not end with its full flush");
    }
    return output;
  }

  close() {
    this.stream.destroy();
  }
}
