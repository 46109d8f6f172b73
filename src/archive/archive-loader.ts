/**
 * Loading an archive for restore or import: the whole archive is validated
 * before anything is returned, so nothing changes unless all of it is sound.
 *
 * - Structure, names, limits, encryption and duplicates: `openZip`.
 * - Every entry is read once (size, CRC and an inflation cap checked by the reader).
 * - A root `metadata.json` makes it a manifest archive (ours or the older
 *   `code` format, see manifest-loader.ts); otherwise it is plain (plain-loader.ts).
 *
 * Problems with the archive throw ArchiveError (nothing usable); entries that
 * are fine but not restorable (binaries, history versions, bad names) are
 * listed in `rejected`.
 *
 * `openArchive` is the one place a ZIP is opened with limits and its
 * metadata.json parsed and checked: restore and import (`loadArchive`), backup
 * verify and backup split all start from it.
 *
 * Both are asynchronous only to keep the event loop free (issue 11): the work is
 * the same, done in steps that yield to other users' updates every ~3 ms (Pacer);
 * metadata.json, the one large entry, is inflated on the libuv pool.
 */
import { entryNameOf, MANIFEST_NAME, parseManifestPaced } from "./manifest.js";
import { openZipPaced, type ZipEntry } from "./zip/index.js";
import { Pacer } from "../work/pacer.js";
import { decodeText } from "../files/text.js";
import { fromZipAsync, readEntryAsync } from "./archive-entries.js";
import { loadManifestArchive } from "./manifest-loader.js";
import { loadPlainArchive } from "./plain-loader.js";
import { ArchiveError, IMPORT_LIMITS, type ArchiveHint, type ImportLimits, type LoadedArchive, type OpenedArchive } from "./archive-types.js";

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
  type OpenedArchive,
  type RejectedEntry,
  type RejectReason,
} from "./archive-types.js";
export { detectRepo } from "./plain-loader.js";
/** Reading an entry of an opened archive (verify, split): the same checks the loaders read with. */
export { readEntry, readEntryAsync } from "./archive-entries.js";

/** Limits given in part, completed with IMPORT_LIMITS. */
export function importLimits(limits: Partial<ImportLimits> = {}): ImportLimits {
  return {
    maxEntries: limits.maxEntries ?? IMPORT_LIMITS.maxEntries,
    maxEntryBytes: limits.maxEntryBytes ?? IMPORT_LIMITS.maxEntryBytes,
    maxTotalBytes: limits.maxTotalBytes ?? IMPORT_LIMITS.maxTotalBytes,
    maxManifestBytes: limits.maxManifestBytes ?? IMPORT_LIMITS.maxManifestBytes,
  };
}

/**
 * Validates and loads a whole archive. Throws ArchiveError (codes of ZipError,
 * plus manifest_* / checksum_mismatch / not_text); never returns part of an archive.
 * `hint` (the GitHub download path) tells how a zipball's `owner-repo-sha` folder splits.
 */
export async function loadArchive(bytes: Buffer, limits: Partial<ImportLimits> = {}, hint?: ArchiveHint, pacer = new Pacer()): Promise<LoadedArchive> {
  const lim = importLimits(limits);
  const opened = await openArchive(bytes, lim, pacer);
  return opened.manifest
    ? loadManifestArchive(opened as Required<OpenedArchive>, lim, pacer)
    : loadPlainArchive(opened.entries, lim, hint, pacer);
}

/**
 * Opens the ZIP with the limits and parses metadata.json. The reader refuses only
 * what is unsafe to read at all: an entry declaring more than the whole archive may
 * hold (or the manifest's own limit), more entries than allowed, a total over the limit.
 * An entry over the file limit is a rejected file (too_large), left to the loaders.
 * `metadata.json` describes the archive and is not one of its entries: a backup
 * of 10,000 files (10,001 ZIP entries) is within a 10,000-entry limit.
 * Throws ArchiveError; a metadata.json that is not text or not of the expected shape is manifest_invalid.
 */
export async function openArchive(bytes: Buffer, limits: Partial<ImportLimits> = {}, pacer = new Pacer()): Promise<OpenedArchive> {
  const lim = importLimits(limits);
  let entries: ZipEntry[];
  try {
    entries = await fromZipAsync(() =>
      openZipPaced(
        bytes,
        {
          maxEntries: lim.maxEntries + 1,
          maxEntryBytes: Math.max(lim.maxEntryBytes, lim.maxManifestBytes, Math.min(lim.maxTotalBytes, 2 ** 31 - 1)),
          maxTotalBytes: lim.maxTotalBytes,
        },
        pacer,
      ),
    );
  } catch (err) {
    if (err instanceof ArchiveError && err.code === "entry_too_large" && err.entry === MANIFEST_NAME) {
      throw new ArchiveError("manifest_too_large", `Manifest is larger than ${lim.maxManifestBytes} bytes`, MANIFEST_NAME, { cause: err });
    }
    throw err;
  }
  const counted = entries.filter((e) => e.name !== MANIFEST_NAME).length;
  if (counted > lim.maxEntries) {
    throw new ArchiveError("too_many_entries", `Archive has ${counted} entries besides ${MANIFEST_NAME}, the limit is ${lim.maxEntries}`, undefined, { limit: lim.maxEntries });
  }
  const manifestEntry = entries.find((e) => e.name === MANIFEST_NAME);
  if (!manifestEntry) return { entries };
  if (manifestEntry.size > lim.maxManifestBytes) {
    throw new ArchiveError("manifest_too_large", `Manifest declares ${manifestEntry.size} bytes, the limit is ${lim.maxManifestBytes}`, MANIFEST_NAME);
  }
  const manifestBytes = await readEntryAsync(manifestEntry);
  await pacer.pace();
  const manifestText = decodeText(manifestBytes);
  await pacer.pace();
  const manifest = manifestText === undefined ? undefined : await parseManifestPaced(manifestText, pacer);
  if (!manifest) throw new ArchiveError("manifest_invalid", "Manifest is not valid JSON of the expected shape", MANIFEST_NAME);
  return { entries, manifestEntry, manifestBytes, manifest };
}

/** Entries no manifest file points at (metadata.json and folders aside): read only to prove the archive is intact. */
export function unlistedEntries(opened: OpenedArchive): ZipEntry[] {
  const listed = new Set(opened.manifest?.files.map(entryNameOf));
  return opened.entries.filter((e) => !e.isDirectory && e !== opened.manifestEntry && !listed.has(e.name));
}
