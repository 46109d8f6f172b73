/**
 * Safe ZIP reader for archives held in memory (≤ ~100 MB), trusting nothing.
 *
 * `openZip` parses and validates the whole central directory and every local
 * header (cheap: no data is inflated) and throws a ZipError on the first
 * problem. `entry.read()` inflates with a hard output cap of the declared
 * size + 1, so a bomb that lies about its size stops at the cap, then checks
 * the size and the CRC-32.
 *
 * For callers on a busy event loop: `openZipPaced` is `openZip` in steps that
 * yield to the event loop (10,000 entries take ~25 ms, more on a loaded machine),
 * and `entry.readAsync()` inflates a large entry on the libuv pool instead of the
 * main thread (a 4 MB metadata.json takes ~40 ms to inflate).
 */
import { promisify } from "node:util";
import * as zlib from "node:zlib";
import { runSteps, runStepsPaced, type Pacer } from "../../work/pacer.js";
import { crc32 } from "./crc32.js";
import { ZipError } from "./zip-errors.js";
import {
  CENTRAL_HEADER_SIZE,
  checkEntryName,
  decodeCp437,
  entryKind,
  EOCD_SIZE,
  type EntryKind,
  EXTRA_EXTENDED_TIME,
  EXTRA_ZIP64,
  FLAG_CD_ENCRYPTED,
  FLAG_ENCRYPTED,
  FLAG_STRONG_ENCRYPTION,
  FLAG_UTF8,
  fromDosDateTime,
  LOCAL_HEADER_SIZE,
  MAX_COMMENT,
  METHOD_DEFLATE,
  METHOD_STORE,
  readU64,
  SIG_CENTRAL,
  SIG_EOCD,
  SIG_LOCAL,
  SIG_ZIP64_EOCD,
  SIG_ZIP64_LOCATOR,
  U16_MAX,
  U32_MAX,
  ZIP64_EOCD_SIZE,
  ZIP64_LOCATOR_SIZE,
} from "./zip-format.js";

export { ZipError, type ZipErrorCode } from "./zip-errors.js";

export interface ZipLimits {
  /** Most entries (files and directories) accepted. Default 10,000. */
  maxEntries: number;
  /** Largest declared uncompressed size of one entry. Default 20 MiB. */
  maxEntryBytes: number;
  /** Largest sum of declared uncompressed sizes. Default 512 MiB. */
  maxTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxEntries: 10_000,
  maxEntryBytes: 20 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
});

export interface ZipEntry {
  /** Normalised name (`./` segments removed; directories end in `/`). */
  readonly name: string;
  /** Declared uncompressed size (verified by `read()`). */
  readonly size: number;
  readonly compressedSize: number;
  readonly crc32: number;
  readonly isDirectory: boolean;
  /** A plain file or directory, or what the Unix mode in its external attributes says (a symlink, a device, FIFO or socket). */
  readonly kind: EntryKind;
  readonly modifiedAt: Date;
  /** Uncompressed contents, size- and CRC-checked. A fresh Buffer (never a view of the archive). Empty for directories. */
  read(): Buffer;
  /**
   * The same as `read()`; an entry of more than ASYNC_INFLATE_BYTES compressed bytes is
   * inflated on the libuv pool, so the event loop stays free meanwhile (smaller ones
   * inflate in place: a pool round trip would cost more than they do).
   */
  readAsync(): Promise<Buffer>;
}

/** Largest output buffer zlib is asked to allocate up front while inflating one entry. */
const MAX_INFLATE_CHUNK = 4 * 1024 * 1024;
/** readAsync() inflates entries with more compressed bytes than this on the libuv pool (~2.5 ms of inflate here). */
export const ASYNC_INFLATE_BYTES = 256 * 1024;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const inflateRawAsync = promisify(zlib.inflateRaw);

class Entry implements ZipEntry {
  constructor(
    private readonly buf: Buffer,
    readonly name: string,
    readonly isDirectory: boolean,
    readonly kind: EntryKind,
    readonly size: number,
    readonly compressedSize: number,
    readonly crc32: number,
    readonly modifiedAt: Date,
    private readonly method: number,
    /** Offset of the local header; data follows after `dataStart`. */
    readonly localOffset: number,
    readonly dataStart: number,
  ) {}

