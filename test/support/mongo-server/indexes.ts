/**
 * Index definitions. Only unique indexes do work here (they keep a key → owner
 * map and reject duplicates); other indexes are just remembered for
 * listIndexes. Missing fields index as null, sparse indexes skip documents
 * lacking every key field, partial indexes skip documents not matching the
 * filter, and array values are multikey (one key per element).
 */
import { DuplicateKeyError } from "./errors.js";
import { matcher } from "./query.js";
import { canonical, isPlainObject, type Doc } from "./values.js";

export interface IndexSpec extends Doc {
  v: number;
  key: Doc;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
}

interface KeyEntry {
  key: string;
  value: Doc;
}

const MISSING = Symbol("missing");

/** All values a dotted path reaches, descending into arrays of documents. */
export function pathValues(v: unknown, parts: string[]): unknown[] {
  if (parts.length === 0) {
    if (!Array.isArray(v)) return [v];
    return v.length ? v : [undefined];
  }
  if (Array.isArray(v)) return v.flatMap((el) => (isPlainObject(el) ? pathValues(el, parts) : []));
  if (!isPlainObject(v)) return [];
  const [head, ...rest] = parts as [string, ...string[]];
  if (!Object.prototype.hasOwnProperty.call(v, head)) return [];
  return pathValues(v[head], rest);
}

export class Index {
  readonly spec: IndexSpec;
  private readonly owners = new Map<string, string>();
  private readonly partial: ((doc: Doc) => boolean) | undefined;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.partial = spec.partialFilterExpression ? matcher(spec.partialFilterExpression) : undefined;
  }

  get name(): string {
    return this.spec.name;
  }

  /** The `_id_` index enforces uniqueness without saying so in its spec. */
  get unique(): boolean {
    return this.spec.unique === true || this.spec.name === "_id_";
  }

  /** The index keys of a document ([] when the document is not indexed). */
  entries(doc: Doc): KeyEntry[] {
    if (this.partial && !this.partial(doc)) return [];
    const fields = Object.keys(this.spec.key);
    const perField = fields.map((f) => pathValues(doc, f.split(".")));
    if (this.spec.sparse && perField.every((vals) => vals.length === 0)) return [];
    let combos: unknown[][] = [[]];
    for (const vals of perField) {
      const options = vals.length ? vals : [MISSING];
      combos = combos.flatMap((prefix) => options.map((v) => [...prefix, v]));
    }
    const seen = new Map<string, KeyEntry>();
    for (const combo of combos) {
      const values = combo.map((v) => (v === MISSING || v === undefined ? null : v));
      const key = canonical(values);
      if (seen.has(key)) continue;
      const value: Doc = {};
      fields.forEach((f, i) => (value[f] = values[i]));
      seen.set(key, { key, value });
    }
    return [...seen.values()];
  }

  /** Throws E11000 if `doc` (owned by `owner`) would duplicate another document's key. */
  check(doc: Doc, owner: string, ns: string): void {
    if (!this.unique) return;
    for (const { key, value } of this.entries(doc)) {
      const existing = this.owners.get(key);
      if (existing !== undefined && existing !== owner) {
        throw new DuplicateKeyError(ns, this.name, this.spec.key, value);
      }
    }
  }

  add(doc: Doc, owner: string): void {
    if (!this.unique) return;
    for (const { key } of this.entries(doc)) this.owners.set(key, owner);
  }

  remove(doc: Doc, owner: string): void {
    if (!this.unique) return;
    for (const { key } of this.entries(doc)) {
      if (this.owners.get(key) === owner) this.owners.delete(key);
    }
  }
}

/** Options that make two indexes with the same key pattern different. */
export function sameIndexOptions(a: IndexSpec, b: IndexSpec): boolean {
  const relevant = (s: IndexSpec) =>
    canonical([s.unique === true, s.sparse === true, s.partialFilterExpression ?? null, s.expireAfterSeconds ?? null]);
  return relevant(a) === relevant(b);
}

export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: "_id_" };
