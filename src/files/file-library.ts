import { createHash } from "node:crypto";
import { MongoServerError, ObjectId, type Filter } from "mongodb";
import { sha256Hex } from "./content-hash.js";
import { parseObjectId } from "../db/object-ids.js";
import { fetchPage } from "../db/pages.js";
import { FileError, toSummary, type FileDoc, type FileSummary, type Page, type SaveInput, type SaveStatus } from "./file-types.js";
import { detectLanguage } from "./language.js";
import { normalizeNote, normalizeTags } from "./tags.js";
import { checkVersion, latestVersions, LibraryCollection, NO_CONTENT } from "./library-collection.js";

/** Files per page of /files when the caller does not say. */
export const DEFAULT_PAGE_SIZE = 10;
/** Retries of a save that lost the race for a version number to a concurrent save. */
const SAVE_RACE_RETRIES = 5;

/**
 * What saving a name asks the database before the content matters, started early (while a sent
 * document downloads) and handed to `save`: the name's latest version, whether another live name
 * differs from it only in case or Unicode form (asked only when the name has no live version),
 * and the library's usage. Every promise has a handler attached: an unused lookup never rejects
 * unhandled.
 */
export interface SaveLookup {
  userId: number;
  fileName: string;
  previous: Promise<FileDoc | null>;
  twin: Promise<string | undefined>;
  usage: Promise<{ versions: number; bytes: number }>;
}

/**
 * A user's code-file library, the rules of one file at a time: every save is a new
 * version, "latest" is the highest version that is not deleted, tags, notes and soft
 * delete; every query is scoped to one user. The bulk paths of backups and restores
 * live in LibraryBulk (library-bulk.ts); the guards both pass (name, size, cap, twins)
 * are LibraryCollection's (library-collection.ts).
 */
export class FileLibrary extends LibraryCollection {
  /**
   * Saves a new version. The name is stored in NFC. A name whose only difference
   * from a live file's is case or Unicode form is refused (name_twin): the two
   * would overwrite each other when a backup is extracted on macOS or Windows,
   * and silently filing it under the other name would surprise the user.
   * Past the library cap nothing new is saved (library_full).
   */
  async save(userId: number, input: SaveInput, early?: SaveLookup): Promise<{ file: FileSummary; status: SaveStatus }> {
    const { fileName, size } = checkVersion(input.fileName, input.content);
    const sha256 = sha256Hex(input.content);

    for (let attempt = 0; ; attempt++) {
      // A retry after a lost race asks again; so does a lookup made for another user or name.
      const lookup = attempt === 0 && early?.userId === userId && early.fileName === fileName ? early : this.lookUp(userId, fileName);
      const previous = await lookup.previous;
      const live = previous && !previous.deletedAt ? previous : undefined;
      if (live && live.sha256 === sha256 && input.tags === undefined && input.note === undefined) {
        return { file: toSummary(live), status: "unchanged" };
      }
      if (await lookup.twin) throw new FileError("name_twin");
      await this.checkRoom(userId, 1, size, lookup.usage);
      const now = this.now();
      const placed = await this.contents.place(userId, input.content);
      const doc: FileDoc = {
        _id: new ObjectId(),
        userId,
        fileName,
        language: detectLanguage(fileName, input.content),
        ...placed,
        sha256,
        size,
        tags: input.tags !== undefined ? normalizeTags(input.tags) : (live?.tags ?? []),
        note: input.note !== undefined ? normalizeNote(input.note) : (live?.note ?? ""),
        version: (previous?.version ?? 0) + 1,
        createdAt: live?.createdAt ?? now,
        updatedAt: now,
      };
      try {
        await this.files.insertOne(doc);
      } catch (err) {
        if (placed.contentId) await this.contents.discard(placed.contentId);
        // Someone saved the same name at the same moment: take the next version number.
        if (err instanceof MongoServerError && err.code === 11000 && attempt < SAVE_RACE_RETRIES) continue;
        throw err;
      }
      const status: SaveStatus = live ? "new_version" : "created";
      this.events.emit("file_saved", "info", { userId, version: doc.version, size, status });
      return { file: toSummary(doc), status };
    }
  }

  /**
   * Starts the queries a save of `rawName` needs (SaveLookup), before its content is at hand;
   * undefined for a name `save` will refuse anyway.
   */
  lookUpForSave(userId: number, rawName: string): SaveLookup | undefined {
    let fileName: string;
    try {
      fileName = checkVersion(rawName, "").fileName;
    } catch (err) {
      if (err instanceof FileError) return undefined;
      throw err;
    }
    return this.lookUp(userId, fileName);
  }

  /** The usage is asked at once with the previous version (one round trip less), the twin right after it. */
  private lookUp(userId: number, fileName: string): SaveLookup {
    const usage = this.usage(userId);
    const previous = this.files.findOne({ userId, fileName }, { sort: { version: -1 }, projection: NO_CONTENT });
    const twin = previous.then((doc) => (doc && !doc.deletedAt ? undefined : this.twinOf(userId, fileName)));
    for (const p of [usage, previous, twin]) p.catch(() => {});
    return { userId, fileName, previous, twin, usage };
  }

