/** Queries behind the library's two guards: the size cap and "no two live names a file system would confuse". */
import type { Collection } from "mongodb";
import type { Events } from "../events.js";
import { FileError, type FileDoc, type LibraryLimits } from "./file-types.js";
import { fileNameKey } from "./text.js";

/** Live versions (history included) and their bytes. */
export async function libraryUsage(files: Collection<FileDoc>, userId: number): Promise<{ versions: number; bytes: number }> {
  const [row] = await files
    .aggregate<{ versions: number; bytes: number }>([
      { $match: { userId, deletedAt: { $exists: false } } },
      { $group: { _id: null, versions: { $sum: 1 }, bytes: { $sum: "$size" } } },
    ])
    .toArray();
  return { versions: row?.versions ?? 0, bytes: row?.bytes ?? 0 };
}

/**
 * A live name that one common file system would take for `fileName` (same
 * fileNameKey, another spelling), or undefined. Case-insensitive regexes on
 * the NFC and NFD forms find candidates; the key decides.
 */
export async function liveTwinOf(files: Collection<FileDoc>, userId: number, fileName: string): Promise<string | undefined> {
  const forms = [...new Set([fileName.normalize("NFC"), fileName.normalize("NFD")])];
  const candidates = await files
    .find(
      { userId, deletedAt: { $exists: false }, fileName: { $in: forms.map((f) => new RegExp(`^${escapeRegExp(f)}$`, "i")) } },
      { projection: { fileName: 1 } },
    )
    .limit(100)
    .toArray();
  const key = fileNameKey(fileName);
  return candidates.map((c) => c.fileName).find((n) => n !== fileName && fileNameKey(n) === key);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Throws library_full when adding `versions` versions of `bytes` bytes would pass
 * the cap: one rule for a single save and for bulk writes.
 */
export async function checkRoom(
  files: Collection<FileDoc>,
  limits: LibraryLimits,
  events: Events,
  userId: number,
  versions: number,
  bytes: number,
): Promise<void> {
  const used = await libraryUsage(files, userId);
  if (used.versions + versions > limits.maxVersions || used.bytes + bytes > limits.maxBytes) {
    events.emit("library_full", "warn", { userId, versions: used.versions, bytes: used.bytes });
    throw new FileError("library_full");
  }
}
