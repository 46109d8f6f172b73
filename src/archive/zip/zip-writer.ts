/**
 * Streaming ZIP writer (PKWARE APPNOTE 6.3.x).
 *
 * Each entry is compressed whole, then its local header (with CRC and sizes,
 * so no data descriptors) and data are written to `out`, honouring
 * backpressure. Per entry, only its central-directory record stays in memory
 * until `finish()`, already encoded (46 bytes + name + extras, ~90 bytes for a
 * typical name) into 64 KiB buffers outside the JS heap, plus a 64-bit
 * fingerprint of its name for duplicate detection: no JS object per entry, so
 * a writer's memory does not grow with garbage-collected objects as entries
 * pile up. `addPrepared()` writes an entry whose (deflated) bytes the caller
 * produced piece by piece, e.g. a manifest built while the other entries were
 * written.
 *
 * Compression: every entry goes through a long-lived zlib DeflateRaw stream
 * (EntryDeflater), reset between entries, on the libuv pool: no entry blocks
 * the event loop, and its output comes as slices of reused 16 KiB chunks
 * instead of a fresh input-sized buffer per entry (what Node 24 reclaims
 * late, see docs/PERFORMANCE.md). An entry that does not shrink is stored.
 * Entries are compressed as soon as they are added, by up to `deflaters`
 * streams at once (default 2: both cores of a small server, and the pool's
 * round trip per entry is hidden behind the other entry's work), and written
 * in call order; `concurrency` tells a caller how many adds to keep in flight.
 *
 * Ownership: `finish()` does not end `out` unless `{ end: true }` — whoever
 * created the stream (e.g. a GridFS upload) decides when it is complete.
 */
import type { Writable } from "node:stream";
import * as zlib from "node:zlib";
import { crc32 } from "./crc32.js";
import { ZipError } from "./zip-errors.js";
import {
  CENTRAL_HEADER_SIZE,
  checkEntryName,
  EOCD_SIZE,
  EXTRA_EXTENDED_TIME,
  EXTRA_ZIP64,
  FLAG_UTF8,
  LOCAL_HEADER_SIZE,
  METHOD_DEFLATE,
  METHOD_STORE,
  SIG_CENTRAL,
  SIG_EOCD,
  SIG_LOCAL,
  SIG_ZIP64_EOCD,
  SIG_ZIP64_LOCATOR,
  toDosDateTime,
  U16_MAX,
  U32_MAX,
  writeU64,
  ZIP64_EOCD_SIZE,
  ZIP64_LOCATOR_SIZE,
} from "./zip-format.js";

export interface ZipEntryInput {
  /** Path inside the archive, `/`-separated, relative. Written as given (UTF-8). */
  name: string;
  /**
   * Entry contents. Must not be modified until the returned promise of `add()` settles;
   * after that the caller may reuse the buffer (an entry written stored is copied first,
   * since `out` may still hold what it was given).
   */
  data: Uint8Array;
  /** Defaults to the time `add()` is called. */
  modifiedAt?: Date;
}

/** An entry whose data the caller has already encoded (see `addPrepared()`). */
export interface ZipPreparedEntryInput {
  name: string;
  /** "deflate": `chunks` are one raw DEFLATE stream, in order; "store": they are the bytes themselves. */
  method: "deflate" | "store";
  chunks: readonly Uint8Array[];
  /** CRC-32 and length of the uncompressed data. */
  crc: number;
  size: number;
  /** Defaults to the time `addPrepared()` is called. */
  modifiedAt?: Date;
}

export interface ZipWriterOptions {
  /** DEFLATE level 0–9 (default 6). 0 stores every entry uncompressed. */
  level?: number;
  /** Entries compressed at once, each on its own zlib stream in the libuv pool (default 2). */
  deflaters?: number;
  /** Call `out.end()` in `finish()` and wait for its 'finish' event (default false: the caller owns `out`). */
  end?: boolean;
  /**
   * Write ZIP64 extra fields for every entry and the ZIP64 end records even
   * when nothing overflows (valid per APPNOTE; used by tests to exercise the
   * ZIP64 code paths without writing 4 GiB). Default false.
   */
  forceZip64?: boolean;
}

