import { GridFSBucket, type Db, type ObjectId } from "mongodb";
import { COLLECTIONS } from "../db/collections.js";
import { readGridFsFile } from "../db/gridfs-read.js";
import type { FileDoc } from "./file-types.js";

/** Content up to this many bytes is kept inside the file's document (MongoDB caps a document at 16 MB). */
export const INLINE_CONTENT_LIMIT = 4 * 1024 * 1024;

/** Where a version's text lives: inline for ordinary files, GridFS for big ones. */
export class ContentStore {
  private readonly bucket: GridFSBucket;

  constructor(private readonly db: Db) {
    this.bucket = new GridFSBucket(db, { bucketName: COLLECTIONS.fileContentsBucket });
  }

  /** The fields to put on a new document for this text. */
  async place(userId: number, content: string): Promise<Pick<FileDoc, "content" | "contentId">> {
    if (Buffer.byteLength(content) <= INLINE_CONTENT_LIMIT) return { content };
    const upload = this.bucket.openUploadStream(`${userId}`, { metadata: { userId } });
    await new Promise<void>((resolve, reject) => {
      upload.once("error", reject);
      upload.once("finish", () => resolve());
      upload.end(Buffer.from(content, "utf8"));
    });
    return { contentId: upload.id };
  }

  async read(doc: Pick<FileDoc, "content" | "contentId">): Promise<string> {
    if (doc.content !== undefined) return doc.content;
    if (!doc.contentId) return "";
    // Up to 20 MB: read ~1 MB per reply, not as one long decode on the main thread (db/gridfs-read.ts).
    const bytes = await readGridFsFile(this.db, COLLECTIONS.fileContentsBucket, doc.contentId);
    if (!bytes) throw new Error(`File contents ${doc.contentId.toHexString()} not found`);
    return bytes.toString("utf8");
  }

  async discard(contentId: ObjectId): Promise<void> {
    await this.bucket.delete(contentId).catch(() => {});
  }
}