  read(): Buffer {
    if (this.isDirectory) return Buffer.alloc(0);
    const data = this.#data();
    let out: Buffer;
    if (this.method === METHOD_STORE) {
      out = Buffer.from(data); // copy: callers must not be able to alias the archive
    } else {
      try {
        out = zlib.inflateRawSync(data, this.#inflateOptions());
      } catch (err) {
        throw this.#inflateError(err);
      }
    }
    return this.#checked(out);
  }

  async readAsync(): Promise<Buffer> {
    if (this.isDirectory || this.method === METHOD_STORE || this.compressedSize <= ASYNC_INFLATE_BYTES) return this.read();
    let out: Buffer;
    try {
      out = await inflateRawAsync(this.#data(), this.#inflateOptions());
    } catch (err) {
      throw this.#inflateError(err);
    }
    return this.#checked(out);
  }

  #data(): Buffer {
    return this.buf.subarray(this.dataStart, this.dataStart + this.compressedSize);
  }

  #inflateOptions(): zlib.ZlibOptions {
    return {
      // The hard cap: zlib throws as soon as output passes it, so a lying
      // bomb costs at most declared size + one chunk.
      maxOutputLength: this.size + 1,
      chunkSize: Math.min(Math.max(this.size + 1, 64), MAX_INFLATE_CHUNK),
    };
  }

  #inflateError(err: unknown): ZipError {
    if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      return new ZipError("size_mismatch", `Entry inflates to more than its declared ${this.size} bytes`, this.name);
    }
    return new ZipError("corrupt", `Entry data does not inflate (${(err as Error).message})`, this.name);
  }

  #checked(out: Buffer): Buffer {
    if (out.length !== this.size) {
      throw new ZipError("size_mismatch", `Entry has ${out.length} bytes, declared ${this.size}`, this.name);
    }
    if (crc32(out) !== this.crc32) throw new ZipError("crc_mismatch", "CRC-32 does not match", this.name);
    return out;
  }
}

/**
 * Parses and validates the archive's structure: end records, central
 * directory, every local header, names, sizes against `limits`, overlaps.
 * Throws ZipError; returns entries in central-directory order.
 */
export function openZip(buf: Buffer, limits: Partial<ZipLimits> = {}): ZipEntry[] {
  return runSteps(openZipSteps(buf, limits));
}

/** `openZip` for a busy event loop: the same checks and result, yielding to the loop whenever `pacer` says so. */
export function openZipPaced(buf: Buffer, limits: Partial<ZipLimits>, pacer: Pacer): Promise<ZipEntry[]> {
  return runStepsPaced(openZipSteps(buf, limits), pacer);
}

/** Entries parsed between two chances to yield. */
const ENTRIES_PER_STEP = 256;

