/**
 * Loading an archive for restore or import: the whole archive is validated
 * before anything is returned, so nothing changes unless all of it is sound.
 *
 * - Structure, names, limits, encryption and duplicates: `openZip`.
 * - Every entry is read once (size, CRC and an inflation cap checked by the reader).
 * - A root `metadata.json` makes it a manifest archive (ours or the older
 *   `code` format, see archive-manifest.ts); otherwise it is plain (archive-plain.ts).
 *
 * Problems with the archive throw ArchiveError (nothing usable); entries that
 * are fine but not restorable (binaries, history versions, bad names) are
 * listed in `rejected`.
 */
import { MANIFEST_NAME } from "./manifest.js";
import { openZip, type ZipEntry } from "./zip/index.js";
import { fromZip } from "./archive-entries.js";
import { loadManifestArchive } from "./manifest-loader.js";
import { loadPlainArchive } from "./plain-loader.js";
import { ArchiveError, IMPORT_LIMITS, type ArchiveHint, type ImportLimits, type LoadedArchive } from "./archive-types.js";

export {
  ArchiveError,
  IMPORT_LIMITS,
  isArchiveError,
  type ArchiveErrorCode,
  type ArchiveFile,
  type ArchiveFormat,
  type ArchiveHint,
  type ArchiveRepo,
  type ImportLimits,
  type LoadedArchive,
  type RejectedEntry,
  type RejectReason,
} from "./archive-types.js";
export { detectRepo } from "./plain-loader.js";

/**
 * Validates and loads a whole archive. Throws ArchiveError (codes of ZipError,
 * plus manifest_* / checksum_mismatch / not_text); never returns part of an archive.
 * `hint` (the GitHub download path) tells how a zipball's `owner-repo-sha` folder splits.
 */
export function loadArchive(bytes: Buffer, limits: Partial<ImportLimits> = {}, hint?: ArchiveHint): LoadedArchive {
  const lim: ImportLimits = {
    maxEntries: limits.maxEntries ?? IMPORT_LIMITS.maxEntries,
    maxEntryBytes: limits.maxEntryBytes ?? IMPORT_LIMITS.maxEntryBytes,
    maxTotalBytes: limits.maxTotalBytes ?? IMPORT_LIMITS.maxTotalBytes,
    maxManifestBytes: limits.maxManifestBytes ?? IMPORT_LIMITS.maxManifestBytes,
  };
  const entries = openArchive(bytes, lim);
  const manifest = entries.find((e) => e.name === MANIFEST_NAME);
  return manifest ? loadManifestArchive(entries, manifest, lim) : loadPlainArchive(entries, lim, hint);
}

/**
 * openZip with the import limits. The reader refuses only what is unsafe to
 * read at all: an entry declaring more than the whole archive may hold (or the
 * manifest's own limit), more entries than allowed, a total over the limit.
 * An entry over the file limit is a rejected file (too_large), left to the loaders.
 * `metadata.json` describes the archive and is not one of its entries: a backup
 * of 10,000 files (10,001 ZIP entries) is within a 10,000-entry limit.
 */
function openArchive(bytes: Buffer, lim: ImportLimits): ZipEntry[] {
  let entries: ZipEntry[];
  try {
    entries = fromZip(() =>
      openZip(bytes, {
        maxEntries: lim.maxEntries + 1,
        maxEntryBytes: Math.max(lim.maxEntryBytes, lim.maxManifestBytes, Math.min(lim.maxTotalBytes, 2 ** 31 - 1)),
        maxTotalBytes: lim.maxTotalBytes,
      }),
    );
  } catch (err) {
    if (err instanceof ArchiveError && err.code === "entry_too_large" && err.entry === MANIFEST_NAME) {
      throw new ArchiveError("manifest_too_large", `Manifest is larger than ${lim.maxManifestBytes} bytes`, MANIFEST_NAME, { cause: err });
    }
    throw err;
  }
  const counted = entries.filter((e) => e.name !== MANIFEST_NAME).length;
  if (counted > lim.maxEntries) {
    throw new ArchiveError("too_many_entries", `Archive has ${counted} entries besides ${MANIFEST_NAME}, the limit is ${lim.maxEntries}`);
  }
  const manifest = entries.find((e) => e.name === MANIFEST_NAME);
  if (manifest && manifest.size > lim.maxManifestBytes) {
    throw new ArchiveError("manifest_too_large", `Manifest declares ${manifest.size} bytes, the limit is ${lim.maxManifestBytes}`, MANIFEST_NAME);
  }
  return entries;
}
