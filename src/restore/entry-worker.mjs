/**
 * Worker thread of entry-workers.ts: reads ZIP entries from a shared copy of the
 * archive with the reader's own inflateEntry (inflation capped, size and CRC
 * checked) and hashes them. Answers each task with the bytes of all its entries
 * in one transferred buffer, so nothing is copied on the way back.
 *
 * Plain JavaScript importing nothing of ours but entry-data.mjs, so a worker
 * starts in milliseconds and without a TypeScript loader. Message shapes:
 * EntryTask and EntryTaskReply in entry-workers.ts.
 */
import { createHash } from "node:crypto";
import { parentPort } from "node:worker_threads";
import { inflateEntry } from "../backups/zip/entry-data.mjs";

/**
 * Each entry's bytes go back in a buffer of their own, handed over (not copied) so the
 * worker is left with no garbage to collect; small ones, which Node cuts from a shared
 * pool that cannot be handed over, are copied into one buffer per task.
 *
 * @param {{ id: number, archive: SharedArrayBuffer, entries: import("../backups/zip/entry-data.mjs").EntryLocation[] }} task
 */
function run(task) {
  const archive = new Uint8Array(task.archive);
  const outcomes = [];
  /** @type {ArrayBuffer[]} */
  const buffers = [];
  const small = [];
  for (const location of task.entries) {
    const got = inflateEntry(archive, location);
    if ("code" in got) {
      outcomes.push({ code: got.code, message: got.message });
      continue;
    }
    const data = got.data;
    const digest = createHash("sha256").update(data).digest("hex");
    if (data.byteOffset === 0 && data.buffer instanceof ArrayBuffer && data.buffer.byteLength > Buffer.poolSize) {
      outcomes.push({ length: data.length, digest, buffer: buffers.length });
      buffers.push(data.buffer);
    } else {
      outcomes.push({ length: data.length, digest, buffer: -1 });
      small.push(data);
    }
  }
  const joined = new Uint8Array(small.reduce((sum, b) => sum + b.length, 0));
  let at = 0;
  for (const b of small) {
    joined.set(b, at);
    at += b.length;
  }
  return { id: task.id, outcomes, buffers, small: joined.buffer };
}

parentPort?.on("message", (task) => {
  try {
    const reply = run(task);
    parentPort?.postMessage(reply, [...reply.buffers, reply.small]);
  } catch (err) {
    parentPort?.postMessage({ id: task.id, failure: err instanceof Error ? err.message : String(err) });
  }
});
