import { createHash } from "node:crypto";
import type { Writable } from "node:stream";
import * as zlib from "node:zlib";
import type { FileDoc } from "../files/file-types.js";
import {
  MANIFEST_NAME,
  MANIFEST_VERSION,
  manifestFileText,
  manifestHead,
  manifestTail,
  type ManifestFile,
  type ManifestHeader,
} from "./manifest.js";
import { crc32 } from "./zip/crc32.js";
import { crc32Combine } from "./zip/zip-format.js";
import { ZipError } from "./zip/zip-errors.js";
import { ZipWriter, type ZipPreparedEntryInput } from "./zip/zip-writer.js";

export const HISTORY_DIR = ".codevault-history";

export interface ArchiveSourceFile {
  /** Entry name to use instead of the one derived from the file name (kept when re-packing). */
  path?: string;
  doc: Pick<FileDoc, "fileName" | "language" | "note" | "tags" | "version" | "createdAt" | "updatedAt" | "sha256">;
  /** May be a view that the source reuses once the next file is asked for. */
  content: Buffer;
  isLatest: boolean;
}

export interface ArchiveHeader {
  backupId: string;
  type: string;
  createdAt: Date;
  userId: number;
  part?: { index: number; total: number };
}

/** What a written archive holds (metadata.json's total_files and total_size). */
export interface ArchiveTotals {
  fileCount: number;
  totalSize: number;
}

/**
 * Writes a backup ZIP: every file at its own name (older versions of a history
 * backup under .codevault-history/), then metadata.json describing them. The
 * sha256 of each file is computed from the bytes written, not trusted from storage.
 *
 * Memory does not follow the number of files: each file's manifest entry is
 * serialized to its metadata.json text at once and compressed in segments
 * (ManifestBody), the ZIP writer keeps only encoded central-directory bytes,
 * so what stays per file is ~100–250 bytes outside the JS heap, not objects.
 *
 * Files are compressed on both cores: the ZIP writer deflates `concurrency`
 * entries at once, so the next files are taken from the source while earlier
 * ones are compressed, each copied into one of a few reused buffers (EntrySlots)
 * since the source may reuse its own.
 */
export async function writeBackupArchive(
  out: Writable,
  source: AsyncIterable<ArchiveSourceFile> | Iterable<ArchiveSourceFile>,
  header: ArchiveHeader,
  opts: { level?: number } = {},
): Promise<ArchiveTotals> {
  const level = opts.level ?? 6;
  const zip = new ZipWriter(out, { level });
  const slots = new EntrySlots(zip, zip.concurrency + 1);
  const body = new ManifestBody(level);
  let fileCount = 0;
  let totalSize = 0;
  for await (const { doc, content, isLatest, path: given } of source) {
    const wanted = given ?? (isLatest ? doc.fileName : historyPath(doc.fileName, doc.version));
    const path = uniqueName(zip, wanted);
    await slots.add(path, content, doc.updatedAt);
    totalSize += content.length;
    const entry: ManifestFile = {
      file_name: doc.fileName,
      programming_language: doc.language,
      note: doc.note,
      tags: doc.tags,
      version: doc.version,
      created_at: doc.createdAt.toISOString(),
      updated_at: doc.updatedAt.toISOString(),
      size: content.length,
      sha256: createHash("sha256").update(content).digest("hex"),
    };
    if (path !== doc.fileName) entry.path = path;
    if (!isLatest) entry.history = true;
    body.append(manifestFileText(entry, fileCount));
    fileCount++;
  }
  const manifest: ManifestHeader = {
    version: MANIFEST_VERSION,
    backup_id: header.backupId,
    backup_type: header.type,
    created_at: header.createdAt.toISOString(),
    user_id: header.userId,
    total_files: fileCount,
    total_size: totalSize,
  };
  if (header.part) {
    manifest.part = header.part.index;
    manifest.total_parts = header.part.total;
  }
  await slots.drain();
  await zip.addPrepared(body.toEntry(MANIFEST_NAME, manifestHead(manifest), manifestTail(manifest, fileCount), header.createdAt));
  await zip.finish();
  return { fileCount, totalSize };
}

/** Text is compressed once this much of it is pending. */
const MANIFEST_SEGMENT_CHARS = 64 * 1024;

/**
 * The files part of metadata.json, kept compressed while the archive is written.
 * Each ~64 KB text segment is deflated on its own and ended with a sync flush
 * (byte-aligned, not final), so the segments, preceded by the head and followed
 * by the tail (known only at the end), concatenate into one valid DEFLATE stream;
 * the CRC of head‖body‖tail comes from crc32Combine. At level 0 the text is kept stored.
 */
