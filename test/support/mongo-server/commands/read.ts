/** find / getMore / killCursors / count / distinct / aggregate. */
import { resolve } from "mingo/util";
import { CommandError } from "../errors.js";
import { matcher, runFind, runPipeline } from "../query.js";
import { canonical, clone, isPlainObject, num, type Doc } from "../values.js";
import { filterInTurns, mapInTurns } from "../turns.js";
import { collectionArg, docArg, queryOptions, type CommandContext, type CommandHandler } from "./context.js";

/**
 * The candidates that pass `filter`, tested in turns (turns.ts): a scan of a large collection
 * lets other connections' commands run in between, as mongod's yielding reads do.
 */
function matching(candidates: Doc[], filter: Doc | undefined, ctx: CommandContext, cmd: Doc): Promise<Doc[]> | Doc[] {
  if (!filter || Object.keys(filter).length === 0) return candidates;
  return filterInTurns(candidates, matcher(filter, queryOptions(ctx, cmd)));
}

const find: CommandHandler = async (cmd, ctx) => {
  const name = collectionArg(cmd, "find");
  const coll = ctx.state.store.find(ctx.db, name);
  const limit = num(cmd.limit);
  const filter = docArg(cmd, "filter");
  const docs = coll
    ? runFind(
        await matching(coll.candidates(filter, cmd.collation), filter, ctx, cmd),
        {
          filter,
          sort: docArg(cmd, "sort"),
          projection: docArg(cmd, "projection"),
          skip: num(cmd.skip),
          limit,
        },
        queryOptions(ctx, cmd),
      )
    : [];
  return ctx.state.cursors.first(`${ctx.db}.${name}`, docs, {
    batchSize: cmd.batchSize,
    singleBatch: cmd.singleBatch === true || limit < 0,
  });
};

const getMore: CommandHandler = (cmd, ctx) => ctx.state.cursors.more(cmd.getMore, cmd.batchSize);

const killCursors: CommandHandler = (cmd, ctx) =>
  ctx.state.cursors.kill(Array.isArray(cmd.cursors) ? cmd.cursors : []);

const count: CommandHandler = async (cmd, ctx) => {
  const name = collectionArg(cmd, "count");
  const coll = ctx.state.store.find(ctx.db, name);
  if (!coll) return { n: 0, ok: 1 };
  const query = docArg(cmd, "query");
  let n = query && Object.keys(query).length ? (await matching(coll.candidates(query, cmd.collation), query, ctx, cmd)).length : coll.size;
  n = Math.max(0, n - num(cmd.skip));
  const limit = Math.abs(num(cmd.limit));
  return { n: limit ? Math.min(n, limit) : n, ok: 1 };
};

const distinct: CommandHandler = async (cmd, ctx) => {
  const name = collectionArg(cmd, "distinct");
  const key = cmd.key;
  if (typeof key !== "string") throw new CommandError("TypeMismatch", "'key' must be a string");
  const coll = ctx.state.store.find(ctx.db, name);
  const query = docArg(cmd, "query");
  const seen = new Map<string, unknown>();
  for (const doc of await matching(coll?.candidates(query, cmd.collation) ?? [], query, ctx, cmd)) {
    const value = resolve(doc, key, { unwrapArray: true });
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === undefined) continue;
      const k = canonical(v);
      if (!seen.has(k)) seen.set(k, v);
    }
  }
  return { values: [...seen.values()], ok: 1 };
};

/** `$out` is applied here (mingo cannot write into our store); `$merge` is not supported. */
function splitOut(pipeline: Doc[], db: string): { stages: Doc[]; out?: { db: string; coll: string } } {
  const last = pipeline[pipeline.length - 1];
  if (pipeline.some((s) => "$merge" in s)) {
    throw new CommandError("BadValue", "$merge is not supported by the in-process test server");
  }
  if (!last || !("$out" in last)) return { stages: pipeline };
  const target = last.$out;
  const out = isPlainObject(target)
    ? { db: String(target.db ?? db), coll: String(target.coll) }
    : { db, coll: String(target) };
  return { stages: pipeline.slice(0, -1), out };
}

const aggregate: CommandHandler = async (cmd, ctx) => {
  const pipeline = cmd.pipeline;
  if (!Array.isArray(pipeline) || !pipeline.every(isPlainObject)) {
    throw new CommandError("TypeMismatch", "'pipeline' option must be specified as an array");
  }
  if (pipeline.length && "$changeStream" in pipeline[0]!) {
    // This server is a standalone: answer as one does (it has no oplog to watch).
    throw new CommandError("Location40573", "The $changeStream stage is only supported on replica sets");
  }
  const dbLevel = cmd.aggregate === 1;
  const name = dbLevel ? "$cmd.aggregate" : collectionArg(cmd, "aggregate");
  const coll = dbLevel ? undefined : ctx.state.store.find(ctx.db, name);
  // A leading $match is applied here, in turns, instead of in the pipeline: only the documents that
  // pass it are copied, not the whole collection, as mongod reads only what its index matches.
  const first = pipeline[0];
  const leading = first && Object.keys(first).length === 1 && isPlainObject(first.$match) ? first.$match : undefined;
  const input = await matching(coll?.candidates(leading, cmd.collation) ?? [], leading, ctx, cmd);
  const { stages, out } = splitOut(pipeline, ctx.db);
  // Copied in turns too: cloning thousands of documents (with their contents) was the longest stretch.
  const rest = leading ? stages.slice(1) : stages;
  const results = await runPipeline(await mapInTurns(input, clone), rest, queryOptions(ctx, cmd));
  if (out) {
    const targetDb = ctx.state.store.db(out.db);
    const existing = targetDb.get(out.coll);
    const specs = existing?.indexes().map((i) => i.spec) ?? [];
    targetDb.collections.delete(out.coll);
    const target = targetDb.ensure(out.coll);
    for (const spec of specs) if (spec.name !== "_id_") target.createIndex(spec);
    for (const doc of results) target.insert(clone(doc));
    return ctx.state.cursors.first(`${ctx.db}.${name}`, [], {});
  }
  const cursorOpts = docArg(cmd, "cursor") ?? {};
  return ctx.state.cursors.first(`${ctx.db}.${name}`, results, { batchSize: cursorOpts.batchSize });
};

export const readCommands: Record<string, CommandHandler> = {
  find,
  getMore,
  killCursors,
  count,
  distinct,
  aggregate,
};
