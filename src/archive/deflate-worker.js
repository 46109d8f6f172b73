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
  let deflated = [];
  if (level > 0) deflated = await deflateEntries(level, entries, hash);
  else for (let i = 0; i < count; i++) hash(i);

  const sizes = new Uint32Array(count);
  const stored = new Uint8Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const length = deflated[i] ? deflated[i].length + FINAL_EMPTY_BLOCK.length : Infinity;
    stored[i] = length >= entries[i].length ? 1 : 0;
    sizes[i] = stored[i] ? entries[i].length : length;
    total += sizes[i];
  }
  const packed = new Uint8Array(total);
  for (let i = 0, p = 0; i < count; p += sizes[i], i++) {
    if (stored[i]) {
      packed.set(entries[i], p);
    } else {
      packed.set(deflated[i], p);
      packed.set(FINAL_EMPTY_BLOCK, p + deflated[i].length);
    }
  }
  return { id, input, packed: packed.buffer, crcs, sizes, stored, digests };
}

/**
 * Streams per worker: entries alternate between them, so the pool deflates one entry while this
 * thread handles the one before (with a single stream, the pool would wait for this thread between
 * every two entries).
 */
const LANES = 2;
/** The worker's streams at the level last asked for; replaced after an error or for another level. */
let lanes = [];

function lanesAt(level) {
  if (lanes.length === LANES && lanes.every((l) => l.level === level && !l.failed)) return lanes;
  const fresh = Array.from({ length: LANES }, () => lane(level));
  for (const l of lanes) l.stream.destroy();
  lanes = fresh;
  return lanes;
}

/** A lane's output buffer to start with, and kept between batches (one larger entry grows it for its batch only). */
const LANE_OUT_BYTES = 256 * 1024;

/**
 * One raw DEFLATE stream flushing every write fully. Its output in the current batch is copied into
 * `out` (kept and reused from batch to batch: the worker allocates little that only a GC frees),
 * `bytes` long; `end`: where the last entry written in this batch ends in it.
 */
function lane(level) {
  const stream = zlib.createDeflateRaw({ level, flush: zlib.constants.Z_FULL_FLUSH, chunkSize: 64 * 1024 });
  const l = { level, stream, out: Buffer.allocUnsafeSlow(LANE_OUT_BYTES), bytes: 0, end: 0, failed: false, onError: undefined };
  stream.on("data", (chunk) => {
    if (l.bytes + chunk.length > l.out.length) {
      const larger = Buffer.allocUnsafeSlow(Math.max(2 * l.out.length, l.bytes + chunk.length));
      l.out.copy(larger, 0, 0, l.bytes);
      l.out = larger;
    }
    chunk.copy(l.out, l.bytes);
    l.bytes += chunk.length;
  });
  stream.on("error", (err) => {
    l.failed = true;
    l.onError?.(err);
  });
  return l;
}

/**
 * Writes every non-empty entry at once, alternating between the lanes (each stream deflates its
 * entries in order, one write at a time, on the libuv pool), and hashes each entry (`hash(i)`) in
 * its write's callback, while the pool deflates the next ones. Resolves with each entry's deflated
 * bytes without a final block (undefined for an empty entry), views of the lanes' `out` valid
 * until the next batch.
 */
function deflateEntries(level, entries, hash) {
  const ls = lanesAt(level);
  const where = new Array(entries.length); // [lane, start, end] of each written entry's output
  return new Promise((resolve, reject) => {
    let waiting = 0;
    const done = () => {
      const outputs = ls.map((l) => l.out);
      for (const l of ls) {
        l.bytes = 0;
        l.end = 0;
        l.onError = undefined;
      }
      resolve(where.map((w) => w && outputs[w[0]].subarray(w[1], w[2])));
    };
    for (const l of ls) {
      l.onError = reject;
      if (l.out.length > LANE_OUT_BYTES) l.out = Buffer.allocUnsafeSlow(LANE_OUT_BYTES);
    }
    let next = 0;
    for (let i = 0; i < entries.length; i++) {
      if (entries[i].length === 0) {
        hash(i);
        continue;
      }
      const n = next++ % ls.length;
      const l = ls[n];
      waiting++;
      l.stream.write(entries[i], (err) => {
        if (err) return reject(err);
        // Everything this stream pushed so far has reached 'data': l.bytes is where this entry's output ends.
        const start = l.end;
        if (l.stream.readableLength !== 0 || !endsWithFlushMark(l, start)) {
          l.failed = true;
          return reject(new Error("deflate stream: an entry's output did not end with its full flush"));
        }
        where[i] = [n, start, l.bytes];
        l.end = l.bytes;
        hash(i);
        if (--waiting === 0) done();
      });
    }
    if (waiting === 0) done();
  });
}

/** True when the lane's output since `from` ends with the empty stored block of a full flush. */
function endsWithFlushMark(l, from) {
  return l.bytes - from >= FLUSH_MARK.length && l.out.subarray(l.bytes - FLUSH_MARK.length, l.bytes).equals(FLUSH_MARK);
}
