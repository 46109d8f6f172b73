/**
 * Databases, collections and their documents. Stored documents are never
 * mutated in place: writes replace them with new objects, so cursors can keep
 * references to the documents they matched.
 */
import { ObjectId, UUID } from "bson";
import { CommandError, DuplicateKeyError } from "./errors.js";
import { ID_INDEX_SPEC, Index, sameIndexOptions, type IndexSpec } from "./indexes.js";
import { equalityValues, isPlainPath, Postings, stringRange, type StringRange } from "./postings.js";
import { canonical, idFirst, isPlainObject, type Doc } from "./values.js";

export class Collection {
  readonly uuid = new UUID();
  private readonly docs = new Map<string, Doc>();
  private readonly indexMap = new Map<string, Index>([["_id_", new Index(ID_INDEX_SPEC)]]);
  /** For each field an index names: value → documents (see postings.ts). */
  private readonly postings = new Map<string, Postings>();
  /** Each live document's insertion number: candidates come back in natural order. */
  private readonly order = new Map<string, number>();
  private inserted = 0;

  constructor(
    readonly db: string,
    public name: string,
    readonly options: Doc = {},
  ) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get size(): number {
    return this.docs.size;
  }

  /** Live documents in insertion order. Treat them as read-only. */
  all(): Doc[] {
    return [...this.docs.values()];
  }

  /**
   * The documents that may match `filter`, in natural order: those an equality or a string range on
   * an indexed field (or `_id`) picks, or each branch of an `$or` does, the fewest of them when
   * several do, else all. Callers still test each one. With a collation, all.
   */
  candidates(filter: Doc | undefined, collation?: unknown): Doc[] {
    const best = filter && !collation ? this.narrowest(filter) : undefined;
    if (!best) return this.all();
    if (best.size * Math.log2(best.size + 1) < this.docs.size) {
      return [...best].sort((a, b) => this.order.get(a)! - this.order.get(b)!).map((o) => this.docs.get(o)!);
    }
    // Many of them: one pass in natural order (the map's own order) beats sorting them.
    const out: Doc[] = [];
    for (const [owner, doc] of this.docs) if (best.has(owner)) out.push(doc);
    return out;
  }

  /**
   * Owners of every document that can match `filter` as an index finds them; undefined = no index helps.
   * The set of a string range or an `$or` is built only when it may hold fewer documents than the best
   * so far: `{ userId, $or: [..., { fileName: { $gt, $lt } }, ...] }` (a backup's batch) built a range
   * over every user's names, most of the server's time in it, when userId had picked a dozen documents.
   */
  private narrowest(filter: Doc): Set<string> | undefined {
    let best: Set<string> | undefined;
    const later: { fewest: number; build: () => Set<string> | undefined }[] = [];
    for (const [field, cond] of Object.entries(filter)) {
      const range = field === "$or" ? undefined : this.indexedRange(field, cond);
      if (field === "$or") later.push({ fewest: this.fewestOfAny(cond), build: () => this.anyOf(cond) });
      else if (range) later.push({ fewest: range.postings.fewestInRange(range.range), build: () => range.postings.ownersInRange(range.range) });
      else {
        const owners = this.ownersFor(field, cond);
        if (owners && (!best || owners.size < best.size)) best = owners;
      }
    }
    later.sort((a, b) => (a.fewest === b.fewest ? 0 : a.fewest < b.fewest ? -1 : 1));
    for (const { fewest, build } of later) {
      if (best && fewest >= best.size) break;
      const owners = build();
      if (owners && (!best || owners.size < best.size)) best = owners;
    }
    return best;
  }

  /** The fewest documents `narrowest(filter)` can pick, building no range's or `$or`'s set (Infinity: no index narrows it). */
  private fewest(filter: Doc): number {
    let fewest = Infinity;
    for (const [field, cond] of Object.entries(filter)) {
      const range = field === "$or" ? undefined : this.indexedRange(field, cond);
      const n =
        field === "$or" ? this.fewestOfAny(cond) : range ? range.postings.fewestInRange(range.range) : (this.ownersFor(field, cond)?.size ?? Infinity);
      fewest = Math.min(fewest, n);
    }
    return fewest;
  }

  /** An `$or` picks at least as many as its largest branch; Infinity when a branch has no index (then it narrows nothing). */
  private fewestOfAny(branches: unknown): number {
    if (!Array.isArray(branches) || !branches.length) return Infinity;
    let most = 0;
    for (const branch of branches) most = Math.max(most, isPlainObject(branch) ? this.fewest(branch) : Infinity);
    return most;
  }

  /** An equality on an indexed field (or `_id`): the documents holding one of its values. */
  private ownersFor(field: string, cond: unknown): Set<string> | undefined {
    if (!isPlainPath(field)) return undefined;
    const values = equalityValues(cond);
    if (!values) return undefined;
    if (field === "_id") return new Set(values.map(canonical).filter((o) => this.docs.has(o)));
    return this.postings.get(field)?.owners(values);
  }

  /** A string range on an indexed field, with that field's postings. */
  private indexedRange(field: string, cond: unknown): { postings: Postings; range: StringRange } | undefined {
    if (!isPlainPath(field) || equalityValues(cond)) return undefined;
    const range = stringRange(cond);
    const postings = range && this.postings.get(field);
    return range && postings ? { postings, range } : undefined;
  }

