import { mkdir } from "node:fs/promises";
import path from "node:path";
import { MongoClient, type Db } from "mongodb";
import type { Logger } from "../logger.js";

export interface Database {
  client: MongoClient;
  db: Db;
  /** Where the data lives, for the start-up log line (never includes credentials). */
  description: string;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {}

/**
 * MONGODB_URI when set; otherwise a real mongod started by mongodb-memory-server
 * whose files live under DATA_DIR/mongo, so the library survives restarts.
 */
export async function connectDatabase(opts: {
  uri: string | undefined;
  dbName: string;
  dataDir: string;
  logger: Logger;
}): Promise<Database> {
  if (opts.uri) {
    const client = await connectClient(opts.uri);
    return {
      client,
      db: client.db(opts.dbName),
      description: `MongoDB at ${redactUri(opts.uri)}`,
      close: () => client.close(),
    };
  }
  return startEmbedded(opts);
}

async function connectClient(uri: string): Promise<MongoClient> {
  // Command monitoring feeds codevault_mongo_commands_total (db/command-metrics.ts): names only.
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, appName: "codevault", monitorCommands: true });
  try {
    await client.connect();
    await client.db("admin").command({ ping: 1 });
  } catch (err) {
    await client.close().catch(() => {});
    throw new DatabaseUnavailableError(
      `Cannot reach MongoDB at ${redactUri(uri)} (${(err as Error).message}). Check MONGODB_URI.`,
    );
  }
  return client;
}

async function startEmbedded(opts: { dbName: string; dataDir: string; logger: Logger }): Promise<Database> {
  const dbPath = path.resolve(opts.dataDir, "mongo");
  await mkdir(dbPath, { recursive: true });
  opts.logger.info({ dbPath }, "starting the embedded MongoDB (set MONGODB_URI to use your own server)");
  // Imported lazily: deployments with MONGODB_URI never load it.
  const { MongoMemoryServer } = await import("mongodb-memory-server-core");
  let server: InstanceType<typeof MongoMemoryServer>;
  // On a failed start the library prints the whole error with console.warn; the
  // error thrown below says it in one line, so its print goes to the debug log.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => opts.logger.debug({ detail: args.map(String).join(" ") }, "mongodb-memory-server warning");
  try {
    server = await MongoMemoryServer.create({
      instance: { dbPath, storageEngine: "wiredTiger", dbName: opts.dbName },
    });
  } catch (err) {
    throw new DatabaseUnavailableError(
      "The embedded MongoDB could not start: " +
        firstLine((err as Error).message) +
        detail(err) +
        ". Set MONGODB_URI to a MongoDB server you run (e.g. mongodb://localhost:27017), " +
        "or MONGOMS_SYSTEM_BINARY to the path of an installed mongod binary.",
    );
  } finally {
    console.warn = warn;
  }
  const client = await connectClient(server.getUri());
  return {
    client,
    db: client.db(opts.dbName),
    description: `embedded MongoDB with data in ${dbPath}`,
    async close() {
      await client.close();
      await server.stop({ doCleanup: false });
    },
  };
}

/** mongodb-memory-server keeps the network cause in `msg` (e.g. "getaddrinfo ENOTFOUND ..."). */
function detail(err: unknown): string {
  const msg = (err as { msg?: unknown }).msg;
  return typeof msg === "string" && msg ? ` (${msg})` : "";
}

function firstLine(s: string): string {
  return s.split("\n")[0]!.slice(0, 300);
}

/** mongodb://user:secret@host → mongodb://user:***@host */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@]+)@/, "//$1:***@");
}