export interface ZipSummary {
  entries: number;
  bytesWritten: number;
}

/** "Made by" Unix (3), spec 6.3 — needed for the Unix mode in the external attributes. */
const VERSION_MADE_BY = (3 << 8) | 63;
const VERSION_ZIP64 = 45;
const VERSION_DEFLATE = 20;
const VERSION_STORE = 10;
/** Regular file, rw-r--r--, in the high 16 bits (Unix host convention). */
const EXTERNAL_ATTR_FILE = (0o100644 << 16) >>> 0;
const CD_CHUNK_BYTES = 64 * 1024;

export class ZipWriter {
  readonly #out: NodeJS.WritableStream | Writable;
  readonly #level: number;
  readonly #endOutput: boolean;
  /** Streams made as entries need them; closed by finish() or a failure. */
  readonly #deflaters: DeflaterPool;
  readonly #forceZip64: boolean;
  /** Encoded central-directory records; the last one is filled up to #cdUsed. */
  readonly #cd: Buffer[] = [];
  #cdUsed = 0;
  #count = 0;
  /** Fingerprints of every reserved name; the names themselves are in #cd or #pending. */
  readonly #fingerprints = new NameFingerprints();
  /** Names reserved by add() whose record is not in #cd yet. */
  readonly #pending = new Set<string>();
  #bytesWritten = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #failure: unknown = undefined;
  #outError: Error | undefined;
  #finishing = false;
  readonly #onOutError = (err: Error): void => {
    this.#outError ??= err;
  };

  constructor(out: NodeJS.WritableStream | Writable, opts: ZipWriterOptions = {}) {
    const level = opts.level ?? 6;
    if (!Number.isInteger(level) || level < 0 || level > 9) throw new RangeError(`level must be 0–9, got ${level}`);
    const deflaters = opts.deflaters ?? DEFAULT_DEFLATERS;
    if (!Number.isInteger(deflaters) || deflaters < 1) throw new RangeError(`deflaters must be a positive integer, got ${deflaters}`);
    this.#out = out;
    this.#level = level;
    this.#deflaters = new DeflaterPool(level, deflaters);
    this.#endOutput = opts.end ?? false;
    this.#forceZip64 = opts.forceZip64 ?? false;
    out.on("error", this.#onOutError);
  }

  /** Bytes handed to `out` so far. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** How many entries are compressed at once: a caller keeps this many `add()`s (plus one being written) in flight. */
  get concurrency(): number {
    return this.#deflaters.size;
  }

  /** Whether an entry of this name was added already (or is being added): `add()` would refuse it as a duplicate. */
  hasName(name: string): boolean {
    if (this.#pending.has(name)) return true;
    const [h1, h2] = fingerprint(name);
    return this.#fingerprints.has(h1, h2) && this.#cdHasName(name);
  }

  /**
   * Compresses and writes one entry. Calls may overlap; entries are written in
   * call order. Rejects with ZipError("unsafe_path" | "duplicate_name") for a
   * bad name (nothing written, the writer stays usable); any other failure
   * (output stream error) poisons the writer.
   */
  add(entry: ZipEntryInput): Promise<void> {
    const refused = this.#reserve(entry.name);
    if (refused) return Promise.reject(refused);
    const modifiedAt = entry.modifiedAt ?? new Date();
    // Compressed now, beside other entries; written in call order.
    const encoded = this.#encode(entry.data);
    encoded.catch(() => {}); // observed by the write task (or moot once the writer has failed)
    return this.#enqueue(async () => {
      const { method, crc, chunks, compressedSize } = await encoded;
      // Stored: a copy, since `out` may hold it after add() settles, when the caller may reuse `data`.
      const payload = chunks ?? [Buffer.from(entry.data)];
      return this.#writeEncoded(entry.name, method, crc, entry.data.length, compressedSize, payload, modifiedAt);
    });
  }

  /**
   * Writes an entry whose data is already encoded: `chunks` in order, with the
   * given method, CRC and uncompressed size (the caller vouches for them; the
   * reader checks them). Same name rules and ordering as `add()`.
   */
  addPrepared(entry: ZipPreparedEntryInput): Promise<void> {
    const refused = this.#reserve(entry.name);
    if (refused) return Promise.reject(refused);
    const modifiedAt = entry.modifiedAt ?? new Date();
    const method = entry.method === "deflate" ? METHOD_DEFLATE : METHOD_STORE;
    let compressedSize = 0;
    for (const c of entry.chunks) compressedSize += c.length;
    if (method === METHOD_STORE && compressedSize !== entry.size) {
      return Promise.reject(new RangeError(`stored entry ${entry.name}: ${compressedSize} bytes given, size says ${entry.size}`));
    }
    return this.#enqueue(() => this.#writeEncoded(entry.name, method, entry.crc >>> 0, entry.size, compressedSize, entry.chunks, modifiedAt));
  }

  /** Undefined when `name` is now reserved; the error to reject with otherwise. */
  #reserve(name: string): Error | undefined {
    if (this.#finishing) return new Error("ZipWriter.add() after finish()");
    const check = checkEntryName(name);
    if (!check.ok || check.isDirectory || check.name !== name) {
      const reason = check.ok ? (check.isDirectory ? "directory name" : "non-canonical name") : check.reason;
      return new ZipError("unsafe_path", `Refusing to write entry (${reason})`, name);
    }
    const [h1, h2] = fingerprint(name);
    // A matching fingerprint is almost always the same name; confirm against the real names.
    if (this.#pending.has(name) || (this.#fingerprints.has(h1, h2) && this.#cdHasName(name))) {
      return new ZipError("duplicate_name", "Entry already written", name);
    }
    this.#fingerprints.add(h1, h2);
    this.#pending.add(name);
    return undefined;
  }

  /** Whether an encoded central-directory record carries `name` (a linear scan: only on a fingerprint match). */
  #cdHasName(name: string): boolean {
    const wanted = Buffer.from(name, "utf8");
    for (let i = 0; i < this.#cd.length; i++) {
      const chunk = this.#cd[i]!;
      const end = i === this.#cd.length - 1 ? this.#cdUsed : chunk.length; // earlier chunks are trimmed to their records
      let p = 0;
      // Chunks hold whole records (#cdReserve never splits one).
      while (p < end) {
        const nameLen = chunk.readUInt16LE(p + 28);
        const extraLen = chunk.readUInt16LE(p + 30);
        if (nameLen === wanted.length && wanted.equals(chunk.subarray(p + CENTRAL_HEADER_SIZE, p + CENTRAL_HEADER_SIZE + nameLen))) return true;
        p += CENTRAL_HEADER_SIZE + nameLen + extraLen;
      }
    }
    return false;
  }

  /**
   * Writes the central directory and end records after all pending `add()`s.
   * Ends `out` only when constructed with `{ end: true }`.
   */
  finish(): Promise<ZipSummary> {
    if (this.#finishing) return Promise.reject(new Error("ZipWriter.finish() called twice"));
    this.#finishing = true;
    return this.#enqueue(() => this.#writeTrailer());
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#failure !== undefined) throw this.#failure;
      return task().catch((err: unknown) => {
        this.#failure ??= err;
        this.#deflaters.close();
        throw err;
      });
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** CRC and, when it shrinks the entry, its DEFLATE stream (chunks undefined: store it). */
  async #encode(data: Uint8Array): Promise<{ method: number; crc: number; chunks?: Buffer[]; compressedSize: number }> {
    const crc = crc32(data);
    if (this.#level > 0 && data.length > 0) {
      const compressed = await this.#deflaters.deflate(data);
      let compressedSize = 0;
      for (const c of compressed) compressedSize += c.length;
      if (compressedSize < data.length) return { method: METHOD_DEFLATE, crc, chunks: compressed, compressedSize };
    }
    return { method: METHOD_STORE, crc, compressedSize: data.length };
  }

  /** Local header, then `payload`; the central-directory record is encoded at once and kept as bytes. */
  async #writeEncoded(
    name: string,
    method: number,
    crc: number,
    size: number,
    compressedSize: number,
    payload: readonly Uint8Array[],
    modifiedAt: Date,
  ): Promise<void> {
    const nameLen = Buffer.byteLength(name, "utf8");
    const { date: dosDate, time: dosTime } = toDosDateTime(modifiedAt);
    const seconds = Math.floor(modifiedAt.getTime() / 1000);
    const unixTime = seconds >= 0 && seconds <= 0x7fffffff ? seconds : undefined;
    const offset = this.#bytesWritten;
    const force = this.#forceZip64;
    const zip64Sizes = force || size >= U32_MAX || compressedSize >= U32_MAX;
    const zip64Any = zip64Sizes || offset >= U32_MAX;
    const versionNeeded = zip64Any ? VERSION_ZIP64 : method === METHOD_DEFLATE ? VERSION_DEFLATE : VERSION_STORE;

    const extraLen = (zip64Sizes ? 20 : 0) + (unixTime !== undefined ? 9 : 0);
    const h = Buffer.allocUnsafe(LOCAL_HEADER_SIZE + nameLen + extraLen);
    h.writeUInt32LE(SIG_LOCAL, 0);
    h.writeUInt16LE(versionNeeded, 4);
    h.writeUInt16LE(FLAG_UTF8, 6);
    h.writeUInt16LE(method, 8);
    h.writeUInt16LE(dosTime, 10);
    h.writeUInt16LE(dosDate, 12);
    h.writeUInt32LE(crc, 14);
    h.writeUInt32LE(zip64Sizes ? U32_MAX : compressedSize, 18);
    h.writeUInt32LE(zip64Sizes ? U32_MAX : size, 22);
    h.writeUInt16LE(nameLen, 26);
    h.writeUInt16LE(extraLen, 28);
    h.write(name, LOCAL_HEADER_SIZE, "utf8");
    let p = LOCAL_HEADER_SIZE + nameLen;
    if (zip64Sizes) {
      // 4.5.3: in the local header both sizes are present.
      h.writeUInt16LE(EXTRA_ZIP64, p);
      h.writeUInt16LE(16, p + 2);
      writeU64(h, size, p + 4);
      writeU64(h, compressedSize, p + 12);
      p += 20;
    }
    if (unixTime !== undefined) {
      h.writeUInt16LE(EXTRA_EXTENDED_TIME, p);
      h.writeUInt16LE(5, p + 2);
      h.writeUInt8(1, p + 4); // mtime present
      h.writeUInt32LE(unixTime, p + 5);
    }

    // Central-directory record (4.3.12), complete now: every field is known once the offset is.
    const z64Size = force || size >= U32_MAX;
    const z64Compressed = force || compressedSize >= U32_MAX;
    const z64Offset = force || offset >= U32_MAX;
    const z64Len = (z64Size ? 8 : 0) + (z64Compressed ? 8 : 0) + (z64Offset ? 8 : 0);
    const cdExtraLen = (z64Len > 0 ? 4 + z64Len : 0) + (unixTime !== undefined ? 9 : 0);
    const [c, q] = this.#cdReserve(CENTRAL_HEADER_SIZE + nameLen + cdExtraLen);
    c.writeUInt32LE(SIG_CENTRAL, q);
    c.writeUInt16LE(VERSION_MADE_BY, q + 4);
    c.writeUInt16LE(versionNeeded, q + 6);
    c.writeUInt16LE(FLAG_UTF8, q + 8);
    c.writeUInt16LE(method, q + 10);
    c.writeUInt16LE(dosTime, q + 12);
    c.writeUInt16LE(dosDate, q + 14);
    c.writeUInt32LE(crc, q + 16);
    c.writeUInt32LE(z64Compressed ? U32_MAX : compressedSize, q + 20);
    c.writeUInt32LE(z64Size ? U32_MAX : size, q + 24);
    c.writeUInt16LE(nameLen, q + 28);
    c.writeUInt16LE(cdExtraLen, q + 30);
    c.writeUInt16LE(0, q + 32); // comment length
    c.writeUInt16LE(0, q + 34); // disk number start
    c.writeUInt16LE(0, q + 36); // internal attributes
    c.writeUInt32LE(EXTERNAL_ATTR_FILE, q + 38);
    c.writeUInt32LE(z64Offset ? U32_MAX : offset, q + 42);
    c.write(name, q + CENTRAL_HEADER_SIZE, "utf8");
    let r = q + CENTRAL_HEADER_SIZE + nameLen;
    if (z64Len > 0) {
      // 4.5.3: only the fields whose header value is 0xFFFFFFFF, in this fixed order.
      c.writeUInt16LE(EXTRA_ZIP64, r);
      c.writeUInt16LE(z64Len, r + 2);
      r += 4;
      if (z64Size) (writeU64(c, size, r), (r += 8));
      if (z64Compressed) (writeU64(c, compressedSize, r), (r += 8));
      if (z64Offset) (writeU64(c, offset, r), (r += 8));
    }
    if (unixTime !== undefined) {
      c.writeUInt16LE(EXTRA_EXTENDED_TIME, r);
      c.writeUInt16LE(5, r + 2);
      c.writeUInt8(1, r + 4);
      c.writeUInt32LE(unixTime, r + 5);
    }
    this.#count++;
    this.#pending.delete(name);

    await this.#write(h);
    for (const chunk of payload) if (chunk.length > 0) await this.#write(chunk);
  }

  /** Room for one record of `len` bytes at the end of the central directory: [buffer, offset]. */
  #cdReserve(len: number): [Buffer, number] {
    let last = this.#cd.at(-1);
    if (!last || last.length - this.#cdUsed < len) {
      // Outside Node's shared pool: these live until finish().
      last = Buffer.allocUnsafeSlow(Math.max(CD_CHUNK_BYTES, len));
      if (this.#cd.length > 0) this.#cd[this.#cd.length - 1] = this.#cd.at(-1)!.subarray(0, this.#cdUsed);
      this.#cd.push(last);
      this.#cdUsed = 0;
    }
    const at = this.#cdUsed;
    this.#cdUsed += len;
    return [last, at];
  }

  async #writeTrailer(): Promise<ZipSummary> {
    const cdOffset = this.#bytesWritten;
    const force = this.#forceZip64;
    for (let i = 0; i < this.#cd.length; i++) {
      const chunk = this.#cd[i]!;
      await this.#write(i === this.#cd.length - 1 ? chunk.subarray(0, this.#cdUsed) : chunk);
    }
    const cdSize = this.#bytesWritten - cdOffset;
    const count = this.#count;

    const zip64 = force || count >= U16_MAX || cdSize >= U32_MAX || cdOffset >= U32_MAX;
    const tail = Buffer.alloc((zip64 ? ZIP64_EOCD_SIZE + ZIP64_LOCATOR_SIZE : 0) + EOCD_SIZE);
    let p = 0;
    if (zip64) {
      const zip64EocdOffset = this.#bytesWritten;
      tail.writeUInt32LE(SIG_ZIP64_EOCD, 0); // 4.3.14
      writeU64(tail, ZIP64_EOCD_SIZE - 12, 4);
      tail.writeUInt16LE(VERSION_MADE_BY, 12);
      tail.writeUInt16LE(VERSION_ZIP64, 14);
      tail.writeUInt32LE(0, 16); // this disk
      tail.writeUInt32LE(0, 20); // disk with the central directory
      writeU64(tail, count, 24);
      writeU64(tail, count, 32);
      writeU64(tail, cdSize, 40);
      writeU64(tail, cdOffset, 48);
      p = ZIP64_EOCD_SIZE;
      tail.writeUInt32LE(SIG_ZIP64_LOCATOR, p); // 4.3.15
      tail.writeUInt32LE(0, p + 4);
      writeU64(tail, zip64EocdOffset, p + 8);
      tail.writeUInt32LE(1, p + 16); // total disks
      p += ZIP64_LOCATOR_SIZE;
    }
    const countField = force || count >= U16_MAX ? U16_MAX : count;
    tail.writeUInt32LE(SIG_EOCD, p); // 4.3.16
    tail.writeUInt16LE(0, p + 4);
    tail.writeUInt16LE(0, p + 6);
    tail.writeUInt16LE(countField, p + 8);
    tail.writeUInt16LE(countField, p + 10);
    tail.writeUInt32LE(force || cdSize >= U32_MAX ? U32_MAX : cdSize, p + 12);
    tail.writeUInt32LE(force || cdOffset >= U32_MAX ? U32_MAX : cdOffset, p + 16);
    tail.writeUInt16LE(0, p + 20); // comment length
    await this.#write(tail);
    this.#deflaters.close();

    if (this.#endOutput) await this.#endOut();
    this.#out.off("error", this.#onOutError);
    return { entries: count, bytesWritten: this.#bytesWritten };
  }

  #write(chunk: Uint8Array): Promise<void> | undefined {
    if (this.#outError) throw this.#outError;
    this.#bytesWritten += chunk.length;
    if (this.#out.write(chunk)) return undefined;
    return this.#waitFor("drain");
  }

  #endOut(): Promise<void> {
    const done = this.#waitFor("finish");
    this.#out.end();
    return done;
  }

  #waitFor(event: "drain" | "finish"): Promise<void> {
    const out = this.#out;
    return new Promise<void>((resolve, reject) => {
      if (this.#outError) return reject(this.#outError);
      const cleanup = (): void => {
        out.off(event, onDone);
        out.off("error", onError);
        out.off("close", onClose);
      };
      const onDone = (): void => (cleanup(), resolve());
      const onError = (err: Error): void => (cleanup(), reject(err));
      const onClose = (): void => (cleanup(), reject(this.#outError ?? new Error(`output closed before '${event}'`)));
      out.on(event, onDone);
      out.on("error", onError);
      out.on("close", onClose);
    });
  }
}

const DEFAULT_DEFLATERS = 2;

/**
 * Up to `size` EntryDeflaters, made when first needed and reused; an entry waits
 * (in order) for a free one. Closing rejects the waiting entries.
 */
class DeflaterPool {
  readonly size: number;
  readonly #level: number;
  readonly #idle: EntryDeflater[] = [];
  readonly #all: EntryDeflater[] = [];
  readonly #waiting: { resolve: (d: EntryDeflater) => void; reject: (err: Error) => void }[] = [];
  #closed = false;

  constructor(level: number, size: number) {
    this.#level = level;
    this.size = size;
  }

  async deflate(data: Uint8Array): Promise<Buffer[]> {
    const deflater = await this.#acquire();
    try {
      return await deflater.deflate(data);
    } finally {
      this.#release(deflater);
    }
  }

  close(): void {
    this.#closed = true;
    for (const d of this.#all) d.close();
    for (const w of this.#waiting.splice(0)) w.reject(new Error("ZipWriter closed"));
  }

  #acquire(): Promise<EntryDeflater> {
    if (this.#closed) return Promise.reject(new Error("ZipWriter closed"));
    const idle = this.#idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.#all.length < this.size) {
      const made = new EntryDeflater(this.#level);
      this.#all.push(made);
      return Promise.resolve(made);
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #release(deflater: EntryDeflater): void {
    const next = this.#waiting.shift();
    if (next) next.resolve(deflater);
    else this.#idle.push(deflater);
  }
}

/**
 * Raw DEFLATE of one entry at a time through one long-lived zlib stream: each
 * write is compressed to a complete stream (the stream's default flush is
 * Z_FINISH), then the stream is reset for the next entry. Its output arrives
 * as slices of 16 KiB chunks that the stream fills one after the other, so a
 * writer allocates about its compressed size in all, where `deflateRawSync`
 * would allocate an input-sized buffer per entry: Node 24 frees such
 * short-lived buffers only in ~64 MB steps, and they made most of a backup's
 * peak memory there (docs/PERFORMANCE.md). The work runs on the libuv pool,
 * so a large entry does not block the event loop either.
 */
class EntryDeflater {
  readonly #stream: zlib.DeflateRaw;
  #out: Buffer[] = [];
  #error: Error | undefined;
  /** Set by close(): a write still in flight (the writer failed beside it) settles with an error instead of resetting a closed stream. */
  #closed = false;

  constructor(level: number) {
    this.#stream = zlib.createDeflateRaw({ level, flush: zlib.constants.Z_FINISH });
    this.#stream.on("data", (chunk: Buffer) => this.#out.push(chunk));
    this.#stream.on("error", (err) => (this.#error ??= err));
  }

  /** The entry's raw DEFLATE bytes, in order. One call at a time (the writer's queue sees to it). */
  deflate(data: Uint8Array): Promise<Buffer[]> {
    return new Promise((resolve, reject) => {
      if (this.#error || this.#closed) return reject(this.#error ?? new Error("ZipWriter closed"));
      this.#stream.write(data, (err) => {
        const out = this.#out;
        this.#out = [];
        const failure = err ?? this.#error ?? (this.#closed ? new Error("ZipWriter closed") : undefined);
        if (failure) return reject(failure);
        this.#stream.reset();
        resolve(out);
      });
    });
  }

  close(): void {
    this.#closed = true;
    this.#stream.close();
  }
}

/**
 * Two independent 32-bit hashes of a name's UTF-16 code units (FNV-1a and a
 * murmur-style mix): a 64-bit fingerprint, so distinct names share one about
 * once in 2^64/n² archives; a match is then confirmed against the real names.
 */
function fingerprint(name: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ name.length;
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x5bd1e995);
    b ^= b >>> 15;
  }
  b = Math.imul(b ^ (b >>> 13), 0x5bd1e995);
  b ^= b >>> 15;
  return [(a >>> 0) || 1, b >>> 0];
}

/** An open-addressing set of 64-bit fingerprints in one typed array: 16 bytes per name at most, no JS objects. */
class NameFingerprints {
  /** Pairs [h1, h2]; h1 === 0 marks an empty slot. */
  #slots = new Uint32Array(2 * 1024);
  #size = 0;

  has(h1: number, h2: number): boolean {
    const slots = this.#slots;
    const mask = slots.length / 2 - 1;
    for (let i = h1 & mask; ; i = (i + 1) & mask) {
      const s = slots[2 * i]!;
      if (s === 0) return false;
      if (s === h1 && slots[2 * i + 1] === h2) return true;
    }
  }

  add(h1: number, h2: number): void {
    if (this.has(h1, h2)) return;
    if (2 * (this.#size + 1) > this.#slots.length / 2) this.#grow();
    this.#insert(this.#slots, h1, h2);
    this.#size++;
  }

  #insert(slots: Uint32Array, h1: number, h2: number): void {
    const mask = slots.length / 2 - 1;
    let i = h1 & mask;
    while (slots[2 * i] !== 0) i = (i + 1) & mask;
    slots[2 * i] = h1;
    slots[2 * i + 1] = h2;
  }

  #grow(): void {
    const old = this.#slots;
    const next = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.#insert(next, old[i]!, old[i + 1]!);
    this.#slots = next;
  }
}
