/**
 * insert / update / delete (batched, ordered or not, per-item writeErrors)
 * and findAndModify (single document, errors fail the whole command).
 */
import { carryTyped } from "../doubles.js";
import { CommandError, writeError } from "../errors.js";
import { deleteDocs, updateDocs, type UpdateSpec } from "../mutations.js";
import { project } from "../query.js";
import { pause } from "../turns.js";
import { isPlainObject, num, type Doc } from "../values.js";
import { collectionArg, docArg, queryOptions, type CommandHandler } from "./context.js";

function batchArg(cmd: Doc, key: string): Doc[] {
  const items = cmd[key];
  if (!Array.isArray(items) || !items.every(isPlainObject)) {
    throw new CommandError("TypeMismatch", `BSON field '${key}' is missing or is not an array of documents`);
  }
  return items;
}

/**
 * Runs `apply` for each item; ordered batches stop at the first error. Between items it may give
 * other connections a turn (turns.ts): like mongod, a batch is not atomic, each item is. `apply`
 * looks its collection up each time, since a pause may have let another client drop it.
 */
async function runBatch(cmd: Doc, items: Doc[], apply: (item: Doc, index: number) => void): Promise<Doc[]> {
  const errors: Doc[] = [];
  const ordered = cmd.ordered !== false;
  for (let i = 0; i < items.length; i++) {
    await pause();
    try {
      apply(items[i] as Doc, i);
    } catch (err) {
      errors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  return errors;
}

function withWriteErrors(reply: Doc, errors: Doc[]): Doc {
  return errors.length ? { ...reply, writeErrors: errors, ok: 1 } : { ...reply, ok: 1 };
}

const insert: CommandHandler = async (cmd, ctx) => {
  const name = collectionArg(cmd, "insert");
  const documents = batchArg(cmd, "documents");
  ctx.state.store.db(ctx.db).ensure(name); // a bad name fails the command, not each document
  let n = 0;
  const errors = await runBatch(cmd, documents, (doc) => {
    carryTyped(doc, ctx.state.store.db(ctx.db).ensure(name).insert(doc));
    n++;
  });
  return withWriteErrors({ n }, errors);
};

function updateSpec(item: Doc): UpdateSpec {
  const u = item.u;
  if (!isPlainObject(u) && !Array.isArray(u)) throw new CommandError("FailedToParse", "update 'u' must be a document or pipeline");
  return {
    q: docArg(item, "q") ?? {},
    u,
    multi: item.multi === true,
    upsert: item.upsert === true,
    arrayFilters: Array.isArray(item.arrayFilters) ? (item.arrayFilters as Doc[]) : undefined,
    sort: docArg(item, "sort"),
  };
}

const update: CommandHandler = async (cmd, ctx) => {
  const name = collectionArg(cmd, "update");
  ctx.state.store.db(ctx.db); // a bad database name fails the command, not each statement
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  const errors = await runBatch(cmd, batchArg(cmd, "updates"), (item, index) => {
    const spec = updateSpec(item);
    if (spec.multi && !Array.isArray(spec.u) && !Object.keys(spec.u).some((k) => k.startsWith("$"))) {
      throw new CommandError("FailedToParse", "multi update is not supported for replacement-style update");
    }
    const outcome = updateDocs(ctx.state.store.db(ctx.db), name, spec, queryOptions(ctx, item));
    n += outcome.matched;
    nModified += outcome.modified;
    if (outcome.upsertedId !== undefined) {
      n++;
      upserted.push({ index, _id: outcome.upsertedId });
    }
  });
  return withWriteErrors({ n, nModified, ...(upserted.length ? { upserted } : {}) }, errors);
};

const del: CommandHandler = async (cmd, ctx) => {
  const name = collectionArg(cmd, "delete");
  let n = 0;
  const errors = await runBatch(cmd, batchArg(cmd, "deletes"), (item) => {
    const limit = num(item.limit);
    if (limit !== 0 && limit !== 1) throw new CommandError("FailedToParse", "The limit field in delete objects must be 0 or 1");
    n += deleteDocs(ctx.state.store.find(ctx.db, name), docArg(item, "q") ?? {}, limit, undefined, queryOptions(ctx, item)).length;
  });
  return withWriteErrors({ n }, errors);
};

const findAndModify: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, Object.keys(cmd)[0] as string);
  const db = ctx.state.store.db(ctx.db);
  const query = docArg(cmd, "query") ?? {};
  const sort = docArg(cmd, "sort");
  const fields = docArg(cmd, "fields");
  const opts = queryOptions(ctx, cmd);
  const shape = (doc: Doc | undefined) => (doc ? project(doc, fields) : null);

  if (cmd.remove === true) {
    if (cmd.update !== undefined) throw new CommandError("FailedToParse", "Cannot specify both an update and remove=true");
    const [removed] = deleteDocs(db.get(name), query, 1, sort, opts);
    return { lastErrorObject: { n: removed ? 1 : 0 }, value: shape(removed), ok: 1 };
  }
  const u = cmd.update;
  if (!isPlainObject(u) && !Array.isArray(u)) {
    throw new CommandError("FailedToParse", "Either an update or remove=true must be specified");
  }
  const outcome = updateDocs(
    db,
    name,
    {
      q: query,
      u,
      upsert: cmd.upsert === true,
      sort,
      arrayFilters: Array.isArray(cmd.arrayFilters) ? (cmd.arrayFilters as Doc[]) : undefined,
    },
    opts,
  );
  const upserted = outcome.upsertedId !== undefined;
  const lastErrorObject: Doc = { n: outcome.matched || (upserted ? 1 : 0), updatedExisting: outcome.matched > 0 };
  if (upserted) lastErrorObject.upserted = outcome.upsertedId;
  const value = cmd.new === true ? outcome.after : outcome.before;
  return { lastErrorObject, value: shape(value), ok: 1 };
};

export const writeCommands: Record<string, CommandHandler> = {
  insert,
  update,
  delete: del,
  findAndModify,
  findandmodify: findAndModify,
};
