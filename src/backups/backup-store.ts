import { createHash } from "node:crypto";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GridFSBucket, ObjectId, type Db, type GridFSBucketWriteStream } from "mongodb";
import { COLLECTIONS } from "../db/collections.js";
import { readGridFsFile } from "../db/gridfs-read.js";

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

  /**
   * The whole stored archive (backups are read whole to be validated before use), held once,
   * read ~1 MB per reply so the driver never decodes a 16 MB reply in one go (db/gridfs-read.ts).
   */
  read(id: ObjectId): Promise<Buffer | undefined> {
    return readGridFsFile(this.db, COLLECTIONS.backupBucket, id);
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
