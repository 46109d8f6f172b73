import { createHash } from "node:crypto";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GridFSBucket, ObjectId, type Db, type GridFSBucketWriteStream } from "mongodb";
import { COLLECTIONS } from "../db/collections.js";

/** Counts and hashes the bytes flowing through it. */
class HashingCounter extends Transform {
  readonly hash = createHash("sha256");
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

export interface StoredUpload {
  /** Write the archive here. */
  input: HashingCounter;
  id: ObjectId;
  /** Ends the input and waits until every byte is in GridFS. */
  commit(): Promise<{ size: number; sha256: string }>;
  /** Stops the upload and removes every chunk written so far. */
  abort(): Promise<void>;
}

/**
 * Where backup bytes live: the GridFS bucket `backups`. Knows nothing about ZIP;
 * the archive format knows nothing about GridFS.
 */
export class BackupStore {
  private readonly bucket: GridFSBucket;

  constructor(private readonly db: Db) {
    this.bucket = new GridFSBucket(db, { bucketName: COLLECTIONS.backupBucket });
  }

  beginUpload(fileName: string, metadata: { userId: number }): StoredUpload {
    const id = new ObjectId();
    const upload: GridFSBucketWriteStream = this.bucket.openUploadStreamWithId(id, fileName, { metadata });
    const input = new HashingCounter();
    const done = pipeline(input, upload);
    done.catch(() => {}); // observed through commit()/abort()
    return {
      input,
      id,
      async commit() {
        input.end();
        await done;
        return { size: input.bytes, sha256: input.hash.digest("hex") };
      },
      abort: async () => {
        input.destroy();
        await done.catch(() => {});
        await this.delete(id);
      },
    };
  }

  /** The whole stored archive (backups are read whole to be validated before use). */
  async read(id: ObjectId): Promise<Buffer | undefined> {
    // One buffer of the stored length, filled chunk by chunk: the ZIP is held once, not twice (chunks + concat).
    const file = await this.bucket.find({ _id: id }).limit(1).next();
    if (!file) return undefined;
    const out = Buffer.allocUnsafe(file.length);
    let at = 0;
    try {
      for await (const chunk of this.bucket.openDownloadStream(id)) {
        const bytes = chunk as Buffer;
        if (at + bytes.length > out.length) throw new Error(`Stored backup ${id.toHexString()} holds more than its length of ${file.length} bytes`);
        bytes.copy(out, at);
        at += bytes.length;
      }
    } catch (err) {
      if ((err as { code?: string }).code === "ENOENT" || /FileNotFound|File not found/i.test((err as Error).message)) return undefined;
      throw err;
    }
    if (at !== out.length) throw new Error(`Stored backup ${id.toHexString()} holds ${at} of its ${file.length} bytes`);
    return out;
  }

  /**
   * The stored archive as a stream from byte `start` to its `length` (for uploads that must not
   * hold it whole). The driver needs `end` whenever `start` is given.
   */
  openStream(id: ObjectId, start: number, length: number): Readable {
    return this.bucket.openDownloadStream(id, start > 0 ? { start, end: length } : {});
  }

  /** Removes the bytes (file document and chunks); missing files are fine. */
  async delete(id: ObjectId): Promise<void> {
    try {
      await this.bucket.delete(id);
    } catch (err) {
      if (!/FileNotFound|File not found/i.test((err as Error).message)) throw err;
      // The files document may be gone while chunks remain (an aborted upload): sweep them.
      await this.db.collection(`${COLLECTIONS.backupBucket}.chunks`).deleteMany({ files_id: id });
    }
  }
}