  /** `$or`: the union of its branches, when an index narrows every one of them. */
  private anyOf(branches: unknown): Set<string> | undefined {
    if (!Array.isArray(branches) || !branches.length) return undefined;
    const out = new Set<string>();
    for (const branch of branches) {
      const owners = isPlainObject(branch) ? this.narrowest(branch) : undefined;
      if (!owners) return undefined;
      for (const owner of owners) out.add(owner);
    }
    return out;
  }

  indexes(): Index[] {
    return [...this.indexMap.values()];
  }

  /** Inserts a document (given ownership of it), adding an ObjectId `_id` if missing. */
  insert(input: Doc): Doc {
    const { _id, ...rest } = input;
    const doc = _id === undefined ? { _id: new ObjectId(), ...rest } : idFirst(input);
    if (Array.isArray(doc._id)) throw new CommandError("InvalidIdField", "can't use an array for _id");
    const owner = canonical(doc._id);
    // Index.check() lets a document keep its own keys, so a reused _id needs its own test.
    if (this.docs.has(owner)) throw new DuplicateKeyError(this.ns, "_id_", { _id: 1 }, { _id: doc._id });
    for (const index of this.indexMap.values()) index.check(doc, owner, this.ns);
    for (const index of this.indexMap.values()) index.add(doc, owner);
    for (const p of this.postings.values()) p.add(doc, owner);
    this.docs.set(owner, doc);
    this.order.set(owner, this.inserted++);
    return doc;
  }

  /** Replaces a stored document with a new version that has the same `_id`. */
  replace(oldDoc: Doc, newDoc: Doc): void {
    const owner = canonical(oldDoc._id);
    if (canonical(newDoc._id) !== owner) {
      throw new CommandError(
        "ImmutableField",
        "Performing an update on the path '_id' would modify the immutable field '_id'",
      );
    }
    for (const index of this.indexMap.values()) index.check(newDoc, owner, this.ns);
    for (const index of this.indexMap.values()) index.remove(oldDoc, owner);
    for (const index of this.indexMap.values()) index.add(newDoc, owner);
    for (const p of this.postings.values()) {
      p.remove(oldDoc, owner);
      p.add(newDoc, owner);
    }
    this.docs.set(owner, newDoc);
  }

  remove(doc: Doc): void {
    const owner = canonical(doc._id);
    if (!this.docs.has(owner)) return;
    for (const index of this.indexMap.values()) index.remove(doc, owner);
    for (const p of this.postings.values()) p.remove(doc, owner);
    this.docs.delete(owner);
    this.order.delete(owner);
  }

  /** Creates an index; returns false when an identical one already exists. */
  createIndex(spec: IndexSpec): boolean {
    const keyString = canonical(spec.key);
    const byName = this.indexMap.get(spec.name);
    if (byName) {
      if (canonical(byName.spec.key) === keyString && sameIndexOptions(byName.spec, spec)) return false;
      throw new CommandError(
        "IndexKeySpecsConflict",
        `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName.spec)}`,
      );
    }
    const byKey = this.indexes().find((i) => canonical(i.spec.key) === keyString && sameIndexOptions(i.spec, spec));
    if (byKey) {
      throw new CommandError("IndexOptionsConflict", `Index already exists with a different name: ${byKey.name}`);
    }
    const index = new Index(spec);
    for (const doc of this.docs.values()) {
      const owner = canonical(doc._id);
      index.check(doc, owner, this.ns);
      index.add(doc, owner);
    }
    this.indexMap.set(spec.name, index);
    for (const field of Object.keys(spec.key)) {
      if (field === "_id" || !isPlainPath(field) || this.postings.has(field)) continue;
      const postings = new Postings(field);
      for (const [owner, doc] of this.docs) postings.add(doc, owner);
      this.postings.set(field, postings);
    }
    return true;
  }

  dropIndex(name: string): void {
    if (name === "_id_") throw new CommandError("InvalidOptions", "cannot drop _id index");
    if (!this.indexMap.delete(name)) throw new CommandError("IndexNotFound", `index not found with name [${name}]`);
  }

  dropAllIndexes(): void {
    for (const name of [...this.indexMap.keys()]) if (name !== "_id_") this.indexMap.delete(name);
  }
}

export class Database {
  readonly collections = new Map<string, Collection>();
  constructor(readonly name: string) {}

  get(name: string): Collection | undefined {
    return this.collections.get(name);
  }

  /** Returns the collection, creating it implicitly (like inserts do). */
  ensure(name: string, options: Doc = {}): Collection {
    let coll = this.collections.get(name);
    if (!coll) {
      validateCollectionName(name);
      coll = new Collection(this.name, name, options);
      this.collections.set(name, coll);
    }
    return coll;
  }
}

export class Store {
  readonly databases = new Map<string, Database>();

  db(name: string): Database {
    let db = this.databases.get(name);
    if (!db) {
      validateDbName(name);
      db = new Database(name);
      this.databases.set(name, db);
    }
    return db;
  }

  /** Looks a collection up without creating anything. */
  find(db: string, coll: string): Collection | undefined {
    return this.databases.get(db)?.get(coll);
  }
}

function validateCollectionName(name: string): void {
  if (!name || name.includes("\0") || name.startsWith(".") || (name.includes("$") && !name.startsWith("system."))) {
    throw new CommandError("InvalidNamespace", `Invalid collection name: ${name}`);
  }
}

function validateDbName(name: string): void {
  if (!name || /[/\\. "$\0]/.test(name) || name.length > 63) {
    throw new CommandError("InvalidNamespace", `Invalid database name: '${name}'`);
  }
}
