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
 * Batches are deflated one at a time, in the order they arrive.
 *
 * One long-lived raw DEFLATE stream per worker, not a one-shot `deflateRawSync` per entry: Node 24
 * keeps what every one-shot zlib call allocated until a full GC (nodejs/node#65600), which a
 * worker's small heap seldom runs, so a 10,000-file archive left tens of MB behind. The stream
 * flushes each write with Z_FULL_FLUSH, which ends the entry's output byte-aligned with an empty
 * stored block (00 00 FF FF) and resets the compressor, so the next entry's output never refers
 * back to this one: each entry's bytes are a raw DEFLATE stream of their own but for a final
 * block, which `FINAL_EMPTY_BLOCK` adds. Where an entry's output ends is counted, never guessed:
 * the stream hands an entry's output to 'data' before that write's callback runs, and every
 * entry's output must end with 00 00 FF FF, or the batch fails.
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
 * (The deflating itself runs on a libuv pool thread, which keeps the process's priority.)
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

let queue = Promise.resolve();
parentPort.on("message", (job) => {
  queue = queue.then(() => answer(job));
});

async function answer(job) {
  let result;
  try {
    result = await deflateBatch(job);
  } catch (err) {
    // `input` stays here: after a failure the stream may still be reading it.
    result = { id: job.id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort.postMessage(result, result.packed ? [result.input, result.packed] : []);
}

async function deflateBatch({ id, level, input, lengths }) {
  const bytes = new Uint8Array(input);
  const count = lengths.length;
  const entries = [];
  for (let i = 0, at = 0; i < count; at += lengths[i], i++) entries.push(bytes.subarray(at, at + lengths[i]));
  const crcs = new Uint32Array(count);
  const digests = new Uint8Array(32 * count);
  const hash = (i) => {
    crcs[i] = zlib.crc32(entries[i]);
    digests.set(createHash("sha256").update(entries[i]).digest(), 32 * i);
  };
  let output;
  let ends = [];
  if (level > 0) ({ output, ends } = await deflateEntries(level, entries, hash));
  else for (let i = 0; i < count; i++) hash(i);

  const sizes = new Uint32Array(count);
  const stored = new Uint8Array(count);
  let total = 0;
  for (let i = 0, start = 0; i < count; i++) {
    const end = ends[i] ?? start;
    const length = end - start + FINAL_EMPTY_BLOCK.length;
    if (ends[i] === undefined || length >= entries[i].length) {
      stored[i] = 1;
      sizes[i] = entries[i].length;
    } else {
      sizes[i] = length;
    }
    total += sizes[i];
    start = end;
  }
  const packed = new Uint8Array(total);
  for (let i = 0, p = 0, start = 0; i < count; i++) {
    const end = ends[i] ?? start;
    if (stored[i]) {
      packed.set(entries[i], p);
    } else {
      packed.set(output.subarray(start, end), p);
      packed.set(FINAL_EMPTY_BLOCK, p + end - start);
    }
    p += sizes[i];
    start = end;
  }
  return { id, input, packed: packed.buffer, crcs, sizes, stored, digests };
}

/** The worker's stream at the level last asked for; replaced after an error or for another level. */
let deflater;

function deflaterAt(level) {
  if (deflater?.level === level && !deflater.failed) return deflater;
  const stream = zlib.createDeflateRaw({ level, flush: zlib.constants.Z_FULL_FLUSH });
  deflater?.stream.destroy();
  const d = { level, stream, chunks: [], bytes: 0, failed: false, onError: undefined };
  stream.on("data", (chunk) => {
    d.chunks.push(chunk);
    d.bytes += chunk.length;
  });
  stream.on("error", (err) => {
    d.failed = true;
    d.onError?.(err);
  });
  deflater = d;
  return d;
}

/**
 * Writes every non-empty entry to the stream at once (the stream deflates them in order, one
 * write at a time, on the libuv pool) and hashes each entry (`hash(i)`) in its write's callback,
 * while the pool already deflates the next. Resolves with all the output and, per entry, where
 * its output ends in it (no end: nothing written).
 */
function deflateEntries(level, entries, hash) {
  const d = deflaterAt(level);
  d.chunks = [];
  d.bytes = 0;
  const ends = new Array(entries.length);
  return new Promise((resolve, reject) => {
    let last = -1;
    for (let i = 0; i < entries.length; i++) if (entries[i].length > 0) last = i;
    /** Where the previous written entry's output ends. */
    let previous = 0;
    const done = () => {
      const output = Buffer.concat(d.chunks, d.bytes);
      d.chunks = [];
      d.onError = undefined;
      resolve({ output, ends });
    };
    d.onError = reject;
    for (let i = 0; i < entries.length; i++) {
      if (entries[i].length === 0) {
        hash(i);
        continue;
      }
      d.stream.write(entries[i], (err) => {
        if (err) return reject(err);
        // Everything pushed so far has reached 'data': d.bytes is where this entry's output ends.
        if (d.stream.readableLength !== 0 || !endsWithFlushMark(d, previous)) {
          d.failed = true;
          return reject(new Error("deflate stream: an entry's output did not end with its full flush"));
        }
        ends[i] = previous = d.bytes;
        hash(i);
        if (i === last) done();
      });
    }
    if (last < 0) done();
  });
}

/** True when the output since `from` ends with the empty stored block of a full flush. */
function endsWithFlushMark(d, from) {
  if (d.bytes - from < FLUSH_MARK.length) return false;
  // The mark may straddle the last two chunks.
  let k = FLUSH_MARK.length;
  for (let c = d.chunks.length - 1; c >= 0 && k > 0; c--) {
    const chunk = d.chunks[c];
    for (let j = chunk.length - 1; j >= 0 && k > 0; j--) if (chunk[j] !== FLUSH_MARK[--k]) return false;
  }
  return k === 0;
}
