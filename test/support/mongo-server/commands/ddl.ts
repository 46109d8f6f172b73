/** Collection and index management commands. */
import { CommandError } from "../errors.js";
import type { IndexSpec } from "../indexes.js";
import { matcher } from "../query.js";
import type { Collection } from "../store.js";
import { canonical, clone, isPlainObject, type Doc } from "../values.js";
import { collectionArg, type CommandContext, type CommandHandler } from "./context.js";

/** Fields of a command document that are protocol plumbing, not options. */
const GENERIC_FIELDS = new Set([
  "$db", "lsid", "txnNumber", "autocommit", "startTransaction", "$clusterTime", "$readPreference",
  "readConcern", "writeConcern", "comment", "maxTimeMS", "apiVersion", "apiStrict", "apiDeprecationErrors",
]);

function existing(ctx: CommandContext, name: string): Collection {
  const coll = ctx.state.store.find(ctx.db, name);
  if (!coll) throw new CommandError("NamespaceNotFound", `ns does not exist: ${ctx.db}.${name}`);
  return coll;
}

const create: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, "create");
  const db = ctx.state.store.db(ctx.db);
  if (db.get(name)) throw new CommandError("NamespaceExists", `Collection ${ctx.db}.${name} already exists.`);
  const options: Doc = {};
  for (const [k, v] of Object.entries(cmd)) if (k !== "create" && !GENERIC_FIELDS.has(k)) options[k] = v;
  db.ensure(name, options);
  return { ok: 1 };
};

/** Since MongoDB 7.0 dropping a missing collection succeeds. */
const drop: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, "drop");
  const db = ctx.state.store.databases.get(ctx.db);
  const coll = db?.get(name);
  db?.collections.delete(name);
  return { nIndexesWas: coll?.indexes().length ?? 0, ns: `${ctx.db}.${name}`, ok: 1 };
};

const listCollections: CommandHandler = (cmd, ctx) => {
  const db = ctx.state.store.databases.get(ctx.db);
  const matches = matcher(isPlainObject(cmd.filter) ? cmd.filter : undefined);
  const entries: Doc[] = [];
  for (const coll of db?.collections.values() ?? []) {
    const full: Doc = {
      name: coll.name,
      type: "collection",
      options: clone(coll.options),
      info: { readOnly: false, uuid: coll.uuid },
      idIndex: { v: 2, key: { _id: 1 }, name: "_id_" },
    };
    if (!matches(full)) continue;
    entries.push(cmd.nameOnly === true ? { name: coll.name, type: "collection" } : full);
  }
  const cursor = isPlainObject(cmd.cursor) ? cmd.cursor : {};
  return ctx.state.cursors.first(`${ctx.db}.$cmd.listCollections`, entries, { batchSize: cursor.batchSize });
};

function indexSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
    throw new CommandError("FailedToParse", "index specification must contain a non-empty 'key' document");
  }
  const { key, name, v: _v, ns: _ns, ...options } = raw;
  const generated = Object.entries(key).map(([f, d]) => `${f}_${String(d)}`).join("_");
  return { v: 2, key: clone(key), name: typeof name === "string" ? name : generated, ...clone(options) };
}

const createIndexes: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, "createIndexes");
  if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0) {
    throw new CommandError("BadValue", "Must specify at least one index to create");
  }
  const specs = cmd.indexes.map(indexSpec);
  const db = ctx.state.store.db(ctx.db);
  const createdCollectionAutomatically = db.get(name) === undefined;
  const coll = db.ensure(name);
  const numIndexesBefore = coll.indexes().length;
  let created = 0;
  for (const spec of specs) if (coll.createIndex(spec)) created++;
  return {
    numIndexesBefore,
    numIndexesAfter: coll.indexes().length,
    createdCollectionAutomatically,
    ...(created === 0 ? { note: "all indexes already exist" } : {}),
    ok: 1,
  };
};

const listIndexes: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, "listIndexes");
  const specs = existing(ctx, name).indexes().map((i) => clone(i.spec));
  const cursor = isPlainObject(cmd.cursor) ? cmd.cursor : {};
  return ctx.state.cursors.first(`${ctx.db}.${name}`, specs, { batchSize: cursor.batchSize });
};

const dropIndexes: CommandHandler = (cmd, ctx) => {
  const coll = existing(ctx, collectionArg(cmd, "dropIndexes"));
  const nIndexesWas = coll.indexes().length;
  const target = cmd.index;
  if (target === "*") {
    coll.dropAllIndexes();
  } else if (typeof target === "string") {
    coll.dropIndex(target);
  } else if (Array.isArray(target)) {
    for (const indexName of target) coll.dropIndex(String(indexName));
  } else if (isPlainObject(target)) {
    const match = coll.indexes().find((i) => canonical(i.spec.key) === canonical(target));
    if (!match) throw new CommandError("IndexNotFound", `can't find index with key: ${JSON.stringify(target)}`);
    coll.dropIndex(match.name);
  } else {
    throw new CommandError("TypeMismatch", "'index' must be a string, array of strings or a key pattern");
  }
  return { nIndexesWas, ok: 1 };
};

/** renameCollection runs against admin with full namespaces; copies documents and indexes. */
const renameCollection: CommandHandler = (cmd, ctx) => {
  const split = (ns: unknown): [string, string] => {
    const s = String(ns);
    const dot = s.indexOf(".");
    if (dot <= 0) throw new CommandError("InvalidNamespace", `Invalid namespace specified '${s}'`);
    return [s.slice(0, dot), s.slice(dot + 1)];
  };
  const [fromDb, fromColl] = split(cmd.renameCollection);
  const [toDb, toColl] = split(cmd.to);
  const store = ctx.state.store;
  const source = store.find(fromDb, fromColl);
  if (!source) throw new CommandError("NamespaceNotFound", "source namespace does not exist");
  if (store.find(toDb, toColl)) {
    if (cmd.dropTarget !== true) throw new CommandError("NamespaceExists", "target namespace exists");
    store.db(toDb).collections.delete(toColl);
  }
  const target = store.db(toDb).ensure(toColl, source.options);
  for (const index of source.indexes()) if (index.name !== "_id_") target.createIndex(index.spec);
  for (const doc of source.all()) target.insert(doc);
  store.db(fromDb).collections.delete(fromColl);
  return { ok: 1 };
};

export const ddlCommands: Record<string, CommandHandler> = {
  create,
  drop,
  listCollections,
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
  renameCollection,
  collMod: (cmd, ctx) => (existing(ctx, collectionArg(cmd, "collMod")), { ok: 1 }),
};
