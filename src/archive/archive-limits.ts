/**
 * Which limits an archive is read with, by where it comes from:
 * - `own`: a backup this server made and holds (full, emergency). Its limits follow
 *   the library cap, so every backup of a library the server allows can be restored.
 * - `upload`: a ZIP someone sent (or kept as an imported backup): a stranger's archive.
 * - `github`: a repository archive downloaded by /github (or kept as one).
 */
import { DEFAULT_LIBRARY_LIMITS, MAX_FILE_BYTES, type LibraryLimits } from "../files/file-types.js";
import { IMPORT_LIMITS, type ImportLimits } from "./archive-types.js";

export type ArchiveOrigin = "own" | "upload" | "github";

/** The two numbers an operator sets per outside source (config.ts). */
export interface SourceLimits {
  maxEntries: number;
  maxTotalBytes: number;
}

export type ArchiveLimits = Record<ArchiveOrigin, ImportLimits>;

/** A manifest entry of ours is well under this (name ≤ 255, note ≤ 1,000, 20 tags ≤ 50): room for each version's. */
const MANIFEST_BYTES_PER_VERSION = 4096;

export function archiveLimits(
  opts: { library?: LibraryLimits; upload?: Partial<SourceLimits>; github?: Partial<SourceLimits> } = {},
): ArchiveLimits {
  const library = opts.library ?? DEFAULT_LIBRARY_LIMITS;
  const outside = (given: Partial<SourceLimits> = {}): ImportLimits => ({ ...IMPORT_LIMITS, ...given });
  const manifestBytes = Math.max(IMPORT_LIMITS.maxManifestBytes, library.maxVersions * MANIFEST_BYTES_PER_VERSION);
  return {
    own: {
      maxEntries: library.maxVersions,
      maxEntryBytes: MAX_FILE_BYTES,
      // The ZIP's declared total includes metadata.json; the files alone are held to the cap by FileLibrary.checkRoom.
      maxTotalBytes: library.maxBytes + manifestBytes,
      maxManifestBytes: manifestBytes,
    },
    upload: outside(opts.upload),
    github: outside(opts.github),
  };
}
