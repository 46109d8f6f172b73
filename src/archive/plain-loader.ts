/**
 * Archives without a manifest (a folder zipped by hand, a GitHub download):
 * every text file is imported under its path, a single top-level folder is
 * taken as a repository and stripped from the names.
 */
import type { ZipEntry } from "./zip/index.js";
import type { Pacer } from "../work/pacer.js";
import { Admission, cleanTags, entryText, isIgnoredEntry, libraryName, readEntryAsync, repoTag, toArchiveFile } from "./archive-entries.js";
import type { ArchiveFile, ArchiveHint, ArchiveRepo, ImportLimits, LoadedArchive } from "./archive-types.js";

const ARCHIVE_EXTENSIONS = /\.(zip|jar|war|ear|apk|aar|whl|egg|nupkg|tar|gz|tgz|bz2|tbz2|xz|txz|zst|7z|rar|cab)$/i;

/** Leading bytes of archive formats (ZIP local/empty/spanned, gzip, 7z, RAR, xz, zstd). */
const ARCHIVE_MAGIC = [
  Buffer.from("PK\x03\x04", "latin1"),
  Buffer.from("PK\x05\x06", "latin1"),
  Buffer.from("PK\x07\x08", "latin1"),
  Buffer.from([0x1f, 0x8b]),
  Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]),
  Buffer.from("Rar!\x1a\x07", "latin1"),
  Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]),
  Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
];

/** Only the name and leading bytes are looked at: a nested archive is never opened. */
export function isNestedArchive(name: string, data: Buffer): boolean {
  if (ARCHIVE_EXTENSIONS.test(name)) return true;
  if (ARCHIVE_MAGIC.some((magic) => data.length >= magic.length && data.subarray(0, magic.length).equals(magic))) return true;
  return data.length >= 262 && data.toString("latin1", 257, 262) === "ustar"; // tar
}

/** Yields to the event loop between entries whenever `pacer` says so (archive-loader.ts). */
export async function loadPlainArchive(entries: ZipEntry[], lim: ImportLimits, hint: ArchiveHint | undefined, pacer: Pacer): Promise<LoadedArchive> {
  const top = singleTopFolder(entries.filter((e) => !isIgnoredEntry(e.name)));
  const repo = top === undefined ? undefined : detectRepo(top, hint);
  const extraTag = repo && repoTag(repo.name);
  const admission = new Admission(lim);
  const files: ArchiveFile[] = [];
  for (const entry of entries) {
    if (entry.isDirectory) continue;
    await pacer.pace();
    const inFolder = top === undefined ? entry.name : entry.name.slice(top.length + 1);
    // One entry over the file limit is one rejected file: it is not inflated, the rest loads.
    // (Its declared size still counts toward the archive's total limit in the reader.)
    if (admission.tooLarge(entry.size) && !isIgnoredEntry(entry.name)) {
      admission.reject(inFolder, "too_large");
      continue;
    }
    const data = await readEntryAsync(entry); // every other entry, ignored ones too: any damage refuses the archive
    if (isIgnoredEntry(entry.name)) continue;
    const { name, reason: badName } = libraryName(inFolder);
    let reason = badName ?? admission.refusal(name, entry);
    if (!reason && isNestedArchive(name, data)) reason = "nested_archive";
    const body = reason ? undefined : entryText(data);
    if (body === undefined) {
      admission.reject(name, reason ?? "binary");
      continue;
    }
    admission.take(name);
    files.push(toArchiveFile(name, body, { tags: cleanTags([], extraTag), note: "", updatedAt: usableDate(entry.modifiedAt) }));
  }
  const loaded: LoadedArchive = { format: "plain", files, rejected: admission.rejected };
  if (repo) loaded.repo = repo;
  return loaded;
}

/** The one folder every entry lies under, or undefined (a file at the root, several folders, nothing at all). */
function singleTopFolder(entries: ZipEntry[]): string | undefined {
  let top: string | undefined;
  for (const { name } of entries) {
    const slash = name.indexOf("/");
    if (slash < 0) return undefined;
    const first = name.slice(0, slash);
    if (top === undefined) top = first;
    else if (first !== top) return undefined;
  }
  return top;
}

const SHA = /^[0-9a-f]{7,40}$/;
const BRANCHES = new Set(["main", "master", "develop", "dev", "trunk"]);
const VERSION = /^v?\d+(\.\d+)*$/;

/**
 * A repository from the name of an archive's top folder:
 * - `owner-repo-<sha>` (GitHub zipball): owner and repo cannot be told apart
 *   when either holds a "-", so without a hint the name is everything before the sha;
 * - `repo-<branch or tag>` (GitHub archive/refs/…): only well-known branch names and version tags count as a ref;
 * - anything else: the folder name is the repository name.
 */
export function detectRepo(folder: string, hint?: ArchiveHint): ArchiveRepo {
  const lower = folder.toLowerCase();
  if (hint?.owner && hint.repo) {
    const prefix = `${hint.owner}-${hint.repo}-`.toLowerCase();
    if (lower.startsWith(prefix) && SHA.test(folder.slice(prefix.length))) {
      // GitHub's spelling (the folder) over the caller's, which may differ in case.
      const owner = folder.slice(0, hint.owner.length);
      const name = folder.slice(hint.owner.length + 1, prefix.length - 1);
      return { owner, name, ref: folder.slice(prefix.length) };
    }
  }
  if (hint?.repo && hint.ref && lower === `${hint.repo}-${hint.ref.replace(/\//g, "-")}`.toLowerCase()) {
    const repo: ArchiveRepo = { name: folder.slice(0, hint.repo.length), ref: hint.ref };
    if (hint.owner) repo.owner = hint.owner;
    return repo;
  }
  const dash = folder.lastIndexOf("-");
  if (dash > 0 && dash < folder.length - 1) {
    const ref = folder.slice(dash + 1);
    if (SHA.test(ref) || BRANCHES.has(ref) || VERSION.test(ref)) return { name: folder.slice(0, dash), ref };
  }
  return { name: folder };
}

/** ZIP times start in 1980; a zero DOS time is "unknown", not a date. */
function usableDate(date: Date): Date | undefined {
  return Number.isNaN(date.getTime()) || date.getUTCFullYear() <= 1980 ? undefined : date;
}
