/**
 * BackupStore.read gives back the stored bytes exactly, asks MongoDB for at most a few
 * chunks per reply (a 16 MB reply held the main thread for ~200 ms, issue 11), and
 * refuses a stored file whose chunks do not add up.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MongoClient, ObjectId, type CommandSucceededEvent, type Document } from "mongodb";
import { BackupStore } from "../../src/backups/backup-store.js";
import { CHUNKS_PER_REPLY } from "../../src/db/gridfs-read.js";
import { startMongo, type TestMongo } from "../support/mongo.js";

/** GridFS's default chunk size. */
const CHUNK = 255 * 1024;

let mongo: TestMongo;
let client: MongoClient;
let store: BackupStore;
const replies: Document[] = [];

beforeAll(async () => {
  mongo = await startMongo();
  // A client of our own that reports every reply, to see how many chunks each one carried.
  client = new MongoClient(mongo.uri, { monitorCommands: true });
  await client.connect();
  client.on("commandSucceeded", (e: CommandSucceededEvent) => replies.push(e.reply as Document));
  store = new BackupStore(client.db(mongo.dbName));
});

afterAll(async () => {
  await client?.close();
  await mongo?.stop();
});

async function stored(bytes: Buffer): Promise<ObjectId> {
  const upload = store.beginUpload("backup.zip", { userId: 1 });
  upload.input.write(bytes);
  await upload.commit();
  return upload.id;
}

const chunks = () => mongo.db.collection("backups.chunks");

/** Chunk documents in the replies received since `from`. */
function chunksPerReply(from: number): number[] {
  return replies
    .slice(from)
    .map((r) => (r.cursor?.firstBatch ?? r.cursor?.nextBatch ?? []) as Document[])
    .filter((batch) => batch.some((d) => d.data !== undefined))
    .map((batch) => batch.length);
}

describe("BackupStore.read", () => {
  it("returns the stored bytes exactly, a few chunks per reply", async () => {
    const bytes = randomBytes(CHUNK * 13 + 1234);
    const id = await stored(bytes);
    const from = replies.length;
    const read = await store.read(id);
    expect(read && Buffer.compare(read, bytes)).toBe(0);
    const perReply = chunksPerReply(from);
    expect(perReply.reduce((a, b) => a + b, 0)).toBe(14);
    expect(Math.max(...perReply)).toBeLessThanOrEqual(CHUNKS_PER_REPLY);
  });

  it("an empty stored file reads as no bytes; an unknown id as nothing", async () => {
    expect((await store.read(await stored(Buffer.alloc(0))))?.length).toBe(0);
    expect(await store.read(new ObjectId())).toBeUndefined();
  });

  it("refuses a stored file with a chunk missing, a chunk too many or a chunk cut short", async () => {
    const missing = await stored(randomBytes(CHUNK * 3));
    await chunks().deleteOne({ files_id: missing, n: 1 });
    await expect(store.read(missing)).rejects.toThrow(/chunk 2 .* chunk 1/);

    const extra = await stored(randomBytes(CHUNK * 2));
    await chunks().insertOne({ files_id: extra, n: 2, data: randomBytes(10) });
    await expect(store.read(extra)).rejects.toThrow(/chunk 2/);

    const short = await stored(randomBytes(CHUNK * 2));
    const last = await chunks().findOne({ files_id: short, n: 1 });
    await chunks().updateOne({ _id: last!._id }, { $set: { data: randomBytes(100) } });
    await expect(store.read(short)).rejects.toThrow(/chunk 1 of 100 bytes/);
  });
});