export class ManifestBody {
  readonly #level: number;
  readonly #chunks: Buffer[] = [];
  #pending: string[] = [];
  #pendingChars = 0;
  #crc = 0;
  #size = 0;

  constructor(level: number) {
    this.#level = level;
  }

  append(text: string): void {
    this.#pending.push(text);
    this.#pendingChars += text.length;
    if (this.#pendingChars >= MANIFEST_SEGMENT_CHARS) this.#flush();
  }

  /** The whole entry: head + appended text + tail. Call once, after the last append. */
  toEntry(name: string, head: string, tail: string, modifiedAt: Date): ZipPreparedEntryInput {
    this.#flush();
    const headBytes = Buffer.from(head, "utf8");
    const tailBytes = Buffer.from(tail, "utf8");
    const crc = crc32(tailBytes, crc32Combine(crc32(headBytes), this.#crc, this.#size));
    const size = headBytes.length + this.#size + tailBytes.length;
    if (this.#level === 0) return { name, method: "store", chunks: [headBytes, ...this.#chunks, tailBytes], crc, size, modifiedAt };
    const chunks = [this.#deflate(headBytes, false), ...this.#chunks, this.#deflate(tailBytes, true)];
    return { name, method: "deflate", chunks, crc, size, modifiedAt };
  }

  #flush(): void {
    if (this.#pendingChars === 0) return;
    const text = Buffer.from(this.#pending.join(""), "utf8");
    this.#pending = [];
    this.#pendingChars = 0;
    this.#crc = crc32(text, this.#crc);
    this.#size += text.length;
    this.#chunks.push(this.#level === 0 ? text : this.#deflate(text, false));
  }

  /** Raw DEFLATE of `data`: the final block when `last`, else ending byte-aligned after a sync flush. */
  #deflate(data: Buffer, last: boolean): Buffer {
    const out = zlib.deflateRawSync(data, {
      level: this.#level,
      finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
      chunkSize: Math.max(1024, Math.min(data.length + 1024, 1 << 20)),
    });
    // Kept until the end: its own allocation of its own length, not a view of a larger output buffer.
    const own = Buffer.allocUnsafeSlow(out.length);
    out.copy(own);
    return own;
  }
}

/** "src/app.py" v2 → ".codevault-history/src/app.v2.py" */
export function historyPath(fileName: string, version: number): string {
  const slash = fileName.lastIndexOf("/");
  const dot = fileName.lastIndexOf(".");
  const name = dot > slash + 1 ? `${fileName.slice(0, dot)}.v${version}${fileName.slice(dot)}` : `${fileName}.v${version}`;
  return `${HISTORY_DIR}/${name}`;
}

/**
 * `name`, or `name~2`, `name~3`… when that name is taken (a file called
 * metadata.json, or "a" next to "a/b"); the manifest records the path.
 * The ZIP writer knows which names are taken; metadata.json is kept for the manifest.
 */
function uniqueName(zip: ZipWriter, name: string): string {
  for (let i = 1; i < 100; i++) {
    const candidate = i === 1 ? name : `${name}~${i}`;
    if (candidate !== MANIFEST_NAME && !zip.hasName(candidate)) return candidate;
  }
  throw new ZipError("duplicate_name", "No free name for the entry", name);
}

/**
 * A few buffers, reused in turn, that hold the entries being compressed: the
 * source's `content` may be a view it overwrites at the next file, and the
 * ZIP writer must keep an entry's bytes until its add() settles. Each slot
 * grows to the largest file it held; taking a slot waits for its last entry.
 */
class EntrySlots {
  readonly #zip: ZipWriter;
  readonly #buffers: Buffer[] = [];
  readonly #adds: (Promise<void> | undefined)[];
  #next = 0;

  constructor(zip: ZipWriter, count: number) {
    this.#zip = zip;
    this.#adds = new Array<Promise<void> | undefined>(count);
  }

  /** Copies `content` into the next slot (once its previous entry is written) and adds it; a failure surfaces here or in drain(). */
  async add(name: string, content: Buffer, modifiedAt: Date): Promise<void> {
    const i = this.#next;
    this.#next = (i + 1) % this.#adds.length;
    await this.#adds[i];
    let buffer = this.#buffers[i];
    if (!buffer || buffer.length < content.length) {
      // Outside Node's shared pool, and long-lived: grown, not allocated per file.
      buffer = this.#buffers[i] = Buffer.allocUnsafeSlow(Math.max(content.length, 64 * 1024));
    }
    content.copy(buffer);
    const added = this.#zip.add({ name, data: buffer.subarray(0, content.length), modifiedAt });
    added.catch(() => {}); // awaited when the slot is taken again, or by drain()
    this.#adds[i] = added;
  }

  /** Waits for every entry added; throws the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.#adds);
  }
}
