/**
 * MongoDB for tests. With MONGODB_URI set, connects to that real server and
 * works in a fresh randomly named database (dropped by stop()); otherwise
 * starts the in-process wire-protocol server on a random port.
 */
import { randomBytes } from "node:crypto";
import { MongoClient, type Db } from "mongodb";
import { startMongoTestServer } from "./mongo-server/server.js";

export interface TestMongo {
  uri: string;
  dbName: string;
  client: MongoClient;
  db: Db;
  stop(): Promise<void>;
}

export async function startMongo(): Promise<TestMongo> {
  const externalUri = process.env.MONGODB_URI;
  const server = externalUri ? undefined : await startMongoTestServer();
  const uri = externalUri ?? (server as NonNullable<typeof server>).uri;
  const dbName = `test_${randomBytes(6).toString("hex")}`;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    await server?.close();
    throw err;
  }
  const db = client.db(dbName);

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      try {
        if (externalUri) await db.dropDatabase();
      } finally {
        await client.close();
        await server?.close();
      }
    })());

  return { uri, dbName, client, db, stop };
}
