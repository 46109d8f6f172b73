/**
 * Constants and small pure helpers shared by the ZIP writer and reader
 * (PKWARE APPNOTE 6.3.x section numbers in comments).
 */

export const SIG_LOCAL = 0x04034b50; // 4.3.7
export const SIG_CENTRAL = 0x02014b50; // 4.3.12
export const SIG_EOCD = 0x06054b50; // 4.3.16
export const SIG_ZIP64_EOCD = 0x06064b50; // 4.3.14
export const SIG_ZIP64_LOCATOR = 0x07064b50; // 4.3.15

export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const EOCD_SIZE = 22;
export const ZIP64_EOCD_SIZE = 56;
export const ZIP64_LOCATOR_SIZE = 20;
export const MAX_COMMENT = 0xffff;

export const EXTRA_ZIP64 = 0x0001; // 4.5.3
export const EXTRA_EXTENDED_TIME = 0x5455; // Info-ZIP "UT", 4.6.x / extrafld.txt

export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;

export const FLAG_ENCRYPTED = 0x0001; // bit 0
export const FLAG_STRONG_ENCRYPTION = 0x0040; // bit 6
export const FLAG_UTF8 = 0x0800; // bit 11, "language encoding flag"
export const FLAG_CD_ENCRYPTED = 0x2000; // bit 13

export const U16_MAX = 0xffff;
export const U32_MAX = 0xffffffff;

/** Reads a little-endian 64-bit unsigned value as a number (exact below 2^53, which covers every real buffer). */
export function readU64(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset + 4) * 0x1_0000_0000 + buf.readUInt32LE(offset);
}

export function writeU64(buf: Buffer, value: number, offset: number): void {
  buf.writeUInt32LE(value >>> 0, offset);
  buf.writeUInt32LE(Math.floor(value / 0x1_0000_0000), offset + 4);
}

/** MS-DOS date/time (4.4.6) in local time, clamped to the representable 1980–2107 range. */
export function toDosDateTime(d: Date): { date: number; time: number } {
  const year = d.getFullYear();
  if (Number.isNaN(year) || year < 1980) return { date: (1 << 5) | 1, time: 0 };
  if (year > 2107) return { date: (127 << 9) | (12 << 5) | 31, time: (23 << 11) | (59 << 5) | 29 };
  return {
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
  };
}

export function fromDosDateTime(date: number, time: number): Date {
  return new Date(
    1980 + (date >>> 9),
    ((date >>> 5) & 0xf) - 1,
    date & 0x1f,
    time >>> 11,
    (time >>> 5) & 0x3f,
    (time & 0x1f) * 2,
  );
}

export type NameCheck =
  | { ok: true; name: string; isDirectory: boolean }
  | { ok: false; reason: string };

/**
 * Decides whether an entry name is safe to extract and returns its normal form:
 * backslashes read as folder separators (older Windows tools write them; unzip
 * and 7-Zip read them so), `.` segments dropped, trailing `/` kept for
 * directories. Rejects empty names, absolute paths, drive letters, `..` and
 * empty segments and control characters (C0, DEL, C1; NUL included) — after
 * the backslashes became separators, so `..\\x` climbs out as `../x` would.
 *
 * One pass over the characters with no allocation for ordinary names: the
 * reader runs this for every entry of every archive.
 */
