import { createHash } from "node:crypto";
import { MongoServerError, ObjectId, type Collection, type Db, type Filter } from "mongodb";
import { COLLECTIONS } from "../db/collections.js";
import type { Events } from "../events.js";
import { ContentStore, sha256Hex } from "./content-store.js";
import {
  DEFAULT_LIBRARY_LIMITS,
  FileError,
  toSummary,
  type LibraryLimits,
  type FileDoc,
  type BulkVersionInput,
  type FileSummary,
  type Page,
  type SaveInput,
  type SaveStatus,
} from "./file-types.js";
import { cleanLanguage, detectLanguage } from "./language.js";
import { normalizeNote, normalizeTags } from "./tags.js";
import { libraryUsage, liveTwinOf } from "./library-guards.js";
import { fileNameKey, fileNameProblem, normalizeFileName } from "./text.js";

/** Telegram lets a bot download files up to 20 MB; we keep the same ceiling for any way in. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
const NO_CONTENT = { content: 0 } as const;
/** iterateForBackup fetches inline contents for this many files, or about this many bytes, per query. */
const CONTENT_BATCH_FILES = 128;
const CONTENT_BATCH_BYTES = 2 * 1024 * 1024;

interface BackupBatch {
  items: { doc: FileDoc; isLatest: boolean }[];
  /** Inline bytes in `items`. */
  bytes: number;
  /** Older versions the cursor passed over inside this run (latest-only backups). */
  skipped: number;
}

/**
 * A user's code-file library: every save is a new version, "latest" is the
 * highest version that is not deleted, and every query is scoped to one user.
 */
export class FileLibrary {
  readonly files: Collection<FileDoc>;
  private readonly contents: ContentStore;
  private readonly now: () => Date;
  private readonly events: Events;
  readonly limits: LibraryLimits;

  constructor(deps: { db: Db; events: Events; clock?: () => Date; libraryLimits?: LibraryLimits }) {
    this.files = deps.db.collection<FileDoc>(COLLECTIONS.files);
    this.contents = new ContentStore(deps.db);
    this.events = deps.events;
    this.now = deps.clock ?? (() => new Date());
    this.limits = deps.libraryLimits ?? DEFAULT_LIBRARY_LIMITS;
  }

