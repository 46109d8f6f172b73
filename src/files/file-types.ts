import type { ObjectId } from "mongodb";

/** One saved version of a file, as stored in the `files` collection. */
export interface FileDoc {
  _id: ObjectId;
  userId: number;
  fileName: string;
  language: string;
  /** The text, when it fits comfortably in a document; otherwise `contentId`. */
  content?: string;
  /** GridFS id in the `file_contents` bucket for large files. */
  contentId?: ObjectId;
  sha256: string;
  size: number;
  tags: string[];
  note: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  deletedAt?: Date;
  /** Set on versions written by a restore, so an interrupted restore can be undone exactly. */
  restoreId?: ObjectId;
}

/** A version a restore or import adds in bulk. */
export interface BulkVersionInput {
  fileName: string;
  content: string;
  language?: string;
  tags: string[];
  note: string;
}

/** What callers see of a live version: its id and metadata, no content and no bookkeeping. */
export interface FileSummary extends Omit<FileDoc, "_id" | "userId" | "content" | "contentId" | "deletedAt" | "restoreId"> {
  id: string;
}

export interface SaveInput {
  fileName: string;
  content: string;
  tags?: string[];
  note?: string;
}

export type SaveStatus = "created" | "new_version" | "unchanged";

export interface Page<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
}

export type FileErrorCode =
  | "not_found"
  | "name_empty"
  | "name_too_long"
  | "name_invalid"
  /** A live file's name differs from this one only in case or Unicode form. */
  | "name_twin"
  | "too_large"
  | "note_too_long"
  | "too_many_tags"
  /** The library cap (LibraryLimits) would be passed. */
  | "library_full";

/**
 * How large one user's library may grow (live versions, history included, and
 * their bytes). Restores of our own backups are read with limits that follow
 * these, so a library the server allows always makes a backup it can restore.
 */
export interface LibraryLimits {
  maxVersions: number;
  maxBytes: number;
}

export const DEFAULT_LIBRARY_LIMITS: Readonly<LibraryLimits> = Object.freeze({ maxVersions: 25_000, maxBytes: 512 * 1024 * 1024 });

/** Telegram lets a bot download files up to 20 MB; we keep the same ceiling for any way in. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** A problem the user can fix; `code` maps to a message in the locales. */
export class FileError extends Error {
  constructor(readonly code: FileErrorCode) {
    super(code);
  }
}

export function toSummary(doc: FileDoc): FileSummary {
  return {
    id: doc._id.toHexString(),
    fileName: doc.fileName,
    language: doc.language,
    sha256: doc.sha256,
    size: doc.size,
    tags: doc.tags,
    note: doc.note,
    version: doc.version,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
