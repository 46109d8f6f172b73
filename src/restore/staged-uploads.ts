import { finished } from "node:stream/promises";
import { GridFSBucket, ObjectId, type Collection, type Db } from "mongodb";
import { writeInSlices } from "../backups/backup-service.js";
import { COLLECTIONS } from "../db/collections.js";
import { readGridFsFile } from "../db/gridfs-read.js";
import { parseObjectId } from "../db/object-ids.js";
import { RestoreError } from "./restore-types.js";

/** An uploaded archive is kept this long after it was last used, then it is gone. */
export const STAGED_UPLOAD_TTL_MS = 60 * 60 * 1000;

/** How often expired uploads are swept: by the bot's housekeeping timer, and at most this often when staging. */
export const STAGED_UPLOAD_SWEEP_MS = 10 * 60 * 1000;

/** One staged upload: its bytes are in the GridFS bucket `staged_uploads`, under `bytesId`. */
interface StagedUploadDoc {
  _id: ObjectId;
  userId: number;
  fileName: string;
  size: number;
  bytesId: ObjectId;
  /** Moved on at every use; a TTL index removes the document an hour later, sweep() the bytes. */
  lastUsedAt: Date;
}

/**
 * ZIPs a user sent for restore or import, staged once in MongoDB so each restore
 * step reads them by id (`{ uploadId }`) instead of downloading them again.
 * Every read checks the owner; an upload not used for an hour is gone.
 */
export class StagedUploads {
  private readonly docs: Collection<StagedUploadDoc>;
  private readonly bucket: GridFSBucket;
  private readonly now: () => Date;
  private readonly ttlMs: number;
  private readonly db: Db;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(deps: { db: Db; clock?: () => Date; stagedUploadTtlMs?: number }) {
    this.db = deps.db;
    this.docs = deps.db.collection<StagedUploadDoc>(COLLECTIONS.stagedUploads);
    this.bucket = new GridFSBucket(deps.db, { bucketName: COLLECTIONS.stagedUploadBucket });
    this.now = deps.clock ?? (() => new Date());
    this.ttlMs = deps.stagedUploadTtlMs ?? STAGED_UPLOAD_TTL_MS;
  }

  /** Stores the bytes and returns the upload id; expired uploads of anyone are swept first, at most every 10 minutes. */
  async stage(userId: number, bytes: Buffer, fileName: string): Promise<string> {
    if (this.now().getTime() - this.lastSweep >= STAGED_UPLOAD_SWEEP_MS) await this.sweep();
    const bytesId = new ObjectId();
    const upload = this.bucket.openUploadStreamWithId(bytesId, fileName, { metadata: { userId } });
    // In 1 MiB writes with backpressure: cutting 30 MB into chunks in one write held the main thread ~75 ms.
    const stored = finished(upload);
    stored.catch(() => {}); // observed below
    await writeInSlices(upload, bytes);
    upload.end();
    await stored;
    const doc: StagedUploadDoc = { _id: new ObjectId(), userId, fileName, size: bytes.length, bytesId, lastUsedAt: this.now() };
    await this.docs.insertOne(doc);
    return doc._id.toHexString();
  }

  /** The user's staged upload (and marks it used); another user's, an unknown or an expired id → RestoreError source_missing. */
  async read(userId: number, uploadId: string): Promise<{ bytes: Buffer; fileName: string }> {
    const doc = await this.live(userId, uploadId);
    if (!doc) throw new RestoreError("source_missing");
    // Held once, read ~1 MB per reply: no long stretch on the main thread (db/gridfs-read.ts).
    let bytes: Buffer | undefined;
    try {
      bytes = await readGridFsFile(this.db, COLLECTIONS.stagedUploadBucket, doc.bytesId);
    } catch (err) {
      throw new RestoreError("source_missing", { cause: err });
    }
    if (!bytes) throw new RestoreError("source_missing");
    await this.docs.updateOne({ _id: doc._id, userId }, { $set: { lastUsedAt: this.now() } });
    return { bytes, fileName: doc.fileName };
  }

  /** Removes the user's staged upload (the restore is over); unknown ids are ignored. */
  async discard(userId: number, uploadId: string): Promise<void> {
    const _id = parseObjectId(uploadId);
    if (!_id) return;
    const doc = await this.docs.findOneAndDelete({ _id, userId });
    if (doc) await this.bucket.delete(doc.bytesId).catch(() => {});
  }

  /**
   * Removes uploads not used within the TTL, and bytes whose document is gone
   * (the TTL index removed it). Returns how many uploads' bytes were removed.
   */
  async sweep(): Promise<number> {
    this.lastSweep = this.now().getTime();
    let removed = 0;
    const cutoff = new Date(this.now().getTime() - this.ttlMs);
    for (const doc of await this.docs.find({ lastUsedAt: { $lt: cutoff } }).toArray()) {
      await this.docs.deleteOne({ _id: doc._id });
      await this.bucket.delete(doc.bytesId).catch(() => {});
      removed++;
    }
    const held = new Set((await this.docs.find({}, { projection: { bytesId: 1 } }).toArray()).map((d) => d.bytesId.toHexString()));
    for (const file of await this.bucket.find({ uploadDate: { $lt: cutoff } }).toArray()) {
      if (held.has(file._id.toHexString())) continue;
      await this.bucket.delete(file._id).catch(() => {});
      removed++;
    }
    return removed;
  }

  private async live(userId: number, uploadId: string): Promise<StagedUploadDoc | null> {
    const _id = parseObjectId(uploadId);
    if (!_id) return null;
    const cutoff = new Date(this.now().getTime() - this.ttlMs);
    return this.docs.findOne({ _id, userId, lastUsedAt: { $gte: cutoff } });
  }
}