  /**
   * Saves a new version. The name is stored in NFC. A name whose only difference
   * from a live file's is case or Unicode form is refused (name_twin): the two
   * would overwrite each other when a backup is extracted on macOS or Windows,
   * and silently filing it under the other name would surprise the user.
   * Past the library cap nothing new is saved (library_full).
   */
  async save(userId: number, input: SaveInput): Promise<{ file: FileSummary; status: SaveStatus }> {
    const fileName = normalizeFileName(input.fileName);
    checkName(fileName);
    const size = Buffer.byteLength(input.content);
    if (size > MAX_FILE_BYTES) throw new FileError("too_large");
    const sha256 = sha256Hex(input.content);

    for (let attempt = 0; ; attempt++) {
      const previous = await this.files.findOne(
        { userId, fileName },
        { sort: { version: -1 }, projection: NO_CONTENT },
      );
      const live = previous && !previous.deletedAt ? previous : undefined;
      if (live && live.sha256 === sha256 && input.tags === undefined && input.note === undefined) {
        return { file: toSummary(live), status: "unchanged" };
      }
      if (!live && (await this.twinOf(userId, fileName))) throw new FileError("name_twin");
      await this.checkRoom(userId, 1, size);
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
        if (err instanceof MongoServerError && err.code === 11000 && attempt < 5) continue;
        throw err;
      }
      const status: SaveStatus = live ? "new_version" : "created";
      this.events.emit("file_saved", "info", { userId, version: doc.version, size, status });
      return { file: toSummary(doc), status };
    }
  }

  /** Latest versions of the user's files, most recently changed first. */
  async list(userId: number, opts: { page?: number; pageSize?: number } = {}): Promise<Page<FileSummary>> {
    const pageSize = opts.pageSize ?? 10;
    const latest = [
      { $match: { userId, deletedAt: { $exists: false } } },
      { $project: NO_CONTENT },
      { $sort: { fileName: 1, version: -1 } },
      { $group: { _id: "$fileName", doc: { $first: "$$ROOT" } } },
    ];
    const [counted] = await this.files.aggregate<{ n: number }>([...latest, { $count: "n" }]).toArray();
    const total = counted?.n ?? 0;
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const page = Math.min(Math.max(0, opts.page ?? 0), pages - 1);
    const rows = await this.files
      .aggregate<{ doc: FileDoc }>([
        ...latest,
        { $sort: { "doc.updatedAt": -1, _id: 1 } },
        { $skip: page * pageSize },
        { $limit: pageSize },
      ])
      .toArray();
    return { items: rows.map((r) => toSummary(r.doc)), page, pages, total };
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

  /** The contents of several live versions by id, in one query (large files come from GridFS); unknown ids are absent. */
  async readContents(userId: number, ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!ids.length) return out;
    const oids = ids.filter((id) => /^[0-9a-f]{24}$/i.test(id)).map((id) => new ObjectId(id));
    const live = this.files.find({ userId, _id: { $in: oids }, deletedAt: { $exists: false } }, { projection: { content: 1, contentId: 1 } });
    for await (const doc of live) out.set(doc._id.toHexString(), await this.contents.read(doc));
    return out;
  }

  /**
   * Streams the user's live files for a backup, name by name, newest version
   * first: only the latest of each name unless `withHistory`. Metadata comes
   * from a cursor without contents; contents follow for up to 128 files
   * (about 2 MB) at a time with one query each, so memory stays bounded
   * however large the library, and there is no round trip per file.
   * Each `content` is a view into one reused buffer: it holds the file only
   * until the next item is asked for (copy it to keep it).
   */
  async *iterateForBackup(
    userId: number,
    opts: { withHistory: boolean },
  ): AsyncGenerator<{ doc: Omit<FileDoc, "content">; content: Buffer; isLatest: boolean }> {
    const cursor = this.files
      .find({ userId, deletedAt: { $exists: false } }, { sort: { fileName: 1, version: -1 }, batchSize: 200 })
      .project<FileDoc>({ content: 0 });
    let previousName: string | undefined;
    let batch: BackupBatch = { items: [], bytes: 0, skipped: 0 };
    let passedOver = 0;
    const bytes = new ReusedTextBytes();
    try {
      for await (const doc of cursor) {
        const isLatest = doc.fileName !== previousName;
        previousName = doc.fileName;
        if (!isLatest && !opts.withHistory) {
          passedOver++;
          continue;
        }
        if (batch.items.length) batch.skipped += passedOver;
        passedOver = 0;
        batch.items.push({ doc, isLatest });
        batch.bytes += doc.contentId ? 0 : doc.size;
        if (batch.items.length >= CONTENT_BATCH_FILES || batch.bytes >= CONTENT_BATCH_BYTES) {
          yield* this.withContents(userId, batch, bytes);
          batch = { items: [], bytes: 0, skipped: 0 };
        }
      }
      yield* this.withContents(userId, batch, bytes);
    } finally {
      await cursor.close();
    }
  }

  /** A run of the backup cursor with its contents; large files come from GridFS one at a time. */
  private async *withContents(
    userId: number,
    batch: BackupBatch,
    bytes: ReusedTextBytes,
  ): AsyncGenerator<{ doc: Omit<FileDoc, "content">; content: Buffer; isLatest: boolean }> {
    if (!batch.items.length) return;
    const inline = await this.batchContents(userId, batch);
    for (const { doc, isLatest } of batch.items) {
      const key = doc._id.toHexString();
      // Missing only when the version was deleted since the cursor saw it: fetch it alone, as before.
      const full = doc.contentId
        ? doc
        : (inline.get(key) ?? (await this.files.findOne({ _id: doc._id, userId }, { projection: { content: 1 } })));
      inline.delete(key); // let each text go once it is in the archive
      const content = bytes.encode(await this.contents.read(full ?? doc));
      yield { doc, content, isLatest };
    }
  }

  /**
   * The run is contiguous in the cursor's (fileName ↑, version ↓) order, so when the
   * cursor passed over nothing inside it, the live versions between its first and last
   * (one index range) are exactly its versions; otherwise it asks for the ids.
   */
  private async batchContents(userId: number, batch: BackupBatch): Promise<Map<string, Pick<FileDoc, "content">>> {
    const a = batch.items[0]!.doc;
    const z = batch.items[batch.items.length - 1]!.doc;
    const between: Filter<FileDoc> =
      a.fileName === z.fileName
        ? { fileName: a.fileName, version: { $lte: a.version, $gte: z.version } }
        : {
            $or: [
              { fileName: a.fileName, version: { $lte: a.version } },
              { fileName: { $gt: a.fileName, $lt: z.fileName } },
              { fileName: z.fileName, version: { $gte: z.version } },
            ],
          };
    const filter: Filter<FileDoc> = batch.skipped
      ? { userId, _id: { $in: batch.items.filter((b) => !b.doc.contentId).map((b) => b.doc._id) } }
      : { userId, deletedAt: { $exists: false }, ...between };
    const byId = new Map<string, Pick<FileDoc, "content">>();
    for await (const row of this.files.find(filter, { projection: { content: 1 } })) byId.set(row._id.toHexString(), row);
    return byId;
  }

  /** The latest live version of each of `names` that exists (one query). */
  async latestOf(userId: number, names: string[]): Promise<FileSummary[]> {
    if (!names.length) return [];
    const rows = await this.files
      .aggregate<{ doc: FileDoc }>([
        { $match: { userId, fileName: { $in: names }, deletedAt: { $exists: false } } },
        { $project: NO_CONTENT },
        { $sort: { fileName: 1, version: -1 } },
        { $group: { _id: "$fileName", doc: { $first: "$$ROOT" } } },
      ])
      .toArray();
    return rows.map((r) => toSummary(r.doc));
  }

  /** The highest version under each of `names`, live or deleted; a name the user never held is absent. */
  async maxVersions(userId: number, names: string[]): Promise<Map<string, number>> {
    if (!names.length) return new Map();
    const rows = await this.files
      .aggregate<{ _id: string; max: number }>([
        { $match: { userId, fileName: { $in: names } } },
        { $group: { _id: "$fileName", max: { $max: "$version" } } },
      ])
      .toArray();
    return new Map(rows.map((r) => [r._id, r.max]));
  }

  /**
   * The live names that a file system would take for one of `names` (same
   * fileNameKey: the names themselves, case-only and NFC/NFD twins), so a
   * restore can show `README.md` in the archive as a conflict with `readme.md`.
   */
  async liveNamesLike(userId: number, names: string[]): Promise<string[]> {
    if (!names.length) return [];
    const keys = new Set(names.map(fileNameKey));
    return (await this.liveNames(userId)).filter((n) => keys.has(fileNameKey(n)));
  }

  /** Every name the user has a live file under (for choosing free names). */
  async liveNames(userId: number): Promise<string[]> {
    return (await this.files.distinct("fileName", { userId, deletedAt: { $exists: false } })) as string[];
  }

  /**
   * Adds one new version for each input with bulk writes (no per-file round trips),
   * tagged with `restoreId` so `removeRestored` can take exactly these back out.
   */
  async addVersionsInBulk(
    userId: number,
    inputs: BulkVersionInput[],
    restoreId: ObjectId,
    opts: { batchSize?: number; beforeBatch?: () => Promise<void> } = {},
  ): Promise<void> {
    const batchSize = opts.batchSize ?? 500;
    if (!inputs.length) return;
    await this.checkRoom(userId, inputs.length, inputs.reduce((sum, i) => sum + Buffer.byteLength(i.content), 0));
    const nextVersion = await this.maxVersions(userId, [...new Set(inputs.map((i) => normalizeFileName(i.fileName)))]);
    const now = this.now();
    for (let start = 0; start < inputs.length; start += batchSize) {
      const docs: FileDoc[] = [];
      for (const input of inputs.slice(start, start + batchSize)) {
        const fileName = normalizeFileName(input.fileName);
        checkName(fileName);
        const size = Buffer.byteLength(input.content);
        if (size > MAX_FILE_BYTES) throw new FileError("too_large");
        const version = (nextVersion.get(fileName) ?? 0) + 1;
        nextVersion.set(fileName, version);
        docs.push({
          _id: new ObjectId(),
          userId,
          fileName,
          language: cleanLanguage(input.language) ?? detectLanguage(fileName, input.content),
          ...(await this.contents.place(userId, input.content)),
          sha256: sha256Hex(input.content),
          size,
          tags: normalizeTags(input.tags.slice(0, 20)),
          note: input.note.slice(0, 1000),
          version,
          createdAt: now,
          updatedAt: now,
          restoreId,
        });
      }
      await opts.beforeBatch?.();
      await this.files.insertMany(docs, { ordered: true });
    }
  }

  /** Live versions (history included) and their bytes: what a backup with history holds, and what the cap counts. */
  usage(userId: number): Promise<{ versions: number; bytes: number }> {
    return libraryUsage(this.files, userId);
  }

  /**
   * Throws library_full when adding `versions` versions of `bytes` bytes would pass
   * the cap. Restores call it before they start, so the user hears why up front.
   */
  async checkRoom(userId: number, versions: number, bytes: number): Promise<void> {
    const used = await this.usage(userId);
    if (used.versions + versions > this.limits.maxVersions || used.bytes + bytes > this.limits.maxBytes) {
      this.events.emit("library_full", "warn", { userId, versions: used.versions, bytes: used.bytes });
      throw new FileError("library_full");
    }
  }

  /** A live name a common file system would take for `fileName` (case-only or NFC/NFD twin), or undefined. */
  twinOf(userId: number, fileName: string): Promise<string | undefined> {
    return liveTwinOf(this.files, userId, fileName);
  }

  /** Removes every version a restore added (its rollback); returns how many. */
  async removeRestored(userId: number, restoreId: ObjectId): Promise<number> {
    const large = await this.files.find({ userId, restoreId, contentId: { $exists: true } }, { projection: { contentId: 1 } }).toArray();
    const result = await this.files.deleteMany({ userId, restoreId });
    for (const doc of large) await this.contents.discard(doc.contentId!);
    return result.deletedCount;
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

function byId(userId: number, id: string): Filter<FileDoc> {
  // An id from a button is untrusted: malformed ids simply match nothing.
  return ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id) ? { _id: new ObjectId(id), userId } : { _id: { $in: [] }, userId };
}

/**
 * Encodes texts into one buffer reused from file to file (grown to the largest file),
 * so a backup does not allocate a fresh buffer per file: Node 24 frees such
 * short-lived buffers only in ~64 MB steps (docs/PERFORMANCE.md). Each result is a
 * view that the next encode() overwrites.
 */
class ReusedTextBytes {
  #bytes = Buffer.allocUnsafeSlow(64 * 1024);

  encode(text: string): Buffer {
    const length = Buffer.byteLength(text, "utf8");
    if (length > this.#bytes.length) this.#bytes = Buffer.allocUnsafeSlow(length);
    this.#bytes.write(text, 0, length, "utf8");
    return this.#bytes.subarray(0, length);
  }
}

function checkName(name: string): void {
  const problem = fileNameProblem(name);
  if (problem === "empty") throw new FileError("name_empty");
  if (problem === "too_long") throw new FileError("name_too_long");
  if (problem === "invalid") throw new FileError("name_invalid");
}