export function checkEntryName(original: string): NameCheck {
  const raw = original.includes("\\") ? original.replaceAll("\\", "/") : original;
  const n = raw.length;
  if (n === 0) return { ok: false, reason: "empty name" };
  if (raw.charCodeAt(0) === 0x2f) return { ok: false, reason: "absolute path" };
  if (n >= 2 && raw.charCodeAt(1) === 0x3a && /^[A-Za-z]/.test(raw)) return { ok: false, reason: "drive letter" };
  const isDirectory = raw.charCodeAt(n - 1) === 0x2f;
  const end = isDirectory ? n - 1 : n;
  let hasDotSegment = false;
  let segStart = 0;
  for (let i = 0; i <= end; i++) {
    const c = i < end ? raw.charCodeAt(i) : 0x2f;
    if (c === 0x2f) {
      const len = i - segStart;
      if (len === 0) return { ok: false, reason: "empty path segment" };
      if (raw.charCodeAt(segStart) === 0x2e) {
        if (len === 1) hasDotSegment = true;
        else if (len === 2 && raw.charCodeAt(segStart + 1) === 0x2e) return { ok: false, reason: "parent directory segment" };
      }
      segStart = i + 1;
    } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return { ok: false, reason: "control character in name" };
    }
  }
  if (!hasDotSegment) return { ok: true, name: raw, isDirectory };
  const kept = raw.slice(0, end).split("/").filter((seg) => seg !== ".");
  if (kept.length === 0) return { ok: false, reason: "name has no path segments" };
  return { ok: true, name: kept.join("/") + (isDirectory ? "/" : ""), isDirectory };
}

/** Bytes 0x80–0xFF of code page 437, the encoding of names without the UTF-8 flag (APPNOTE 4.4.4, appendix D). */
const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

/** Decodes CP437 bytes (ASCII below 0x80; the control-character glyphs are not used, as unzip and Python do). */
export function decodeCp437(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!;
  return out;
}

/** Unix file types in the high 16 bits of the external attributes (st_mode & S_IFMT). */
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** "Version made by" hosts whose external attributes hold a Unix mode (APPNOTE 4.4.2: 3 = UNIX, 19 = OS X). */
const UNIX_HOSTS = new Set([3, 19]);

export type EntryKind = "file" | "directory" | "symlink" | "special";

/**
 * What the entry is on disk, from "version made by" (its high byte is the host)
 * and the external attributes: a symlink (`zip -y` stores the link target as
 * the data), a device, FIFO or socket ("special"), or a plain file/directory.
 * Hosts without a Unix mode, and a mode with no type bits, mean a plain entry.
 */
export function entryKind(versionMadeBy: number, externalAttributes: number, isDirectory: boolean): EntryKind {
  const plain = isDirectory ? "directory" : "file";
  if (!UNIX_HOSTS.has(versionMadeBy >>> 8)) return plain;
  const type = (externalAttributes >>> 16) & S_IFMT;
  if (type === 0 || type === S_IFREG || type === S_IFDIR) return plain;
  return type === S_IFLNK ? "symlink" : "special";
}

/**
 * CRC-32 of A‖B from crc(A), crc(B) and B's length, without the bytes (zlib's
 * crc32_combine: B's length applied as a GF(2) matrix power to crc(A)). For data
 * whose head is known only after its body, e.g. a manifest whose totals precede its entries.
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0; // B is empty: crc(B) is 0
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  odd[0] = 0xedb88320; // the CRC-32 polynomial: the operator for one zero bit
  for (let n = 1, row = 1; n < 32; n++, row *= 2) odd[n] = row;
  gf2Square(even, odd); // two zero bits
  gf2Square(odd, even); // four
  let crc = crcA >>> 0;
  let len = lengthB;
  for (;;) {
    gf2Square(even, odd); // first pass: one zero byte
    if (len % 2) crc = gf2Times(even, crc);
    len = Math.floor(len / 2);
    if (len === 0) break;
    gf2Square(odd, even);
    if (len % 2) crc = gf2Times(odd, crc);
    len = Math.floor(len / 2);
    if (len === 0) break;
  }
  return (crc ^ crcB) >>> 0;
}

function gf2Times(mat: Uint32Array, vec: number): number {
  let sum = 0;
  for (let i = 0; vec !== 0; i++, vec >>>= 1) if (vec & 1) sum ^= mat[i]!;
  return sum >>> 0;
}

function gf2Square(square: Uint32Array, mat: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = gf2Times(mat, mat[n]!);
}
