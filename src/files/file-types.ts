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

/** What callers see of a version: everything but the content. */
export interface FileSummary {
  id: string;
  fileName: string;
  language: string;
  sha256: string;
  size: number;
  tags: string[];
  note: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
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

export type FileErrorCode = "not_found" | "name_empty" | "name_too_long" | "name_invalid" | "too_large" | "note_too_long" | "too_many_tags";

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