/** The work of openZip, pausing (yield) every ENTRIES_PER_STEP entries. */
function* openZipSteps(buf: Buffer, limits: Partial<ZipLimits>): Generator<void, ZipEntry[]> {
  const lim: ZipLimits = {
    maxEntries: limits.maxEntries ?? DEFAULT_ZIP_LIMITS.maxEntries,
    maxEntryBytes: limits.maxEntryBytes ?? DEFAULT_ZIP_LIMITS.maxEntryBytes,
    maxTotalBytes: limits.maxTotalBytes ?? DEFAULT_ZIP_LIMITS.maxTotalBytes,
  };
  const { count, cdOffset, cdSize, cdEnd } = readEndRecords(buf);
  if (count > lim.maxEntries) {
    throw new ZipError("too_many_entries", `Archive has ${count} entries, the limit is ${lim.maxEntries}`, undefined, lim.maxEntries);
  }
  if (cdOffset + cdSize > buf.length) throw new ZipError("truncated", "Central directory runs past the end of the data");
  if (cdOffset + cdSize > cdEnd) throw new ZipError("corrupt", "Central directory overlaps the end records");
  if (count * CENTRAL_HEADER_SIZE > cdSize) throw new ZipError("corrupt", "Central directory too small for its entry count");

  const entries: Entry[] = [];
  const seen = new Map<string, boolean>(); // name without trailing '/' → isDirectory
  let total = 0;
  let p = cdOffset;
  const cdStop = cdOffset + cdSize;
  for (let i = 0; i < count; i++) {
    if (i % ENTRIES_PER_STEP === ENTRIES_PER_STEP - 1) yield;
    if (p + CENTRAL_HEADER_SIZE > cdStop) throw new ZipError("corrupt", `Central directory ends inside entry ${i}`);
    if (buf.readUInt32LE(p) !== SIG_CENTRAL) throw new ZipError("corrupt", `Bad central directory signature at entry ${i}`);
    const versionMadeBy = buf.readUInt16LE(p + 4);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const dosTime = buf.readUInt16LE(p + 12);
    const dosDate = buf.readUInt16LE(p + 14);
    const crc = buf.readUInt32LE(p + 16);
    let compressedSize = buf.readUInt32LE(p + 20);
    let size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const diskStart = buf.readUInt16LE(p + 34);
    const externalAttributes = buf.readUInt32LE(p + 38);
    let localOffset = buf.readUInt32LE(p + 42);
    const nameStart = p + CENTRAL_HEADER_SIZE;
    const extraStart = nameStart + nameLen;
    const next = extraStart + extraLen + commentLen;
    if (next > cdStop) throw new ZipError("corrupt", `Central directory entry ${i} runs past the directory`);
    const rawName = decodeName(buf, nameStart, extraStart, (flags & FLAG_UTF8) !== 0);

    if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_CD_ENCRYPTED)) {
      throw new ZipError("encrypted", "Encrypted entries are not supported", rawName);
    }
    if (method !== METHOD_STORE && method !== METHOD_DEFLATE) {
      throw new ZipError("unsupported_method", `Compression method ${method} is not supported`, rawName);
    }
    const check = checkEntryName(rawName);
    if (!check.ok) throw new ZipError("unsafe_path", `Unsafe entry name (${check.reason})`, rawName);

    // Extra fields: ZIP64 sizes/offset (4.5.3) and the Info-ZIP Unix mtime.
    let unixTime: number | undefined;
    let needSize = size === U32_MAX;
    let needCompressed = compressedSize === U32_MAX;
    let needOffset = localOffset === U32_MAX;
    let needDisk = diskStart === U16_MAX;
    for (let e = extraStart; e < extraStart + extraLen; ) {
      if (e + 4 > extraStart + extraLen) throw new ZipError("corrupt", "Truncated extra field", rawName);
      const id = buf.readUInt16LE(e);
      const len = buf.readUInt16LE(e + 2);
      const body = e + 4;
      if (body + len > extraStart + extraLen) throw new ZipError("corrupt", "Extra field runs past its header", rawName);
      if (id === EXTRA_ZIP64) {
        let q = body;
        const take = (): number => {
          if (q + 8 > body + len) throw new ZipError("corrupt", "ZIP64 extra field too short", rawName);
          const v = readU64(buf, q);
          q += 8;
          return v;
        };
        if (needSize) (size = take()), (needSize = false);
        if (needCompressed) (compressedSize = take()), (needCompressed = false);
        if (needOffset) (localOffset = take()), (needOffset = false);
        if (needDisk && q + 4 <= body + len && buf.readUInt32LE(q) === 0) needDisk = false;
      } else if (id === EXTRA_EXTENDED_TIME && len >= 5 && (buf[body]! & 1) !== 0) {
        unixTime = buf.readInt32LE(body + 1); // signed seconds since 1970
      }
      e = body + len;
    }
    if (needSize || needCompressed || needOffset) throw new ZipError("corrupt", "Missing ZIP64 extra field", rawName);
    if (needDisk || (diskStart !== 0 && diskStart !== U16_MAX)) {
      throw new ZipError("corrupt", "Multi-disk archives are not supported", rawName);
    }

    const key = check.isDirectory ? check.name.slice(0, -1) : check.name;
    if (seen.has(key)) throw new ZipError("duplicate_name", "Duplicate entry name", check.name);
    seen.set(key, check.isDirectory);

    if (size > lim.maxEntryBytes) {
      throw new ZipError("entry_too_large", `Entry declares ${size} bytes, the limit is ${lim.maxEntryBytes}`, check.name);
    }
    total += size;
    if (total > lim.maxTotalBytes) {
      throw new ZipError("total_too_large", `Entries declare more than ${lim.maxTotalBytes} bytes in total`, check.name);
    }
    if (check.isDirectory && size !== 0) throw new ZipError("corrupt", "Directory entry with data", check.name);
    if (method === METHOD_STORE && compressedSize !== size) {
      throw new ZipError("size_mismatch", `Stored entry declares ${size} bytes but holds ${compressedSize}`, check.name);
    }

    // Cross-check the local header.
    if (localOffset + LOCAL_HEADER_SIZE > buf.length) throw new ZipError("truncated", "Local header past the end of the data", check.name);
    if (buf.readUInt32LE(localOffset) !== SIG_LOCAL) throw new ZipError("corrupt", "Bad local header signature", check.name);
    const localFlags = buf.readUInt16LE(localOffset + 6);
    const localNameLen = buf.readUInt16LE(localOffset + 26);
    const localExtraLen = buf.readUInt16LE(localOffset + 28);
    if (localFlags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) {
      throw new ZipError("encrypted", "Local header marks the entry encrypted", check.name);
    }
    if (buf.readUInt16LE(localOffset + 8) !== method || localNameLen !== nameLen) {
      throw new ZipError("corrupt", "Local header disagrees with the central directory", check.name);
    }
    const dataStart = localOffset + LOCAL_HEADER_SIZE + localNameLen + localExtraLen;
    if (dataStart + compressedSize > buf.length) throw new ZipError("truncated", "Entry data runs past the end of the data", check.name);
    if (buf.compare(buf, nameStart, extraStart, localOffset + LOCAL_HEADER_SIZE, localOffset + LOCAL_HEADER_SIZE + nameLen) !== 0) {
      throw new ZipError("corrupt", "Local header name differs from the central directory", check.name);
    }

    const modifiedAt = unixTime !== undefined ? new Date(unixTime * 1000) : fromDosDateTime(dosDate, dosTime);
    entries.push(
      new Entry(buf, check.name, check.isDirectory, entryKind(versionMadeBy, externalAttributes, check.isDirectory), size, compressedSize, crc, modifiedAt, method, localOffset, dataStart),
    );
    p = next;
  }
  if (p !== cdStop) throw new ZipError("corrupt", "Central directory size does not match its entries");

  yield;
  checkParentConflicts(entries, seen);
  yield;
  checkNoOverlap(entries, cdOffset);
  return entries;
}

