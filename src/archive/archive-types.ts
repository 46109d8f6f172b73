/** What `loadArchive` returns, how it fails, and the limits it applies to archives from outside. */
import type { ParsedManifest } from "./manifest.js";
import type { ZipEntry, ZipErrorCode } from "./zip/index.js";

/** One file an archive would put into the library. */
export interface ArchiveFile {
  /** File name to use in the library, e.g. "src/app.py" (passes `fileNameProblem`). */
  name: string;
  /** UTF-8 text (a leading byte-order mark removed); archive loaders decode it when it is read. */
  content: string;
  /** sha256 of `content`'s UTF-8 bytes, as the library computes it. */
  sha256: string;
  /** Bytes of `content` in UTF-8. */
  size: number;
  /** From the manifest, if any (the library detects it otherwise). */
  language?: string;
  /** From the manifest, plus `repo:<name>` for a detected repository. At most 20. */
  tags: string[];
  note: string;
  createdAt?: Date;
  updatedAt?: Date;
  /**
   * Earlier versions of this file from a backup made with its history, oldest
   * first (same name; no history of their own). Restored only for a name the
   * library has never held.
   */
  history?: ArchiveFile[];
}

export type RejectReason =
  | "binary"
  | "nested_archive"
  /** An earlier version whose file is not restored itself (its latest version was rejected or is missing). */
  | "history_version"
  | "invalid_name"
  | "empty_name"
  | "too_large"
  /** A ZIP entry next to a manifest that does not list it. */
  | "not_in_manifest"
  /** A second file whose name is taken by an earlier one (also when they differ only in case or Unicode form). */
  | "duplicate_name"
  /** A manifest file pointing at a ZIP entry an earlier manifest file already uses. */
  | "duplicate_entry"
  /** A symbolic link (`zip -y`): its data is the link target, not a file. */
  | "symlink"
  /** A device, FIFO or socket entry. */
  | "special_file";

/** An entry that is valid but not restored; never fatal. */
export interface RejectedEntry {
  name: string;
  reason: RejectReason;
}

export type ArchiveFormat = "codevault" | "legacy_manifest" | "plain";

export interface ArchiveRepo {
  name: string;
  owner?: string;
  ref?: string;
}

/** What the caller knows about where the archive came from (the GitHub download path). */
export interface ArchiveHint {
  owner?: string;
  repo?: string;
  ref?: string;
}

export interface LoadedArchive {
  format: ArchiveFormat;
  /** A repository detected from a single top-level folder (plain archives). */
  repo?: ArchiveRepo;
  /** From metadata.json when present. */
  backupType?: string;
  createdAt?: string;
  part?: { index: number; total: number };
  files: ArchiveFile[];
  rejected: RejectedEntry[];
}

export type ArchiveErrorCode =
  | ZipErrorCode
  | "manifest_invalid"
  | "manifest_too_large"
  | "manifest_missing_file"
  | "checksum_mismatch"
  | "not_text";

/** The archive as a whole is refused: nothing from it may be used. */
export class ArchiveError extends Error {
  override readonly name = "ArchiveError";
  readonly code: ArchiveErrorCode;
  /** The entry (or manifest file) at fault, as found in the archive: possibly unsafe, escape before showing. */
  readonly entry?: string;
  /** The limit that was passed (too_many_entries: the most entries allowed), for the user's message. */
  readonly limit?: number;

  constructor(code: ArchiveErrorCode, message: string, entry?: string, options?: { cause?: unknown; limit?: number }) {
    super(entry === undefined ? message : `${message}: ${JSON.stringify(entry)}`, options);
    this.code = code;
    if (entry !== undefined) this.entry = entry;
    if (options?.limit !== undefined) this.limit = options.limit;
  }
}

export function isArchiveError(err: unknown, code?: ArchiveErrorCode): err is ArchiveError {
  return err instanceof ArchiveError && (code === undefined || err.code === code);
}

export interface ImportLimits {
  /** Most entries (files and directories), and most file versions an archive may write (history included). */
  maxEntries: number;
  /** Largest file (declared size of a ZIP entry, or a manifest `code` body): a larger one is rejected too_large, the rest loads. */
  maxEntryBytes: number;
  /** Largest sum of declared entry sizes, and of the sizes of all versions an archive may write. */
  maxTotalBytes: number;
  /** Largest metadata.json. */
  maxManifestBytes: number;
}

/**
 * Default limits for archives from outside (uploads, GitHub): stricter than for
 * our own stored backups, whose limits follow the library cap (see config.ts).
 */
export const IMPORT_LIMITS: Readonly<ImportLimits> = Object.freeze({
  maxEntries: 10_000,
  maxEntryBytes: 20 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
  maxManifestBytes: 8 * 1024 * 1024,
});

/** An archive opened under its limits, with its metadata.json (if any) parsed and checked; entries not yet read. */
export interface OpenedArchive {
  entries: ZipEntry[];
  manifestEntry?: ZipEntry;
  manifestBytes?: Buffer;
  manifest?: ParsedManifest;
}
