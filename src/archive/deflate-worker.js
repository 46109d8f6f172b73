/**
 * The body of one deflate worker thread (started by deflate-workers.ts). Plain JavaScript, so
 * the same file runs under tsx and vitest in development and from dist/ in production without
 * a TypeScript loader in the worker (Node 20 cannot give a worker one).
 *
 * A message is a batch of entries packed one after the other in `input` (an ArrayBuffer the
 * main thread transfers here), with their `lengths`. For each entry the worker computes CRC-32
 * and SHA-256, and raw DEFLATE at `level`, kept only when it is smaller (otherwise the entry is
 * stored). Each entry's payload (deflated or stored bytes) is copied at once into this worker's
 * scratch buffer, so no payload outlives its entry here; the answer packs them into one new
 * ArrayBuffer of their total length and transfers it, with `input`, back: nothing is copied
 * across threads.
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

parentPort.on("message", (job) => {
  let answer;
  try {
    answer = deflateBatch(job);
  } catch (err) {
    answer = { id: job.id, input: job.input, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort.postMessage(answer, answer.packed ? [answer.input, answer.packed] : [answer.input]);
});

/**
 * Where a batch's payloads gather before they are packed: kept for the worker's life, so a batch
 * leaves one allocation behind (its answer) instead of one per entry. A batch larger than this
 * (one big file) gets a buffer of its own.
 */
const SCRATCH_BYTES = 2 * 1024 * 1024;
let scratch;

function deflateBatch({ id, level, input, lengths }) {
  const bytes = new Uint8Array(input);
  const count = lengths.length;
  let need = 0;
  for (let i = 0; i < count; i++) need += lengths[i];
  // A payload is never longer than its entry (an entry that does not shrink is stored).
  const gather = need <= SCRATCH_BYTES ? (scratch ??= new Uint8Array(SCRATCH_BYTES)) : new Uint8Array(need);
  const crcs = new Uint32Array(count);
  const sizes = new Uint32Array(count);
  const stored = new Uint8Array(count);
  const digests = new Uint8Array(32 * count);
  let at = 0;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const data = bytes.subarray(at, at + lengths[i]);
    at += lengths[i];
    crcs[i] = zlib.crc32(data);
    digests.set(createHash("sha256").update(data).digest(), 32 * i);
    // Output chunks of about half the entry instead of 16 KiB each: most entries deflate into
    // one chunk of their own size class, so this thread allocates (and collects) less.
    const deflated = level > 0 && data.length > 0 ? zlib.deflateRawSync(data, { level, chunkSize: Math.max(64, Math.min(64 * 1024, (data.length >> 1) + 64)) }) : data;
    const payload = deflated.length < data.length ? deflated : data;
    stored[i] = payload === data ? 1 : 0;
    gather.set(payload, total);
    sizes[i] = payload.length;
    total += payload.length;
  }
  const packed = gather.slice(0, total);
  return { id, input, packed: packed.buffer, crcs, sizes, stored, digests };
}