/** Opens the archive and reads every file entry, so nothing is used before everything has been validated. */
export function readAllEntries(
  buf: Buffer,
  limits: Partial<ZipLimits> = {},
): { name: string; data: Buffer; modifiedAt: Date }[] {
  const out: { name: string; data: Buffer; modifiedAt: Date }[] = [];
  for (const e of openZip(buf, limits)) {
    if (!e.isDirectory) out.push({ name: e.name, data: e.read(), modifiedAt: e.modifiedAt });
  }
  return out;
}

/** Validates everything `readAllEntries` would, holding one entry at a time. */
export function verifyZip(buf: Buffer, limits: Partial<ZipLimits> = {}): { files: number; totalBytes: number } {
  let files = 0;
  let totalBytes = 0;
  for (const e of openZip(buf, limits)) {
    if (e.isDirectory) continue;
    totalBytes += e.read().length;
    files++;
  }
  return { files, totalBytes };
}

function decodeName(buf: Buffer, start: number, end: number, utf8Flag: boolean): string {
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return buf.toString("latin1", start, end);
  const bytes = buf.subarray(start, end);
  if (utf8Flag) {
    try {
      return utf8.decode(bytes);
    } catch {
      throw new ZipError("invalid_name_encoding", "Entry name is flagged UTF-8 but is not valid UTF-8", bytes.toString("latin1"));
    }
  }
  // Without the flag the bytes are CP437 (APPNOTE 4.4.4), as unzip and Python
  // read them; but many tools write UTF-8 and forget the flag, and valid UTF-8
  // is almost never meant as CP437, so that is tried first.
  try {
    return utf8.decode(bytes);
  } catch {
    return decodeCp437(bytes);
  }
}

interface EndRecords {
  count: number;
  cdOffset: number;
  cdSize: number;
  /** Where the end records begin: the central directory must end at or before it. */
  cdEnd: number;
}

