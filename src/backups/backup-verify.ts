import { createHash } from "node:crypto";
import type { VerifyProblem, VerifyResult } from "./backup-types.js";
import { entryNameOf, MANIFEST_NAME, parseManifest } from "../archive/manifest.js";
import { isZipError, openZip, type ZipEntry } from "../archive/zip/index.js";

/** Our own backups may be larger than what we accept from strangers. */
export const OWN_BACKUP_LIMITS = { maxEntries: 1_000_000, maxEntryBytes: 64 * 1024 * 1024, maxTotalBytes: 16 * 1024 ** 3 };
const MAX_PROBLEMS = 20;

/**
 * Checks a stored backup: the ZIP's sha256 against what was recorded, the
 * archive structure, metadata.json, and each listed file's size and sha256.
 */
export function verifyArchive(bytes: Buffer, expectedSha256?: string, opts: { requireManifest?: boolean } = {}): VerifyResult {
  const problems: VerifyProblem[] = [];
  if (expectedSha256 && createHash("sha256").update(bytes).digest("hex") !== expectedSha256) {
    problems.push({ kind: "zip_sha256_mismatch" });
  }
  let entries: Map<string, ZipEntry>;
  try {
    entries = new Map(openZip(bytes, OWN_BACKUP_LIMITS).map((e) => [e.name, e]));
  } catch (err) {
    if (!isZipError(err)) throw err;
    problems.push({ kind: "archive_invalid", code: err.code, entry: err.entryName });
    return { ok: false, fileCount: 0, totalSize: 0, problems };
  }
  const manifestEntry = entries.get(MANIFEST_NAME);
  if (!manifestEntry && opts.requireManifest === false) return verifyPlain([...entries.values()], problems);
  if (!manifestEntry) {
    problems.push({ kind: "manifest_missing" });
    return { ok: false, fileCount: 0, totalSize: 0, problems };
  }
  const manifest = readEntry(manifestEntry, problems) && parseManifest(manifestEntry.read().toString("utf8"));
  if (!manifest) {
    problems.push({ kind: "manifest_invalid" });
    return { ok: false, fileCount: 0, totalSize: 0, problems };
  }
  let totalSize = 0;
  for (const file of manifest.files) {
    if (problems.length >= MAX_PROBLEMS) break;
    const name = entryNameOf(file);
    const entry = entries.get(name);
    if (!entry) {
      problems.push({ kind: "file_missing", name });
      continue;
    }
    let data: Buffer;
    try {
      data = entry.read();
    } catch (err) {
      if (!isZipError(err)) throw err;
      problems.push({ kind: "archive_invalid", code: err.code, entry: name });
      continue;
    }
    totalSize += data.length;
    if (data.length !== file.size || createHash("sha256").update(data).digest("hex") !== file.sha256) {
      problems.push({ kind: "file_mismatch", name });
    }
  }
  return { ok: problems.length === 0, fileCount: manifest.files.length, totalSize, problems };
}

/** An archive kept as it came (a GitHub repository, an imported ZIP): every entry must read back intact. */
function verifyPlain(entries: ZipEntry[], problems: VerifyProblem[]): VerifyResult {
  let fileCount = 0;
  let totalSize = 0;
  for (const entry of entries) {
    if (entry.isDirectory) continue;
    if (readEntry(entry, problems)) {
      fileCount++;
      totalSize += entry.size;
    }
  }
  return { ok: problems.length === 0, fileCount, totalSize, problems };
}

function readEntry(entry: ZipEntry, problems: VerifyProblem[]): boolean {
  try {
    entry.read();
    return true;
  } catch (err) {
    if (!isZipError(err)) throw err;
    problems.push({ kind: "archive_invalid", code: err.code, entry: entry.name });
    return false;
  }
}