  /** Latest versions of the user's files, most recently changed first. */
  async list(userId: number, opts: { page?: number; pageSize?: number } = {}): Promise<Page<FileSummary>> {
    const latest = latestVersions({ userId });
    const page = await fetchPage(
      opts.page,
      opts.pageSize ?? DEFAULT_PAGE_SIZE,
      async () => (await this.files.aggregate<{ n: number }>([...latest, { $count: "n" }]).toArray())[0]?.n ?? 0,
      (skip, limit) => this.files.aggregate<{ doc: FileDoc }>([...latest, { $sort: { "doc.updatedAt": -1, _id: 1 } }, { $skip: skip }, { $limit: limit }]).toArray(),
    );
    return { ...page, items: page.items.map((r) => toSummary(r.doc)) };
  }

  /** The latest live version of a name, or undefined. */
  async getLatest(userId: number, fileName: string): Promise<FileSummary | undefined> {
    const doc = await this.latestDoc(userId, fileName);
    return doc ? toSummary(doc) : undefined;
  }

  /** A version by id, only when it belongs to the user and is not deleted. */
  async getById(userId: number, id: string): Promise<FileSummary | undefined> {
    const doc = await this.docById(userId, id);
    return doc ? toSummary(doc) : undefined;
  }

  async readContent(userId: number, id: string): Promise<string> {
    const doc = await this.files.findOne({ ...byId(userId, id), deletedAt: { $exists: false } });
    if (!doc) throw new FileError("not_found");
    return this.contents.read(doc);
  }

  /** Every live version of a file, newest first. */
  async versions(userId: number, fileName: string): Promise<FileSummary[]> {
    const docs = await this.files
      .find({ userId, fileName, deletedAt: { $exists: false } }, { projection: NO_CONTENT, sort: { version: -1 } })
      .toArray();
    return docs.map(toSummary);
  }

  async setNote(userId: number, id: string, note: string): Promise<FileSummary> {
    return this.updateLatest(userId, id, { note: normalizeNote(note) });
  }

  async setTags(userId: number, id: string, tags: string): Promise<FileSummary> {
    return this.updateLatest(userId, id, { tags: normalizeTags(tags) });
  }

  /** Soft delete: every version is hidden with one timestamp, so undo can bring exactly them back. */
  async remove(userId: number, id: string): Promise<{ fileName: string }> {
    const doc = await this.docById(userId, id);
    if (!doc) throw new FileError("not_found");
    const deletedAt = this.now();
    await this.files.updateMany(
      { userId, fileName: doc.fileName, deletedAt: { $exists: false } },
      { $set: { deletedAt } },
    );
    this.events.emit("file_deleted", "info", { userId });
    return { fileName: doc.fileName };
  }

  /**
   * Undo a delete, given the id of any version that was deleted. Undefined when
   * there is nothing to bring back, or a new file has taken the name (or a
   * case-only twin of it) since.
   */
  async undoRemove(userId: number, id: string): Promise<FileSummary | undefined> {
    const deleted = await this.files.findOne({ ...byId(userId, id), deletedAt: { $exists: true } }, { projection: NO_CONTENT });
    if (!deleted?.deletedAt || (await this.latestDoc(userId, deleted.fileName))) return undefined;
    if (await this.twinOf(userId, deleted.fileName)) return undefined; // `README.md` saved since `readme.md` was deleted
    await this.files.updateMany(
      { userId, fileName: deleted.fileName, deletedAt: deleted.deletedAt },
      { $unset: { deletedAt: "" } },
    );
    this.events.emit("file_restored", "info", { userId });
    return this.getLatest(userId, deleted.fileName);
  }

  /**
   * Changes whenever the library does (a save, a note or tag edit, a delete or undo, a restore or
   * its rollback): a hash over every version's id, update time and deletion time. Equal
   * fingerprints mean a new backup would hold the same files, so an existing one can be reused.
   */
  async fingerprint(userId: number): Promise<string> {
    const hash = createHash("sha256");
    const cursor = this.files.find({ userId }, { projection: { _id: 1, updatedAt: 1, deletedAt: 1 }, sort: { _id: 1 }, batchSize: 1000 });
    for await (const doc of cursor) hash.update(`${doc._id.toHexString()}:${doc.updatedAt?.getTime() ?? 0}:${doc.deletedAt?.getTime() ?? 0}\n`);
    return hash.digest("hex");
  }

  private async updateLatest(userId: number, id: string, set: Partial<Pick<FileDoc, "note" | "tags">>) {
    const doc = await this.docById(userId, id);
    if (!doc) throw new FileError("not_found");
    const latest = await this.latestDoc(userId, doc.fileName);
    const updated = await this.files.findOneAndUpdate(
      { _id: latest!._id, userId },
      { $set: { ...set, updatedAt: this.now() } },
      { returnDocument: "after", projection: NO_CONTENT },
    );
    if (!updated) throw new FileError("not_found");
    return toSummary(updated);
  }

  private latestDoc(userId: number, fileName: string) {
    return this.files.findOne(
      { userId, fileName, deletedAt: { $exists: false } },
      { sort: { version: -1 }, projection: NO_CONTENT },
    );
  }

  private docById(userId: number, id: string) {
    return this.files.findOne({ ...byId(userId, id), deletedAt: { $exists: false } }, { projection: NO_CONTENT });
  }
}

/** Malformed ids simply match nothing. */
function byId(userId: number, id: string): Filter<FileDoc> {
  return { _id: parseObjectId(id) ?? { $in: [] }, userId };
}
