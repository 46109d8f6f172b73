/**
 * Query, projection, sort, aggregation and update evaluation, delegated to
 * mingo. mingo compares Dates by time and ObjectIds (and other BSON classes)
 * by their toString(), which matches MongoDB for equality and ObjectId order.
 */
import { Timestamp } from "bson";
import { Aggregator } from "mingo/aggregator";
import { ProcessingMode } from "mingo/core";
import { Query } from "mingo/query";
import type { AnyObject, CollationSpec, Options } from "mingo/types";
import { updateOne, type PipelineStage, type Modifier } from "mingo/updater";
import { CommandError } from "./errors.js";
import { QUERY_CONTEXT } from "./membership.js";
import { pause } from "./turns.js";
import { canonical, clone, idFirst, isPlainObject, num, setPath, type Doc } from "./values.js";

export interface QueryOptions {
  collation?: Doc;
  /** Resolves other collections of the same database (for $lookup etc.). */
  resolveCollection?: (name: string) => Doc[];
}

/** Base mingo classes with our operator context (the "mingo" entry point's context would win over it). */
function mingoOptions(opts: QueryOptions = {}): Partial<Options> {
  return {
    context: QUERY_CONTEXT,
    idKey: "_id",
    useStrictMode: true,
    ...(opts.collation?.locale ? { collation: opts.collation as unknown as CollationSpec } : {}),
    ...(opts.resolveCollection ? { collectionResolver: opts.resolveCollection as (n: string) => AnyObject[] } : {}),
  };
}

export function matcher(filter: Doc | undefined, opts?: QueryOptions): (doc: Doc) => boolean {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  const query = new Query(filter, mingoOptions(opts));
  return (doc) => query.test(doc);
}

export interface FindSpec {
  filter?: Doc;
  sort?: Doc;
  projection?: Doc;
  skip?: number;
  /** 0 = no limit. */
  limit?: number;
}

export function runFind(docs: Doc[], spec: FindSpec, opts?: QueryOptions): Doc[] {
  let source = docs;
  const sort: Record<string, 1 | -1> = {};
  for (const [field, dir] of Object.entries(spec.sort ?? {})) {
    if (field === "$natural") {
      if (num(dir) < 0) source = [...docs].reverse();
    } else if (!isPlainObject(dir)) {
      sort[field] = num(dir) < 0 ? -1 : 1;
    }
  }
  const cursor = new Query((spec.filter ?? {}) as AnyObject, mingoOptions(opts)).find(source);
  if (Object.keys(sort).length) cursor.sort(sort);
  if (spec.skip) cursor.skip(spec.skip);
  if (spec.limit) cursor.limit(Math.abs(spec.limit));
  return projectAll(cursor.all() as Doc[], spec.projection);
}

/** Puts projected fields back in the source document's order (`_id` first), as mongod does. */
function orderLike(projected: Doc, source: Doc, top: boolean): Doc {
  const out: Doc = {};
  if (top && "_id" in projected) out._id = projected._id;
  for (const key of Object.keys(source)) {
    if (!(key in projected) || key in out) continue;
    const [p, s] = [projected[key], source[key]];
    out[key] = isPlainObject(p) && isPlainObject(s) ? orderLike(p, s, false) : p;
  }
  for (const key of Object.keys(projected)) if (!(key in out)) out[key] = projected[key];
  return out;
}

/** Applies a find-style projection (on copies: mingo may edit nested values in place). */
export function projectAll(docs: Doc[], projection: Doc | undefined): Doc[] {
  if (!projection || Object.keys(projection).length === 0) return docs;
  const aggregator = new Aggregator([{ $project: projection }], {
    ...mingoOptions(),
    processingMode: ProcessingMode.CLONE_INPUT,
  });
  const projected = aggregator.run(docs) as Doc[];
  return projected.map((p, i) => orderLike(p, docs[i] as Doc, true));
}

export function project(doc: Doc, projection: Doc | undefined): Doc {
  return projectAll([doc], projection)[0] as Doc;
}

/** Stages that look at one document at a time: they can run on part of the input, then the rest. */
const PER_DOCUMENT_STAGES = new Set(["$match", "$project", "$addFields", "$set", "$unset", "$replaceRoot", "$replaceWith"]);
const DOCUMENTS_PER_TURN_CHECK = 200;

/**
 * Runs `pipeline` over `copies`, which it may change: the caller's copies, never stored documents.
 * Its leading per-document stages run a part of the input at a time, giving other connections
 * their turns (turns.ts) in between; from the first stage that needs every document ($sort,
 * $group, ...) it runs at once.
 */
