/**
 * CRC-32 (ISO-HDLC, the one ZIP uses). Node ≥ 20.15 ships a native
 * `zlib.crc32` (~3 GB/s here); the table-based fallback only exists so the
 * module keeps working on an older runtime.
 */
import * as zlib from "node:zlib";

type Crc32Fn = (data: Uint8Array, value?: number) => number;

let table: Uint32Array | undefined;

function crc32Table(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** Portable implementation; exported for tests that compare it with the native one. */
export function crc32Portable(data: Uint8Array, value = 0): number {
  const t = crc32Table();
  let c = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const native = (zlib as { crc32?: Crc32Fn }).crc32;

/** CRC-32 of `data`, continuing from `value` (the CRC of preceding bytes). Always unsigned. */
export const crc32: Crc32Fn = native
  ? (data, value = 0) => native(data, value) >>> 0
  : crc32Portable;
