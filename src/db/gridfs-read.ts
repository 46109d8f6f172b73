/**
 * Reading a whole GridFS file into one buffer, in replies of ~1 MB.
 *
 * The driver's download stream (`GridFSBucket.openDownloadStream`) asks for the chunks with
 * the server's default first batch, so up to 16 MB of chunks arrive as one wire message,
 * which the driver assembles and decodes in one synchronous call: 150–250 ms on the main
 * thread for a 30 MB backup of 10,000 files (docs/PERFORMANCE.md), while every other user
 * waits (issue 11: no stretch over 50 ms). The stream takes no batch size, so the chunks are
 * read here from `<bucket>.chunks` in `n` order, a few per reply, with the checks the
 * driver's stream makes (no chunk missing, none extra, each of the expected size).
 */
import type { Binary, Db, GridFSFile, ObjectId } from "mongodb";

/** Chunks asked for per reply: 4 of GridFS's default 255 KiB, ~1 MB a reply. */
export const CHUNKS_PER_REPLY = 4;

interface ChunkDoc {
  files_id: ObjectId;
  n: number;
  data: Binary;
}

/**
 * The whole file `id` of bucket `bucketName`, held once (one buffer of the stored length,
 * filled chunk by chunk); undefined when there is no such file, also when it is deleted while
 * being read. Throws when its chunks do not add up to its stored length.
 */
export async function readGridFsFile(db: Db, bucketName: string, id: ObjectId): Promise<Buffer | undefined> {
  const files = db.collection<GridFSFile>(`${bucketName}.files`);
  const file = await files.findOne({ _id: id });
  if (!file) return undefined;
  const out = Buffer.allocUnsafe(file.length);
  const chunks = db
    .collection<ChunkDoc>(`${bucketName}.chunks`)
    .find({ files_id: id }, { sort: { n: 1 }, batchSize: CHUNKS_PER_REPLY, projection: { _id: 0, n: 1, data: 1 } });
  let at = 0;
  let expected = 0;
  try {
    for await (const chunk of chunks) {
      const bytes = chunk.data.buffer;
      const size = Math.min(file.chunkSize, file.length - at);
      if (chunk.n !== expected || bytes.length !== size || size <= 0) {
        throw new Error(`GridFS file ${id.toHexString()} in ${bucketName}: chunk ${chunk.n} of ${bytes.length} bytes where chunk ${expected} of ${size} was expected`);
      }
      out.set(bytes, at);
      at += size;
      expected++;
    }
  } finally {
    await chunks.close();
  }
  if (at !== file.length) {
    // Deleted while it was read (its chunks go after its files document): gone, not broken.
    if (!(await files.findOne({ _id: id }, { projection: { _id: 1 } }))) return undefined;
    throw new Error(`GridFS file ${id.toHexString()} in ${bucketName} holds ${at} of its ${file.length} bytes`);
  }
  return out;
}
