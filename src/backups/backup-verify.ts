import { createHash } from "node:crypto";
import { isArchiveError, openArchive, readEntryAsync, unlistedEntries, type ImportLimits } from "../archive/archive-loader.js";
import type { ZipEntry } from "../archive/zip/index.js";
import { Pacer } from "../work/pacer.js";
import { entryNameOf, matchesManifest } from "../archive/manifest.js";
import type { VerifyProblem, VerifyResult } from "./backup-types.js";

const MAX_PROBLEMS = 20;

export interface VerifyOptions {
  /** The sha256 recorded for the ZIP when it was stored. */
  expectedSha256?: string;
  /** The limits of the archive's origin (archive-limits.ts); the import limits otherwise. */
  limits?: Partial<ImportLimits>;
  /** False for an archive kept as it came (a GitHub repository, an imported ZIP): every entry must read back intact. */
  requireManifest?: boolean;
}

/**
 * Checks a stored backup: the ZIP's sha256 against what was recorded, then opens it
 * through the archive loader (structure, limits, metadata.json) and compares each
 * listed file's size and sha256, reporting each problem instead of stopping at the first.
 * Yields to the event loop every ~3 ms (Pacer), so other users are not kept waiting.
 */
export async function verifyArchive(bytes: Buffer, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const pacer = new Pacer();
  const problems: VerifyProblem[] = [];
  if (opts.expectedSha256 && (await sha256Paced(bytes, pacer)) !== opts.expectedSha256) {
    problems.push({ kind: "zip_sha256_mismatch" });
  }
  let opened;
  try {
    opened = await openArchive(bytes, opts.limits, pacer);
  } catch (err) {
    if (!isArchiveError(err)) throw err;
    problems.push(err.code === "manifest_invalid" ? { kind: "manifest_invalid" } : { kind: "archive_invalid", code: err.code, entry: err.entry });
    return { ok: false, fileCount: 0, totalSize: 0, problems };
  }
  const { entries, manifest } = opened;
  if (!manifest) {
    if (opts.requireManifest === false) return verifyPlain(entries, problems, pacer);
    problems.push({ kind: "manifest_missing" });
    return { ok: false, fileCount: 0, totalSize: 0, problems };
  }
  const byName = new Map(entries.map((e) => [e.name, e]));
  let totalSize = 0;
  for (const file of manifest.files) {
    if (problems.length >= MAX_PROBLEMS) break;
    const name = entryNameOf(file);
    const entry = byName.get(name);
    if (!entry) {
      problems.push({ kind: "file_missing", name });
      continue;
    }
    await pacer.pace();
    const data = await readOrReport(entry, problems);
    if (!data) continue;
    totalSize += data.length;
    if (!matchesManifest(file, data)) {
      problems.push({ kind: "file_mismatch", name });
    }
  }
  // Damage anywhere refuses a restore, so verify reads the rest too.
  for (const entry of unlistedEntries(opened)) {
    if (problems.length >= MAX_PROBLEMS) break;
    await pacer.pace();
    await readOrReport(entry, problems);
  }
  return { ok: problems.length === 0, fileCount: manifest.files.length, totalSize, problems };
}

/** An archive kept as it came: every entry must read back intact. */
async function verifyPlain(entries: ZipEntry[], problems: VerifyProblem[], pacer: Pacer): Promise<VerifyResult> {
  let fileCount = 0;
  let totalSize = 0;
  for (const entry of entries) {
    if (entry.isDirectory) continue;
    await pacer.pace();
    if (await readOrReport(entry, problems)) {
      fileCount++;
      totalSize += entry.size;
    }
  }
  return { ok: problems.length === 0, fileCount, totalSize, problems };
}

/** Hashed in slices, so a 100 MB archive does not hold the event loop for its whole hash. */
const HASH_SLICE_BYTES = 1024 * 1024;

async function sha256Paced(bytes: Buffer, pacer: Pacer): Promise<string> {
  const hash = createHash("sha256");
  for (let at = 0; at < bytes.length; at += HASH_SLICE_BYTES) {
    await pacer.pace();
    hash.update(bytes.subarray(at, at + HASH_SLICE_BYTES));
  }
  return hash.digest("hex");
}

async function readOrReport(entry: ZipEntry, problems: VerifyProblem[]): Promise<Buffer | undefined> {
  try {
    return await readEntryAsync(entry);
  } catch (err) {
    if (!isArchiveError(err)) throw err;
    problems.push({ kind: "archive_invalid", code: err.code, entry: entry.name });
    return undefined;
  }
}
