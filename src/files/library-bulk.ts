import { ObjectId, type Filter } from "mongodb";
import { sha256Hex } from "./content-hash.js";
import { parseObjectId } from "../db/object-ids.js";
import { toSummary, type BulkVersionInput, type FileDoc, type FileSummary } from "./file-types.js";
import { cleanLanguage, detectLanguage } from "./language.js";
import { checkVersion, latestVersions, LibraryCollection } from "./library-collection.js";
import { MAX_NOTE_LENGTH, MAX_TAGS, normalizeTags } from "./tags.js";
import { fileNameKey, normalizeFileName } from "./text.js";
import { Pacer } from "../work/pacer.js";

/** iterateForBackup fetches inline contents for this many files, or about this many bytes, per query. */
const CONTENT_BATCH_FILES = 128;
const CONTENT_BATCH_BYTES = 2 * 1024 * 1024;
/** Version summaries per reply in latestOf (~300 bytes each). */
export const SUMMARIES_PER_REPLY = 500;
/** Versions per insertMany in addVersionsInBulk. */
const BULK_BATCH_SIZE = 500;

interface BackupBatch {
  items: { doc: FileDoc; isLatest: boolean }[];
  /** Inline bytes in `items`. */
  bytes: number;
  /** Older versions the cursor passed over inside this run (latest-only backups). */
  skipped: number;
}

/**
 * The library's bulk paths, for backups and restores: a whole library streamed
 * out, many versions read or added in few queries, a restore's versions taken
 * back out. Same collection, same name rules and same cap as FileLibrary (LibraryCollection).
 */
export class LibraryBulk extends LibraryCollection {
  /** The contents of several live versions by id, in one query (large files come from GridFS); unknown ids are absent. */
  async readContents(userId: number, ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!ids.length) return out;
    const oids = ids.flatMap((id) => parseObjectId(id) ?? []);
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

  /**
   * The latest live version of each of `names` that exists (one query), received
   * SUMMARIES_PER_REPLY at a time: 10,000 in one reply held the main thread ~100 ms while the
   * driver decoded it (issue 11 point 3).
   */
  async latestOf(userId: number, names: string[]): Promise<FileSummary[]> {
    if (!names.length) return [];
    const rows = this.files.aggregate<{ doc: FileDoc }>(latestVersions({ userId, fileName: { $in: names } }), {
      batchSize: SUMMARIES_PER_REPLY,
    });
    const out: FileSummary[] = [];
    for await (const row of rows) out.push(toSummary(row.doc));
    return out;
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
    const pacer = new Pacer();
    const keys = new Set<string>();
    for (const name of names) {
      await pacer.pace();
      keys.add(fileNameKey(name));
    }
    const live = (await this.files.distinct("fileName", { userId, deletedAt: { $exists: false } })) as string[];
    const like: string[] = [];
    for (const name of live) {
      await pacer.pace();
      if (keys.has(fileNameKey(name))) like.push(name);
    }
    return like;
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
    const batchSize = opts.batchSize ?? BULK_BATCH_SIZE;
    if (!inputs.length) return;
    // Hashing and checking 500 files takes tens of milliseconds: other users' updates get their turn meanwhile.
    const pacer = new Pacer();
    await this.checkRoom(userId, inputs.length, await this.totalBytes(inputs, pacer));
    const nextVersion = await this.maxVersions(userId, [...new Set(inputs.map((i) => normalizeFileName(i.fileName)))]);
    const now = this.now();
    for (let start = 0; start < inputs.length; start += batchSize) {
      const docs: FileDoc[] = [];
      for (const input of inputs.slice(start, start + batchSize)) {
        await pacer.pace();
        const { fileName, size } = checkVersion(input.fileName, input.content);
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
          tags: normalizeTags(input.tags.slice(0, MAX_TAGS)),
          note: input.note.slice(0, MAX_NOTE_LENGTH),
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

  /** The UTF-8 size of the inputs' contents, counted in steps that yield (60 MB of text take ~20–100 ms to count). */
  async totalBytes(inputs: readonly BulkVersionInput[], pacer = new Pacer()): Promise<number> {
    let total = 0;
    for (const input of inputs) {
      await pacer.pace();
      total += Buffer.byteLength(input.content);
    }
    return total;
  }

  /** Removes every version a restore added (its rollback); returns how many. */
  async removeRestored(userId: number, restoreId: ObjectId): Promise<number> {
    const large = await this.files.find({ userId, restoreId, contentId: { $exists: true } }, { projection: { contentId: 1 } }).toArray();
    const result = await this.files.deleteMany({ userId, restoreId });
    for (const doc of large) await this.contents.discard(doc.contentId!);
    return result.deletedCount;
  }

  /** Whole-database counts for the admin CLI (every user): aggregations only, no contents read. */
  async totals(): Promise<{ users: number; files: number; fileBytes: number; versions: number; versionBytes: number; deletedVersions: number }> {
    const opts = { allowDiskUse: true };
    const live = { deletedAt: { $exists: false } };
    const [users] = await this.files.aggregate<{ n: number }>([{ $group: { _id: "$userId" } }, { $count: "n" }], opts).toArray();
    const [latest] = await this.files
      .aggregate<{ n: number; bytes: number }>(
        [
          { $match: live },
          { $project: { userId: 1, fileName: 1, version: 1, size: 1 } },
          { $sort: { userId: 1, fileName: 1, version: -1 } },
          { $group: { _id: { userId: "$userId", fileName: "$fileName" }, size: { $first: "$size" } } },
          { $group: { _id: null, n: { $sum: 1 }, bytes: { $sum: "$size" } } },
        ],
        opts,
      )
      .toArray();
    const [versions] = await this.files
      .aggregate<{ n: number; bytes: number }>([{ $match: live }, { $group: { _id: null, n: { $sum: 1 }, bytes: { $sum: "$size" } } }], opts)
      .toArray();
    const deletedVersions = await this.files.countDocuments({ deletedAt: { $exists: true } });
    return {
      users: users?.n ?? 0,
      files: latest?.n ?? 0,
      fileBytes: latest?.bytes ?? 0,
      versions: versions?.n ?? 0,
      versionBytes: versions?.bytes ?? 0,
      deletedVersions,
    };
  }
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
