/**
 * Reading one ZIP entry's bytes: the part of the reader that worker threads run
 * too (src/restore/entry-worker.mjs), so it is plain JavaScript that imports
 * nothing of ours and loads without a TypeScript loader (type-checked from its JSDoc).
 */
import * as zlib from "node:zlib";

/**
 * Where an entry's data lies in the archive and what it must inflate to: all a
 * reader needs, as plain values, so another thread can read the entry from a
 * shared copy of the archive.
 *
 * @typedef {{ name: string, method: number, dataStart: number, compressedSize: number, size: number, crc32: number }} EntryLocation
 */

/** @typedef {{ data: Buffer } | { code: "size_mismatch" | "corrupt" | "crc_mismatch", message: string }} EntryData */

/** ZIP compression method 0 (zip-format.ts METHOD_STORE); anything else here is DEFLATE, checked by openZip. */
const METHOD_STORE = 0;
/** Largest output buffer zlib is asked to allocate up front while inflating one entry. */
const MAX_INFLATE_CHUNK = 4 * 1024 * 1024;

/**
 * An entry's uncompressed bytes, size- and CRC-checked, in a fresh Buffer (never
 * a view of `archive`), or why they cannot be had. Inflation is capped at the
 * declared size + 1, so a bomb that lies about its size stops there.
 *
 * @param {Uint8Array} archive
 * @param {EntryLocation} e
 * @returns {EntryData}
 */
export function inflateEntry(archive, e) {
  const data = archive.subarray(e.dataStart, e.dataStart + e.compressedSize);
  let out;
  if (e.method === METHOD_STORE) {
    out = Buffer.from(data); // copy: callers must not be able to alias the archive
  } else {
    try {
      out = zlib.inflateRawSync(data, {
        // The hard cap: zlib throws as soon as output passes it, so a lying
        // bomb costs at most declared size + one chunk.
        maxOutputLength: e.size + 1,
        chunkSize: Math.min(Math.max(e.size + 1, 64), MAX_INFLATE_CHUNK),
      });
    } catch (err) {
      if (err && /** @type {{ code?: unknown }} */ (err).code === "ERR_BUFFER_TOO_LARGE") {
        return { code: "size_mismatch", message: `Entry inflates to more than its declared ${e.size} bytes` };
      }
      return { code: "corrupt", message: `Entry data does not inflate (${err instanceof Error ? err.message : String(err)})` };
    }
  }
  if (out.length !== e.size) return { code: "size_mismatch", message: `Entry has ${out.length} bytes, declared ${e.size}` };
  if (zlib.crc32(out) !== e.crc32) return { code: "crc_mismatch", message: "CRC-32 does not match" };
  return { data: out };
}
