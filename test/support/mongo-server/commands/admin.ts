/** Handshake, diagnostics and database-level commands. */
import { hostname } from "node:os";
import { BSON, UUID } from "bson";
import { matcher } from "../query.js";
import type { Doc } from "../values.js";
import type { CommandContext, CommandHandler } from "./context.js";

const VERSION = "7.0.0";
export const MAX_WIRE_VERSION = 21; // MongoDB 7.0
const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

/**
 * A standalone server. No topologyVersion (so drivers poll instead of using
 * the streaming monitor protocol) and no compression/SASL mechanisms.
 */
const hello: CommandHandler = (cmd, ctx) => ({
  ...(cmd.helloOk === true ? { helloOk: true } : {}),
  ...("hello" in cmd ? { isWritablePrimary: true } : { ismaster: true }),
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  maxMessageSizeBytes: 48_000_000,
  maxWriteBatchSize: 100_000,
  localTime: new Date(),
  logicalSessionTimeoutMinutes: 30,
  connectionId: ctx.connectionId,
  minWireVersion: 0,
  maxWireVersion: MAX_WIRE_VERSION,
  readOnly: false,
  ok: 1,
});

const buildInfo: CommandHandler = () => ({
  version: VERSION,
  gitVersion: "in-process-test-server",
  versionArray: [7, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  storageEngines: ["memory"],
  javascriptEngine: "none",
  ok: 1,
});

const getParameter: CommandHandler = (cmd) => {
  const reply: Doc = {};
  if (cmd.featureCompatibilityVersion !== undefined || cmd.getParameter === "*") {
    reply.featureCompatibilityVersion = { version: "7.0" };
  }
  return { ...reply, ok: 1 };
};

function dbSize(ctx: CommandContext, name: string): { collections: number; objects: number; dataSize: number } {
  const db = ctx.state.store.databases.get(name);
  let objects = 0;
  let dataSize = 0;
  for (const coll of db?.collections.values() ?? []) {
    for (const doc of coll.all()) {
      objects++;
      dataSize += BSON.calculateObjectSize(doc);
    }
  }
  return { collections: db?.collections.size ?? 0, objects, dataSize };
}

const listDatabases: CommandHandler = (cmd, ctx) => {
  const matches = matcher(cmd.filter as Doc | undefined);
  const databases: Doc[] = [];
  let totalSize = 0;
  for (const name of ctx.state.store.databases.keys()) {
    const { collections, dataSize } = dbSize(ctx, name);
    if (collections === 0) continue;
    const entry = cmd.nameOnly === true ? { name } : { name, sizeOnDisk: dataSize, empty: dataSize === 0 };
    if (!matches(entry)) continue;
    databases.push(entry);
    totalSize += dataSize;
  }
  return cmd.nameOnly === true ? { databases, ok: 1 } : { databases, totalSize, totalSizeMb: totalSize >> 20, ok: 1 };
};

const dbStats: CommandHandler = (_cmd, ctx) => {
  const { collections, objects, dataSize } = dbSize(ctx, ctx.db);
  return { db: ctx.db, collections, views: 0, objects, dataSize, storageSize: dataSize, indexes: 0, ok: 1 };
};

const dropDatabase: CommandHandler = (_cmd, ctx) => {
  ctx.state.store.databases.delete(ctx.db);
  return { dropped: ctx.db, ok: 1 };
};

const serverStatus: CommandHandler = (_cmd, ctx) => {
  const uptimeMillis = Date.now() - ctx.state.startedAt.getTime();
  return {
    host: hostname(),
    version: VERSION,
    process: "mongod",
    pid: process.pid,
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis,
    localTime: new Date(),
    connections: { current: ctx.state.connectionCount(), available: 1000, totalCreated: ctx.connectionId },
    ok: 1,
  };
};

const ok: CommandHandler = () => ({ ok: 1 });

export const adminCommands: Record<string, CommandHandler> = {
  hello,
  isMaster: hello,
  ismaster: hello,
  ping: ok,
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  endSessions: ok,
  refreshSessions: ok,
  startSession: () => ({ id: { id: new UUID() }, timeoutMinutes: 30, ok: 1 }),
  listDatabases,
  dbStats,
  dropDatabase,
  serverStatus,
  whatsmyuri: () => ({ you: "127.0.0.1:0", ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  hostInfo: () => ({ system: { hostname: hostname() }, os: { type: process.platform }, extra: {}, ok: 1 }),
  getCmdLineOpts: () => ({ argv: ["mongod"], parsed: {}, ok: 1 }),
  getLog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
  logout: ok,
};
