/**
 * A MongoDB outage in the middle of a restore: a second connection to the test
 * database runs through a TCP proxy the test can cut and heal, and the services
 * over it write a restore's versions two at a time, calling `onBatch(n)` before
 * batch n, the moment a test cuts the connection.
 */
import { MongoClient, type Db } from "mongodb";
import { createServices, type Services } from "../../src/app.js";
import type { Events } from "../../src/events.js";
import type { LibraryBulk } from "../../src/files/library-bulk.js";
import { RestoreService } from "../../src/restore/restore-service.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

export interface CuttableDb {
  proxy: TcpProxy;
  /** The database through the proxy. */
  db: Db;
  close(): Promise<void>;
}

/** A connection to `dbName` through a proxy that gives up quickly while cut, as the bot would after its own timeout. */
export async function connectThroughProxy(uri: string, dbName: string): Promise<CuttableDb> {
  const proxy = await startTcpProxy(uri);
  const client = new MongoClient(proxy.uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
  await client.connect();
  return {
    proxy,
    db: client.db(dbName),
    close: async () => {
      await client.close();
      await proxy.close();
    },
  };
}

/** Services over `db` whose restore writes two versions a batch and calls `onBatch(n)` before each. */
export function servicesCutBetweenBatches(
  db: Db,
  events: Events,
  onBatch: (batch: number) => void,
  restore: { leaseMs?: number; rollbackRetry: { firstMs: number; maxMs: number } },
): Services {
  const base = createServices({ db, events });
  const bulk = Object.create(base.bulk) as LibraryBulk;
  let batch = 0;
  bulk.addVersionsInBulk = (userId, inputs, restoreId, opts = {}) =>
    base.bulk.addVersionsInBulk(userId, inputs, restoreId, {
      ...opts,
      batchSize: 2,
      beforeBatch: async () => {
        onBatch(++batch);
        await opts.beforeBatch?.();
      },
    });
  return { ...base, bulk, restore: new RestoreService({ db, files: base.files, bulk, backups: base.backups, events, ...restore }) };
}