function readEndRecords(buf: Buffer): EndRecords {
  const looksLikeZip = buf.length >= 4 && buf.readUInt32LE(0) === SIG_LOCAL;
  let eocd = -1;
  const lowest = Math.max(0, buf.length - EOCD_SIZE - MAX_COMMENT);
  for (let i = buf.length - EOCD_SIZE; i >= lowest; i--) {
    // Byte test first: this loop can run 65,557 times over a non-ZIP.
    if (buf[i] === 0x50 && buf.readUInt32LE(i) === SIG_EOCD && i + EOCD_SIZE + buf.readUInt16LE(i + 20) <= buf.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    if (looksLikeZip) throw new ZipError("truncated", "End of central directory record not found");
    throw new ZipError("not_zip", "Not a ZIP archive");
  }

  const disk = buf.readUInt16LE(eocd + 4);
  const cdDisk = buf.readUInt16LE(eocd + 6);
  const countOnDisk = buf.readUInt16LE(eocd + 8);
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  let cdEnd = eocd;

  const locator = eocd - ZIP64_LOCATOR_SIZE;
  const zip64Marked = count === U16_MAX || countOnDisk === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX;
  if (locator >= 0 && buf.readUInt32LE(locator) === SIG_ZIP64_LOCATOR) {
    if (buf.readUInt32LE(locator + 4) !== 0 || buf.readUInt32LE(locator + 16) > 1) {
      throw new ZipError("corrupt", "Multi-disk archives are not supported");
    }
    const z = readU64(buf, locator + 8);
    if (z + ZIP64_EOCD_SIZE > locator) {
      throw new ZipError(z + ZIP64_EOCD_SIZE > buf.length ? "truncated" : "corrupt", "ZIP64 end record out of place");
    }
    if (buf.readUInt32LE(z) !== SIG_ZIP64_EOCD) throw new ZipError("corrupt", "Bad ZIP64 end record signature");
    if (readU64(buf, z + 4) < ZIP64_EOCD_SIZE - 12) throw new ZipError("corrupt", "ZIP64 end record too short");
    if (buf.readUInt32LE(z + 16) !== 0 || buf.readUInt32LE(z + 20) !== 0) {
      throw new ZipError("corrupt", "Multi-disk archives are not supported");
    }
    const onDisk = readU64(buf, z + 24);
    count = readU64(buf, z + 32);
    cdSize = readU64(buf, z + 40);
    cdOffset = readU64(buf, z + 48);
    if (onDisk !== count) throw new ZipError("corrupt", "Multi-disk archives are not supported");
    cdEnd = z;
  } else {
    if (zip64Marked) throw new ZipError(locator < 0 ? "truncated" : "corrupt", "ZIP64 values without a ZIP64 locator");
    if (disk !== 0 || cdDisk !== 0 || countOnDisk !== count) {
      throw new ZipError("corrupt", "Multi-disk archives are not supported");
    }
  }
  return { count, cdOffset, cdSize, cdEnd };
}

/** A file `a` and an entry `a/b` cannot both be extracted. */
function checkParentConflicts(entries: Entry[], names: Map<string, boolean>): void {
  const checkedDirs = new Set<string>(); // every ancestor of these is known not to be a file
  for (const e of entries) {
    const name = e.isDirectory ? e.name.slice(0, -1) : e.name;
    const last = name.lastIndexOf("/");
    if (last < 0 || checkedDirs.has(name.slice(0, last))) continue;
    for (let slash = name.indexOf("/"); slash >= 0; slash = name.indexOf("/", slash + 1)) {
      const parent = name.slice(0, slash);
      if (names.get(parent) === false) {
        throw new ZipError("duplicate_name", `Entry is inside ${JSON.stringify(parent)}, which is a file`, e.name);
      }
      checkedDirs.add(parent);
    }
  }
}

/** Entries' local header + data must not overlap each other or the central directory (overlapping-entry bombs). */
function checkNoOverlap(entries: Entry[], cdOffset: number): void {
  let sorted = true;
  for (let i = 1; i < entries.length && sorted; i++) sorted = entries[i - 1]!.localOffset <= entries[i]!.localOffset;
  const byOffset = sorted ? entries : entries.slice().sort((a, b) => a.localOffset - b.localOffset);
  let prevEnd = 0;
  let prevName = "";
  for (const e of byOffset) {
    if (e.localOffset < prevEnd) throw new ZipError("corrupt", `Entry overlaps ${JSON.stringify(prevName)}`, e.name);
    prevEnd = e.dataStart + e.compressedSize;
    prevName = e.name;
  }
  if (prevEnd > cdOffset) throw new ZipError("corrupt", "Entry data overlaps the central directory", prevName);
}
