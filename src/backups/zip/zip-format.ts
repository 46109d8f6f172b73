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

// C0 controls, DEL and C1 controls: never part of a sane file name.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Decides whether an entry name is safe to extract and returns its normal form:
 * `.` segments dropped, trailing `/` kept for directories. Rejects empty names,
 * absolute paths, drive letters, backslashes, `..` and empty segments and
 * control characters (NUL included).
 */
export function checkEntryName(raw: string): NameCheck {
  if (raw.length === 0) return { ok: false, reason: "empty name" };
  if (CONTROL.test(raw)) return { ok: false, reason: "control character in name" };
  if (raw.includes("\\")) return { ok: false, reason: "backslash in name" };
  if (raw.startsWith("/")) return { ok: false, reason: "absolute path" };
  if (/^[A-Za-z]:/.test(raw)) return { ok: false, reason: "drive letter" };
  const isDirectory = raw.endsWith("/");
  const segments = (isDirectory ? raw.slice(0, -1) : raw).split("/");
  const kept: string[] = [];
  for (const seg of segments) {
    if (seg === "") return { ok: false, reason: "empty path segment" };
    if (seg === "..") return { ok: false, reason: "parent directory segment" };
    if (seg !== ".") kept.push(seg);
  }
  if (kept.length === 0) return { ok: false, reason: "name has no path segments" };
  return { ok: true, name: kept.join("/") + (isDirectory ? "/" : ""), isDirectory };
}
