/** Small pieces shared by the manifest and plain archive loaders. */
import { createHash } from "node:crypto";
import { isZipError, type ZipEntry } from "../backups/zip/index.js";
import { MAX_FILE_BYTES } from "../files/file-library.js";
import { MAX_NOTE_LENGTH, MAX_TAGS, normalizeTags } from "../files/tags.js";
import { fileNameProblem } from "../files/text.js";
import { ArchiveError, type ArchiveFile, type RejectReason } from "./archive-types.js";

/**
 * Runs a ZIP reader call, turning its ZipError into an ArchiveError with the
 * same code and entry. A buffer-bounds error would be a reader bug on hostile
 * input: it still refuses the archive (as corrupt) rather than escaping raw.
 */
export function fromZip<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isZipError(err)) throw new ArchiveError(err.code, err.message, err.entryName, { cause: err });
    const code = (err as { code?: unknown }).code;
    if (err instanceof RangeError && (code === "ERR_OUT_OF_RANGE" || code === "ERR_BUFFER_OUT_OF_BOUNDS")) {
      throw new ArchiveError("corrupt", `Archive structure out of bounds (${err.message})`, undefined, { cause: err });
    }
    throw err;
  }
}

/** An entry's bytes, size- and CRC-checked by the reader (inflation capped at the declared size). */
export function readEntry(entry: ZipEntry): Buffer {
  return fromZip(() => entry.read());
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The largest file the library accepts from this archive. */
export function fileCap(maxEntryBytes: number): number {
  return Math.min(maxEntryBytes, MAX_FILE_BYTES);
}

/** Why a name cannot become a library file name, or undefined. */
export function nameRejection(name: string): RejectReason | undefined {
  const problem = fileNameProblem(name);
  if (problem === undefined) return undefined;
  return problem === "empty" ? "empty_name" : "invalid_name";
}

/** Finder and resource-fork leftovers that are never anyone's code. */
export function isIgnoredEntry(name: string): boolean {
  const segments = name.replace(/\/$/, "").split("/");
  return segments.includes("__MACOSX") || segments.at(-1) === ".DS_Store";
}

/**
 * Tags from an archive, cleaned as the library would, but never fatal: words
 * that clean to nothing are dropped and anything past the 20th is cut.
 */
export function cleanTags(raw: readonly string[], extra?: string): string[] {
  const tags: string[] = [];
  const add = (tag: string): void => {
    if (tags.length < MAX_TAGS && !tags.includes(tag)) tags.push(tag);
  };
  if (extra) add(extra);
  for (const value of raw) {
    for (const word of value.split(/[\s,]+/)) {
      const [tag] = normalizeTags(word); // one word → at most one tag, never throws
      if (tag) add(tag);
    }
  }
  return tags;
}

/** `repo:<name>`, lowercased and cleaned as normalizeTags does (spaces become "-"). */
export function repoTag(repoName: string): string | undefined {
  const [tag] = normalizeTags(`repo:${repoName.trim().replace(/[\s,]+/g, "-")}`);
  return tag && tag !== "repo:" ? tag : undefined;
}

export function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function toArchiveFile(
  name: string,
  content: string,
  meta: { language?: string; tags: string[]; note: string; createdAt?: Date; updatedAt?: Date },
): ArchiveFile {
  const file: ArchiveFile = {
    name,
    content,
    sha256: sha256Hex(content),
    size: Buffer.byteLength(content),
    tags: meta.tags,
    note: meta.note.trim().slice(0, MAX_NOTE_LENGTH),
  };
  if (meta.language) file.language = meta.language;
  if (meta.createdAt) file.createdAt = meta.createdAt;
  if (meta.updatedAt) file.updatedAt = meta.updatedAt;
  return file;
}
