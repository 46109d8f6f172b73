/** Small pieces shared by the manifest and plain archive loaders. */
import { sha256Hex } from "../files/content-hash.js";
import { isZipError, type ZipEntry } from "./zip/index.js";
import { MAX_FILE_BYTES } from "../files/file-types.js";
import { MAX_NOTE_LENGTH, MAX_TAGS, normalizeTags } from "../files/tags.js";
import { cleanLanguage } from "../files/language.js";
import { decodeText, fileNameKey, isText, fileNameProblem, normalizeFileName } from "../files/text.js";
import { ArchiveError, type ArchiveFile, type ImportLimits, type RejectedEntry, type RejectReason } from "./archive-types.js";

/**
 * Runs a ZIP reader call, turning its ZipError into an ArchiveError with the
 * same code and entry. A buffer-bounds error would be a reader bug on hostile
 * input: it still refuses the archive (as corrupt) rather than escaping raw.
 */
export function fromZip<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isZipError(err)) throw new ArchiveError(err.code, err.detail, err.entryName, { cause: err, ...(err.limit === undefined ? {} : { limit: err.limit }) });
    const code = (err as { code?: unknown }).code;
    if (err instanceof RangeError && (code === "ERR_OUT_OF_RANGE" || code === "ERR_BUFFER_OUT_OF_BOUNDS")) {
      throw new ArchiveError("corrupt", `Archive structure out of bounds (${err.message})`, undefined, { cause: err });
    }
    throw err;
  }
}

/** `fromZip` for an asynchronous reader call. */
export async function fromZipAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    return fromZip(() => {
      throw err;
    });
  }
}

/** An entry's bytes, size- and CRC-checked by the reader (inflation capped at the declared size). */
export function readEntry(entry: ZipEntry): Buffer {
  return fromZip(() => entry.read());
}

/** `readEntry`, a large entry inflated off the main thread (ZipEntry.readAsync). */
export function readEntryAsync(entry: ZipEntry): Promise<Buffer> {
  return fromZipAsync(() => entry.readAsync());
}

/** A file's text with the sha256 and byte size of its UTF-8 form. */
export interface EntryText {
  readonly text: string;
  sha256: string;
  size: number;
}

/**
 * The text of an entry's bytes (as decodeText reads it), with its sha256 and size; undefined
 * when decodeText would refuse them (a NUL byte, not UTF-8). Checked without decoding
 * (`isText`): the text is decoded when it is read, so the files a restore finds unchanged are
 * never turned into strings (10,000 of them: ~60 MB less for the collector while other users wait).
 * Valid UTF-8 decodes and re-encodes to the same bytes, so unless a byte-order mark is dropped
 * these are the sha256 and length of `data` itself: hashing the bytes we already hold instead of
 * encoding the text again. `digest` is sha256Hex(data) when the caller computed it already
 * (checking it against a manifest).
 */
export function entryText(data: Buffer, digest?: string): EntryText | undefined {
  if (!isText(data)) return undefined;
  const bom = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf;
  if (bom) return textOf(decodeText(data)!);
  return {
    get text() {
      return decodeText(data)!;
    },
    sha256: digest ?? sha256Hex(data),
    size: data.length,
  };
}

/** A text already at hand, with the sha256 and byte size of its UTF-8 form. */
export function textOf(text: string): EntryText {
  return { text, sha256: sha256Hex(text), size: Buffer.byteLength(text) };
}

/** Why a name (in NFC, see libraryName) cannot become a library file name, or undefined. */
export function nameRejection(name: string): RejectReason | undefined {
  const problem = fileNameProblem(name);
  if (problem === undefined) return undefined;
  return problem === "empty" ? "empty_name" : "invalid_name";
}

/** A name from an archive as the library would store it (NFC), or why it cannot be used. */
export function libraryName(raw: string): { name: string; reason?: RejectReason } {
  const name = normalizeFileName(raw);
  const reason = nameRejection(name);
  return reason ? { name: raw, reason } : { name };
}

/**
 * Which files of one archive may come in, by the rules both loaders share: a regular
 * file (not a link or special file), no second file under a name the archive already
 * gave, within the file cap; what is refused is kept in `rejected`. Names are compared
 * as file systems do (fileNameKey): a second `README.md` next to `readme.md`, or an NFD
 * twin of an NFC name, would overwrite the first when the backup is extracted.
 */
export class Admission {
  readonly rejected: RejectedEntry[] = [];
  private readonly taken = new Set<string>();
  /** The largest file the library accepts from this archive. */
  private readonly cap: number;

  constructor(limits: ImportLimits) {
    this.cap = Math.min(limits.maxEntryBytes, MAX_FILE_BYTES);
  }

  tooLarge(size: number): boolean {
    return size > this.cap;
  }

  /**
   * Why a file under the library name `name` (see libraryName) cannot come in, by its
   * kind (`entry`: its ZIP entry; none for a body held in the manifest) or its name;
   * undefined when it can. An earlier version (`version`) shares its file's name.
   */
  refusal(name: string, entry: ZipEntry | undefined, version = false): RejectReason | undefined {
    if (entry?.kind === "symlink") return "symlink";
    if (entry?.kind === "special") return "special_file";
    return !version && this.taken.has(fileNameKey(name)) ? "duplicate_name" : undefined;
  }

  /** The file came in: no later file of the archive may take its name. */
  take(name: string): void {
    this.taken.add(fileNameKey(name));
  }

  reject(name: string, reason: RejectReason): void {
    this.rejected.push({ name, reason });
  }
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

/** Earliest and latest dates kept from an archive; anything outside (or unparsable, or over-long) is dropped. */
const EARLIEST = Date.UTC(1980, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);

export function parseDate(value: string | undefined): Date | undefined {
  if (!value || value.length > 64) return undefined;
  const date = new Date(value);
  const t = date.getTime();
  return Number.isNaN(t) || t < EARLIEST || t > LATEST ? undefined : date;
}

/** `body`'s text becomes the file's content the first time it is read (entryText decodes it then). */
export function toArchiveFile(
  name: string,
  body: EntryText,
  meta: { language?: string; tags: string[]; note: string; createdAt?: Date; updatedAt?: Date },
): ArchiveFile {
  let text: string | undefined;
  const file: ArchiveFile = {
    name,
    get content() {
      return (text ??= body.text);
    },
    sha256: body.sha256,
    size: body.size,
    tags: meta.tags,
    note: meta.note.trim().slice(0, MAX_NOTE_LENGTH),
  };
  const language = cleanLanguage(meta.language); // anything else: the library detects it
  if (language) file.language = language;
  if (meta.createdAt) file.createdAt = meta.createdAt;
  if (meta.updatedAt) file.updatedAt = meta.updatedAt;
  return file;
}
