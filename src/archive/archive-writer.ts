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
import { sharedDeflateWorkers, type DeflateWorkers } from "./deflate-workers.js";
import { EntryBatches, type DeflatedEntry } from "./entry-batches.js";

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
 * Files are compressed on every core: they are packed into batches (EntryBatches)
 * that the deflate workers compress, with their CRC-32 and SHA-256, while the
 * next files are taken from the source; the main thread writes each batch's
 * entries, in order, as they come back.
 */
export async function writeBackupArchive(
  out: Writable,
  source: AsyncIterable<ArchiveSourceFile> | Iterable<ArchiveSourceFile>,
  header: ArchiveHeader,
  opts: { level?: number; workers?: DeflateWorkers } = {},
): Promise<ArchiveTotals> {
  const level = opts.level ?? 6;
  const zip = new ZipWriter(out, { level });
  const batches = new EntryBatches<PackedFile>(opts.workers ?? sharedDeflateWorkers(), level);
  /** Names packed into a batch and not handed to the ZIP writer yet. */
  const packed = new Set<string>();
  const body = new ManifestBody(level);
  let fileCount = 0;
  let totalSize = 0;
  /** The last entry handed to the ZIP writer: a batch waits for the one before it to be written. */
  let written: Promise<void> = Promise.resolve();

  const writeBatch = async (entries: DeflatedEntry<PackedFile>[]): Promise<void> => {
    await written;
    for (const { info, size, crc, method, payload, sha256 } of entries) {
      const { doc, path, isLatest } = info;
      const added = zip.addPrepared({ name: path, method, chunks: [payload], crc, size, modifiedAt: doc.updatedAt });
      added.catch(() => {}); // the writer fails as a whole: the last one is awaited
      written = added;
      packed.delete(path);
      const entry: ManifestFile = {
        file_name: doc.fileName,
        programming_language: doc.language,
        note: doc.note,
        tags: doc.tags,
        version: doc.version,
        created_at: doc.createdAt.toISOString(),
        updated_at: doc.updatedAt.toISOString(),
        size,
        sha256,
      };
      if (path !== doc.fileName) entry.path = path;
      if (!isLatest) entry.history = true;
      body.append(manifestFileText(entry, fileCount));
      fileCount++;
    }
  };

  try {
    for await (const { doc, content, isLatest, path: given } of source) {
      const wanted = given ?? (isLatest ? doc.fileName : historyPath(doc.fileName, doc.version));
      const path = uniqueName(zip, packed, wanted);
      packed.add(path);
      batches.add({ doc, path, isLatest }, content);
      totalSize += content.length;
      while (batches.full) await writeBatch((await batches.next())!);
    }
    batches.flush();
    for (let entries = await batches.next(); entries; entries = await batches.next()) await writeBatch(entries);
    await written;
  } catch (err) {
    batches.abandon();
    body.discard();
    throw err;
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
  await zip.addPrepared(await body.toEntry(MANIFEST_NAME, manifestHead(manifest), manifestTail(manifest, fileCount), header.createdAt));
  await zip.finish();
  return { fileCount, totalSize };
}

/** A file packed into a batch: what its ZIP entry and manifest entry need once it is deflated. */
interface PackedFile {
  doc: ArchiveSourceFile["doc"];
  path: string;
  isLatest: boolean;
}

/** Text is handed to the compressor once this much of it is pending. */
const MANIFEST_SEGMENT_CHARS = 64 * 1024;

/**
 * The files part of metadata.json, kept compressed while the archive is written.
 * The text goes through one DEFLATE stream in ~64 KB segments as files are written;
 * the head (which holds the totals, known only at the end) is deflated on its own,
 * ended byte-aligned by a sync flush and not final, so it can precede the body's
 * stream, which starts fresh and ends with the tail. The CRC of head‖body‖tail
 * comes from crc32Combine. At level 0 the text is kept stored.
 *
 * One long-lived compressor instead of one call per segment: on Node 24 every
 * one-shot zlib call leaves its output buffer behind until a full GC.
 */
export class ManifestBody {
  readonly #level: number;
  readonly #chunks: Buffer[] = [];
  readonly #stream: zlib.DeflateRaw | undefined;
  readonly #ended: Promise<void> | undefined;
  #pending: string[] = [];
  #pendingChars = 0;
  #crc = 0;
  #size = 0;

  constructor(level: number) {
    this.#level = level;
    if (level === 0) return;
    const stream = zlib.createDeflateRaw({ level });
    stream.on("data", (chunk: Buffer) => this.#chunks.push(chunk));
    this.#ended = new Promise<void>((resolve, reject) => {
      stream.once("end", resolve);
      stream.once("error", reject);
    });
    this.#ended.catch(() => {}); // taken by toEntry(), or dropped by discard()
    this.#stream = stream;
  }

  append(text: string): void {
    this.#pending.push(text);
    this.#pendingChars += text.length;
    if (this.#pendingChars >= MANIFEST_SEGMENT_CHARS) this.#flush();
  }

  /** The whole entry: head + appended text + tail. Call once, after the last append. */
  async toEntry(name: string, head: string, tail: string, modifiedAt: Date): Promise<ZipPreparedEntryInput> {
    this.#flush();
    const headBytes = Buffer.from(head, "utf8");
    const tailBytes = Buffer.from(tail, "utf8");
    const crc = crc32(tailBytes, crc32Combine(crc32(headBytes), this.#crc, this.#size));
    const size = headBytes.length + this.#size + tailBytes.length;
    if (!this.#stream) return { name, method: "store", chunks: [headBytes, ...this.#chunks, tailBytes], crc, size, modifiedAt };
    this.#stream.end(tailBytes);
    await this.#ended;
    const headChunk = zlib.deflateRawSync(headBytes, { level: this.#level, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    return { name, method: "deflate", chunks: [headChunk, ...this.#chunks], crc, size, modifiedAt };
  }

  /** Frees the compressor when the archive fails before toEntry(). */
  discard(): void {
    this.#stream?.destroy();
  }

  #flush(): void {
    if (this.#pendingChars === 0) return;
    const text = Buffer.from(this.#pending.join(""), "utf8");
    this.#pending = [];
    this.#pendingChars = 0;
    this.#crc = crc32(text, this.#crc);
    this.#size += text.length;
    if (this.#stream) this.#stream.write(text);
    else this.#chunks.push(text);
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
 * Taken: a name in a batch still being deflated, or one the ZIP writer has; metadata.json is kept for the manifest.
 */
function uniqueName(zip: ZipWriter, packed: ReadonlySet<string>, name: string): string {
  for (let i = 1; i < 100; i++) {
    const candidate = i === 1 ? name : `${name}~${i}`;
    if (candidate !== MANIFEST_NAME && !packed.has(candidate) && !zip.hasName(candidate)) return candidate;
  }
  throw new ZipError("duplicate_name", "No free name for the entry", name);
}
