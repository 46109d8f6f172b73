import type { ObjectId } from "mongodb";
import type { ArchiveOrigin } from "../archive/archive-limits.js";

export const BACKUP_TYPES = ["full_backup", "github_repo_zip", "google_drive_backup", "imported_zip", "emergency"] as const;
export type BackupType = (typeof BACKUP_TYPES)[number];

export const RATINGS = ["excellent", "good", "ok"] as const;
export type Rating = (typeof RATINGS)[number];

/** One backup, as stored in the `backups` collection; the ZIP bytes live in GridFS. */
export interface BackupDoc {
  _id: ObjectId;
  userId: number;
  type: BackupType;
  createdAt: Date;
  fileCount: number;
  /** Sum of the files' sizes (uncompressed). */
  totalSize: number;
  zipSize: number;
  /** sha256 of the whole ZIP, as stored. */
  sha256: string;
  gridFsId: ObjectId;
  withHistory: boolean;
  rating?: Rating;
  note?: string;
  source?: string;
  repo?: { name: string; branch?: string };
  verifiedAt?: Date;
  verifyOk?: boolean;
  /** MD5 of the whole ZIP, computed the first time it is streamed to Google Drive (Drive reports md5Checksum). */
  md5?: string;
  /** Set only after Drive's md5Checksum matched the stored ZIP. */
  driveCopy?: DriveCopy;
  /** FileLibrary.fingerprint when a Drive upload made this backup: an unchanged library reuses it. */
  libraryFingerprint?: string;
}

/** A copy of a backup on the user's Google Drive whose checksum matched. */
export interface DriveCopy {
  fileId: string;
  /** Bytes on Drive (for an encrypted copy, the .age file's). */
  size: number;
  /** MD5 of the bytes actually uploaded (for an encrypted copy, the .age file's): what Drive's md5Checksum must equal. */
  md5: string;
  /** A private copy (age-encrypted, `….zip.age`): only the user's key or passphrase opens it. */
  encrypted?: boolean;
  uploadedAt: Date;
  webViewLink?: string;
}

export interface BackupSummary {
  id: string;
  type: BackupType;
  createdAt: Date;
  fileCount: number;
  totalSize: number;
  zipSize: number;
  sha256: string;
  withHistory: boolean;
  rating?: Rating;
  note?: string;
  verifiedAt?: Date;
  verifyOk?: boolean;
  source?: string;
  repo?: { name: string; branch?: string };
  driveCopy?: DriveCopy;
}

export function toBackupSummary(doc: BackupDoc): BackupSummary {
  return {
    id: doc._id.toHexString(),
    type: doc.type,
    createdAt: doc.createdAt,
    fileCount: doc.fileCount,
    totalSize: doc.totalSize,
    zipSize: doc.zipSize,
    sha256: doc.sha256,
    withHistory: doc.withHistory,
    rating: doc.rating,
    note: doc.note,
    verifiedAt: doc.verifiedAt,
    verifyOk: doc.verifyOk,
    source: doc.source,
    repo: doc.repo,
    ...(doc.driveCopy ? { driveCopy: doc.driveCopy } : {}),
  };
}

export type BackupErrorCode = "not_found" | "create_failed" | "note_too_long" | "invalid_rating";

/** A failure the user is told about; `code` maps to a message in the locales. */
export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    options?: { cause?: unknown },
  ) {
    super(code, options);
  }
}

/** What verify found: ok, or the first problems (entry names, never contents). */
export interface VerifyResult {
  ok: boolean;
  fileCount: number;
  totalSize: number;
  problems: VerifyProblem[];
}

export type VerifyProblem =
  | { kind: "zip_sha256_mismatch" }
  | { kind: "archive_invalid"; code: string; entry?: string }
  | { kind: "manifest_missing" }
  | { kind: "manifest_invalid" }
  | { kind: "file_missing"; name: string }
  | { kind: "file_mismatch"; name: string }
  | { kind: "stored_bytes_missing" };

/** Where a stored backup came from: ours, or an archive from outside kept as it came. */
export function originOfBackup(type: BackupType): ArchiveOrigin {
  if (type === "github_repo_zip") return "github";
  if (type === "imported_zip") return "upload";
  return "own";
}
