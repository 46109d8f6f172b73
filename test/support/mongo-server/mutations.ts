/**
 * The write engine shared by update/delete/findAndModify: pick the target
 * documents, compute new versions (or the upserted document) and hand them to
 * the collection, which enforces unique indexes.
 */
import { applyUpdate, matcher, runFind, upsertSeed, type QueryOptions } from "./query.js";
import type { Collection, Database } from "./store.js";
import { canonical, type Doc } from "./values.js";

export interface UpdateSpec {
  q: Doc;
  u: Doc | Doc[];
  multi?: boolean;
  upsert?: boolean;
  arrayFilters?: Doc[];
  /** Which document a single-document update picks first (findAndModify). */
  sort?: Doc;
}

export interface UpdateOutcome {
  matched: number;
  modified: number;
  /** `_id` of the inserted document when the update upserted. */
  upsertedId?: unknown;
  /** Single-document updates: the document before and after. */
  before?: Doc;
  after?: Doc;
}

/** Documents a filter selects: all of them, or the first one (in sort or natural order). */
export function selectDocs(coll: Collection | undefined, q: Doc, single: boolean, sort?: Doc, opts?: QueryOptions): Doc[] {
  if (!coll) return [];
  const docs = coll.candidates(q, opts?.collation);
  if (single && sort && Object.keys(sort).length) return runFind(docs, { filter: q, sort, limit: 1 }, opts);
  const matches = matcher(q, opts);
  const result: Doc[] = [];
  for (const doc of docs) {
    if (!matches(doc)) continue;
    result.push(doc);
    if (single) break;
  }
  return result;
}

export function updateDocs(db: Database, collName: string, spec: UpdateSpec, opts?: QueryOptions): UpdateOutcome {
  const coll = db.get(collName);
  const single = spec.multi !== true;
  const targets = selectDocs(coll, spec.q, single, spec.sort, opts);
  if (coll && targets.length) {
    let modified = 0;
    let last: { before: Doc; after: Doc } | undefined;
    for (const before of targets) {
      const after = applyUpdate(before, spec.u, { filter: spec.q, arrayFilters: spec.arrayFilters });
      if (canonical(after) !== canonical(before)) {
        coll.replace(before, after);
        modified++;
      }
      last = { before, after };
    }
    return { matched: targets.length, modified, ...(single ? last : {}) };
  }
  if (!spec.upsert) return { matched: 0, modified: 0 };

  const seed = upsertSeed(spec.q);
  const isReplacement = !Array.isArray(spec.u) && !Object.keys(spec.u).some((k) => k.startsWith("$"));
  const base = isReplacement ? (seed._id !== undefined ? { _id: seed._id } : {}) : seed;
  const doc = applyUpdate(base, spec.u, { isInsert: true, arrayFilters: spec.arrayFilters });
  const inserted = db.ensure(collName).insert(doc);
  return { matched: 0, modified: 0, upsertedId: inserted._id, after: inserted };
}

/** Deletes the first (limit 1) or every (limit 0) matching document; returns them. */
export function deleteDocs(coll: Collection | undefined, q: Doc, limit: number, sort?: Doc, opts?: QueryOptions): Doc[] {
  const targets = selectDocs(coll, q, limit === 1, sort, opts);
  for (const doc of targets) coll?.remove(doc);
  return targets;
}
