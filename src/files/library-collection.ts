import type { Collection, Db, Document } from "mongodb";
import { COLLECTIONS } from "../db/collections.js";
import type { Events } from "../events.js";
import { ContentStore } from "./content-store.js";
import { DEFAULT_LIBRARY_LIMITS, FileError, MAX_FILE_BYTES, type FileDoc, type LibraryLimits } from "./file-types.js";
import { fileNameKey, fileNameProblem, normalizeFileName } from "./text.js";

/** A version's metadata without its text. */
export const NO_CONTENT = { content: 0 } as const;

/**
 * What FileLibrary (one file at a time) and LibraryBulk (backups and restores) share:
 * the `files` collection and its large contents, the clock, the events, and the guards
 * every write passes — a usable name, the file size, the library cap, no two live names
 * a file system would confuse.
 */
export abstract class LibraryCollection {
  protected readonly files: Collection<FileDoc>;
  protected readonly contents: ContentStore;
  protected readonly now: () => Date;
  protected readonly events: Events;
  readonly limits: LibraryLimits;

  constructor(deps: { db: Db; events: Events; clock?: () => Date; libraryLimits?: LibraryLimits }) {
    this.files = deps.db.collection<FileDoc>(COLLECTIONS.files);
    this.contents = new ContentStore(deps.db);
    this.events = deps.events;
    this.now = deps.clock ?? (() => new Date());
    this.limits = deps.libraryLimits ?? DEFAULT_LIBRARY_LIMITS;
  }

  /** Live versions (history included) and their bytes: what a backup with history holds, and what the cap counts. */
  async usage(userId: number): Promise<{ versions: number; bytes: number }> {
    const [row] = await this.files
      .aggregate<{ versions: number; bytes: number }>([
        { $match: { userId, deletedAt: { $exists: false } } },
        { $group: { _id: null, versions: { $sum: 1 }, bytes: { $sum: "$size" } } },
      ])
      .toArray();
    return { versions: row?.versions ?? 0, bytes: row?.bytes ?? 0 };
  }

  /**
   * Throws library_full when adding `versions` versions of `bytes` bytes would pass
   * the cap: one rule for a single save and for bulk writes. Restores call it before
   * they start, so the user hears why up front. `usage`: the user's usage, when its read was started earlier.
   */
  async checkRoom(userId: number, versions: number, bytes: number, usage?: Promise<{ versions: number; bytes: number }>): Promise<void> {
    const used = await (usage ?? this.usage(userId));
    if (used.versions + versions > this.limits.maxVersions || used.bytes + bytes > this.limits.maxBytes) {
      this.events.emit("library_full", "warn", { userId, versions: used.versions, bytes: used.bytes });
      throw new FileError("library_full");
    }
  }

  /**
   * A live name that one common file system would take for `fileName` (same
   * fileNameKey, another spelling: case-only or NFC/NFD twin), or undefined.
   * Case-insensitive regexes on the NFC and NFD forms find candidates; the key decides.
   */
  async twinOf(userId: number, fileName: string): Promise<string | undefined> {
    const forms = [...new Set([fileName.normalize("NFC"), fileName.normalize("NFD")])];
    const candidates = await this.files
      .find(
        { userId, deletedAt: { $exists: false }, fileName: { $in: forms.map((f) => new RegExp(`^${escapeRegExp(f)}$`, "i")) } },
        { projection: { fileName: 1 } },
      )
      .limit(100)
      .toArray();
    const key = fileNameKey(fileName);
    return candidates.map((c) => c.fileName).find((n) => n !== fileName && fileNameKey(n) === key);
  }
}

/**
 * The name (in NFC) and byte size a new version is stored under, the same for a save
 * and a bulk write; FileError when the name is unusable or the text is over MAX_FILE_BYTES.
 */
export function checkVersion(rawName: string, content: string): { fileName: string; size: number } {
  const fileName = normalizeFileName(rawName);
  const problem = fileNameProblem(fileName);
  if (problem === "empty") throw new FileError("name_empty");
  if (problem === "too_long") throw new FileError("name_too_long");
  if (problem === "invalid") throw new FileError("name_invalid");
  const size = Buffer.byteLength(content);
  if (size > MAX_FILE_BYTES) throw new FileError("too_large");
  return { fileName, size };
}

/** Aggregation stages: the latest live version (without its text) of each name `match` selects, as `{ doc }`. */
export function latestVersions(match: Document): Document[] {
  return [
    { $match: { ...match, deletedAt: { $exists: false } } },
    { $project: NO_CONTENT },
    { $sort: { fileName: 1, version: -1 } },
    { $group: { _id: "$fileName", doc: { $first: "$$ROOT" } } },
  ];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