export async function runPipeline(copies: Doc[], pipeline: Doc[], opts?: QueryOptions): Promise<Doc[]> {
  const options = { ...mingoOptions(opts), processingMode: ProcessingMode.CLONE_OFF };
  let split = pipeline.findIndex((stage) => !PER_DOCUMENT_STAGES.has(Object.keys(stage)[0] ?? ""));
  if (split < 0) split = pipeline.length;
  let docs = copies;
  if (split > 0) {
    const perDocument = new Aggregator(pipeline.slice(0, split), options);
    docs = [];
    for (let i = 0; i < copies.length; i += DOCUMENTS_PER_TURN_CHECK) {
      await pause();
      for (const doc of perDocument.run(copies.slice(i, i + DOCUMENTS_PER_TURN_CHECK))) docs.push(doc as Doc);
    }
  }
  const results = split < pipeline.length ? (new Aggregator(pipeline.slice(split), options).run(docs) as Doc[]) : docs;
  // mingo's $project/$group put computed fields before `_id`; mongod puts `_id` first.
  return results.map((d) => ("_id" in d ? idFirst(d) : d));
}

export function isOperatorUpdate(update: Doc): boolean {
  const keys = Object.keys(update);
  const ops = keys.filter((k) => k.startsWith("$"));
  if (ops.length && ops.length !== keys.length) {
    const bad = keys.find((k) => !k.startsWith("$"));
    throw new CommandError("FailedToParse", `Unknown modifier: ${bad}. Expected a valid update modifier or pipeline-style update`);
  }
  return ops.length > 0;
}

/** $setOnInsert only applies to upserts; $currentDate is made concrete. */
function normalizeModifier(update: Doc, isInsert: boolean): Doc {
  const { $setOnInsert, $currentDate, ...rest } = update as Doc & { $setOnInsert?: Doc; $currentDate?: Doc };
  const set: Doc = { ...((rest.$set as Doc | undefined) ?? {}) };
  if (isInsert && $setOnInsert) Object.assign(set, $setOnInsert);
  for (const [path, spec] of Object.entries($currentDate ?? {})) {
    const wantsTimestamp = isPlainObject(spec) && spec.$type === "timestamp";
    set[path] = wantsTimestamp ? Timestamp.fromBits(0, Math.floor(Date.now() / 1000)) : new Date();
  }
  if (Object.keys(set).length || rest.$set) rest.$set = set;
  return rest;
}

function usesPositional(modifier: Doc): boolean {
  return Object.values(modifier).some(
    (fields) => isPlainObject(fields) && Object.keys(fields).some((p) => /(^|\.)\$(\.|$)/.test(p)),
  );
}

export interface UpdateContext {
  /** The filter that matched (needed for the positional `$` operator). */
  filter?: Doc;
  arrayFilters?: Doc[];
  /** True when building an upserted document. */
  isInsert?: boolean;
}

/** Returns the updated copy of `doc` (replacement, operator or pipeline update). */
export function applyUpdate(doc: Doc, update: Doc | Doc[], ctx: UpdateContext = {}): Doc {
  if (Array.isArray(update)) {
    const docs = [clone(doc)];
    updateOne(docs, {}, update as unknown as PipelineStage[], {}, mingoOptions());
    return docs[0] as Doc;
  }
  if (!isOperatorUpdate(update)) {
    const { _id, ...fields } = clone(update);
    if (_id !== undefined && doc._id !== undefined && canonical(_id) !== canonical(doc._id)) {
      throw new CommandError(
        "ImmutableField",
        "Performing an update on the path '_id' would modify the immutable field '_id'",
      );
    }
    const id = doc._id !== undefined ? doc._id : _id;
    return id === undefined ? fields : { _id: id, ...fields };
  }
  const modifier = normalizeModifier(update, ctx.isInsert === true);
  const copy = clone(doc);
  if (Object.keys(modifier).length === 0) return copy;
  const condition = !ctx.isInsert && ctx.filter && usesPositional(modifier) ? ctx.filter : {};
  updateOne(
    [copy],
    condition as AnyObject,
    modifier as Modifier<AnyObject>,
    { arrayFilters: ctx.arrayFilters as AnyObject[] | undefined, cloneMode: "deep" },
    mingoOptions(),
  );
  return copy;
}

/** The document an upsert starts from: the equality conditions of its filter. */
export function upsertSeed(filter: Doc | undefined): Doc {
  const seed: Doc = {};
  const collect = (f: Doc) => {
    for (const [key, value] of Object.entries(f)) {
      if (key === "$and" && Array.isArray(value)) {
        value.filter(isPlainObject).forEach(collect);
      } else if (key.startsWith("$") || value instanceof RegExp) {
        continue;
      } else if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith("$"))) {
        if ("$eq" in value) setPath(seed, key, clone(value.$eq));
        else if (Array.isArray(value.$in) && value.$in.length === 1) setPath(seed, key, clone(value.$in[0]));
      } else {
        setPath(seed, key, clone(value));
      }
    }
  };
  if (filter) collect(filter);
  return seed;
}

