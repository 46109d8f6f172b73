import { PassThrough } from "node:stream";
import { writeBackupArchive, type ArchiveHeader, type ArchiveSourceFile } from "../archive/archive-writer.js";
import { entryNameOf, MANIFEST_NAME, parseManifest, type ParsedManifestFile } from "../archive/manifest.js";
import { OWN_BACKUP_LIMITS } from "./backup-verify.js";
import { openZip, type ZipEntry } from "../archive/zip/index.js";

export interface ArchivePart {
  fileName: string;
  bytes: Buffer;
}

/** Local header + central record + UTC time extras, per entry, plus the name twice. */
const ENTRY_OVERHEAD = 30 + 46 + 2 * 9 + 64;
/** Room for metadata.json's fixed part and the end records. */
const PART_OVERHEAD = 4096;

/**
 * Splits a backup into standalone ZIPs of at most `partBytes`, by whole files,
 * each with its own metadata.json (part i of n) so each restores on its own.
 * Entries are re-compressed with the same settings, so their sizes repeat.
 */
export async function splitArchive(
  bytes: Buffer,
  opts: { partBytes: number; baseName: string; header: Omit<ArchiveHeader, "part">; level: number },
): Promise<ArchivePart[]> {
  const entries = new Map(openZip(bytes, OWN_BACKUP_LIMITS).map((e) => [e.name, e]));
  const manifest = parseManifest(entries.get(MANIFEST_NAME)?.read().toString("utf8") ?? "");
  if (!manifest) throw new Error("backup has no readable metadata.json");

  const groups: { file: ParsedManifestFile; entry: ZipEntry }[][] = [[]];
  let used = PART_OVERHEAD;
  for (const file of manifest.files) {
    const entry = entries.get(entryNameOf(file));
    if (!entry) throw new Error(`backup lists ${entryNameOf(file)} but does not hold it`);
    const cost = entry.compressedSize + ENTRY_OVERHEAD + 2 * Buffer.byteLength(entry.name) + manifestCost(file);
    if (used + cost > opts.partBytes && groups.at(-1)!.length > 0) {
      groups.push([]);
      used = PART_OVERHEAD;
    }
    groups.at(-1)!.push({ file, entry });
    used += cost;
  }

  const parts: ArchivePart[] = [];
  for (const [i, group] of groups.entries()) {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on("data", (c: Buffer) => chunks.push(c));
    await writeBackupArchive(sink, group.map(toSource), { ...opts.header, part: { index: i + 1, total: groups.length } }, { level: opts.level });
    sink.end();
    parts.push({ fileName: `${opts.baseName}-part${i + 1}of${groups.length}.zip`, bytes: Buffer.concat(chunks) });
  }
  return parts;
}

function toSource({ file, entry }: { file: ParsedManifestFile; entry: ZipEntry }): ArchiveSourceFile {
  return {
    path: entry.name,
    isLatest: !file.history,
    content: entry.read(),
    doc: {
      fileName: file.file_name,
      language: file.programming_language,
      note: file.note,
      tags: file.tags,
      version: file.version,
      createdAt: new Date(file.created_at),
      updatedAt: new Date(file.updated_at),
      sha256: file.sha256,
    },
  };
}

function manifestCost(file: ParsedManifestFile): number {
  return JSON.stringify(file).length + 64;
}
