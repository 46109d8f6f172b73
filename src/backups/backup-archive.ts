import { createHash } from "node:crypto";
import type { Writable } from "node:stream";
import type { FileDoc } from "../files/file-types.js";
import { MANIFEST_NAME, MANIFEST_VERSION, type Manifest, type ManifestFile } from "./manifest.js";
import { isZipError, ZipWriter } from "./zip/index.js";

export const HISTORY_DIR = ".codevault-history";

export interface ArchiveSourceFile {
  /** Entry name to use instead of the one derived from the file name (kept when re-packing). */
  path?: string;
  doc: Pick<FileDoc, "fileName" | "language" | "note" | "tags" | "version" | "createdAt" | "updatedAt" | "sha256">;
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

/**
 * Writes a backup ZIP: every file at its own name (older versions of a history
 * backup under .codevault-history/), then metadata.json describing them. The
 * sha256 of each file is computed from the bytes written, not trusted from storage.
 */
export async function writeBackupArchive(
  out: Writable,
  source: AsyncIterable<ArchiveSourceFile> | Iterable<ArchiveSourceFile>,
  header: ArchiveHeader,
  opts: { level?: number } = {},
): Promise<Manifest> {
  const zip = new ZipWriter(out, { level: opts.level ?? 6 });
  const files: ManifestFile[] = [];
  const used = new Set<string>([MANIFEST_NAME]);
  let totalSize = 0;
  for await (const { doc, content, isLatest, path: given } of source) {
    const wanted = given ?? (isLatest ? doc.fileName : historyPath(doc.fileName, doc.version));
    const path = await addUnique(zip, wanted, content, doc.updatedAt, used);
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
    files.push(entry);
  }
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    backup_id: header.backupId,
    backup_type: header.type,
    created_at: header.createdAt.toISOString(),
    user_id: header.userId,
    total_files: files.length,
    total_size: totalSize,
    files,
  };
  if (header.part) {
    manifest.part = header.part.index;
    manifest.total_parts = header.part.total;
  }
  await zip.add({ name: MANIFEST_NAME, data: Buffer.from(JSON.stringify(manifest, null, 2)), modifiedAt: header.createdAt });
  await zip.finish();
  return manifest;
}

/** "src/app.py" v2 → ".codevault-history/src/app.v2.py" */
export function historyPath(fileName: string, version: number): string {
  const slash = fileName.lastIndexOf("/");
  const dot = fileName.lastIndexOf(".");
  const name = dot > slash + 1 ? `${fileName.slice(0, dot)}.v${version}${fileName.slice(dot)}` : `${fileName}.v${version}`;
  return `${HISTORY_DIR}/${name}`;
}

/**
 * Adds an entry under `name`, or `name~2`, `name~3`… when that name is taken
 * (a file called metadata.json, or "a" next to "a/b"); the manifest records the path.
 */
async function addUnique(zip: ZipWriter, name: string, data: Buffer, modifiedAt: Date, used: Set<string>): Promise<string> {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? name : `${name}~${i}`;
    if (used.has(candidate)) continue;
    try {
      await zip.add({ name: candidate, data, modifiedAt });
    } catch (err) {
      if (isZipError(err, "duplicate_name") && i < 100) continue;
      throw err;
    }
    used.add(candidate);
    return candidate;
  }
}
