import { PassThrough } from "node:stream";
import { writeBackupArchive, type ArchiveHeader, type ArchiveSourceFile } from "../archive/archive-writer.js";
import { ArchiveError, openArchive, readEntry, readEntryAsync, unlistedEntries, type ImportLimits } from "../archive/archive-loader.js";
import { Pacer } from "../work/pacer.js";
import { entryNameOf, MANIFEST_NAME, matchesManifest, type ParsedManifestFile } from "../archive/manifest.js";
import type { ZipEntry } from "../archive/zip/index.js";

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
  opts: { partBytes: number; baseName: string; header: Omit<ArchiveHeader, "part">; level: number; limits?: Partial<ImportLimits> },
): Promise<ArchivePart[]> {
  const pacer = new Pacer();
  const opened = await openArchive(bytes, opts.limits, pacer);
  const manifest = opened.manifest;
  if (!manifest) throw new ArchiveError("manifest_invalid", "Only a backup with metadata.json can be split", MANIFEST_NAME);
  const entries = new Map(opened.entries.map((e) => [e.name, e]));
  // Entries left out of the parts are still read: a damaged archive is refused, as a restore would refuse it.
  for (const entry of unlistedEntries(opened)) {
    await pacer.pace();
    await readEntryAsync(entry);
  }

  const groups: { file: ParsedManifestFile; entry: ZipEntry }[][] = [[]];
  let used = PART_OVERHEAD;
  for (const file of manifest.files) {
    await pacer.pace();
    const entry = entries.get(entryNameOf(file));
    if (!entry) throw new ArchiveError("manifest_missing_file", "Manifest lists a file the archive does not hold", entryNameOf(file));
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

/** A file re-packed as it was listed; bytes that are not the listed ones refuse the split (a part must restore). */
function toSource({ file, entry }: { file: ParsedManifestFile; entry: ZipEntry }): ArchiveSourceFile {
  const content = readEntry(entry);
  if (!matchesManifest(file, content)) throw new ArchiveError("checksum_mismatch", "An entry does not match its manifest sha256", entry.name);
  return {
    path: entry.name,
    isLatest: !file.history,
    content,
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
