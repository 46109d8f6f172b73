/**
 * Which documents can match a filter, found roughly the way mongod's indexes find them: for each
 * field an index names, value → the documents holding it. Only a narrowing: the query engine (mingo)
 * still tests every candidate, so the answer never changes, only how many documents are looked at.
 * Without it every find, count, update and delete scans (and an aggregate clones) the whole
 * collection, and one user's lookup slows down with every other user's data.
 */
import { ObjectId } from "bson";
import { pathValues } from "./indexes.js";
import { canonical, isPlainObject, type Doc } from "./values.js";

/** Values whose canonical form matches exactly the documents MongoDB's equality matches (collation aside). */
function isIndexable(v: unknown): boolean {
  return typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)) || v instanceof ObjectId;
}

/** The values a filter condition asks a field to equal (`v`, `{$eq: v}`, `{$in: [...]}`), or undefined. */
export function equalityValues(cond: unknown): unknown[] | undefined {
  if (isIndexable(cond)) return [cond];
  if (!isPlainObject(cond)) return undefined;
  const keys = Object.keys(cond);
  if (keys.length !== 1) return undefined;
  if (keys[0] === "$eq" && isIndexable(cond.$eq)) return [cond.$eq];
  if (keys[0] === "$in" && Array.isArray(cond.$in) && cond.$in.every(isIndexable)) return cond.$in;
  return undefined;
}

/** A field path the postings can serve: no operators, no array positions. */
export function isPlainPath(field: string): boolean {
  return !field.startsWith("$") && !field.split(".").some((part) => /^\d+$/.test(part));
}

/** value (canonical) → owners, for one field path; kept up to date with every write. */
export class Postings {
  private readonly byValue = new Map<string, Set<string>>();
  private readonly parts: string[];

  constructor(readonly field: string) {
    this.parts = field.split(".");
  }

  private keys(doc: Doc): string[] {
    return pathValues(doc, this.parts)
      .filter((v) => v !== undefined && v !== null)
      .map(canonical);
  }

  add(doc: Doc, owner: string): void {
    for (const key of this.keys(doc)) {
      let owners = this.byValue.get(key);
      if (!owners) this.byValue.set(key, (owners = new Set()));
      owners.add(owner);
    }
  }

  remove(doc: Doc, owner: string): void {
    for (const key of this.keys(doc)) {
      const owners = this.byValue.get(key);
      owners?.delete(owner);
      if (owners?.size === 0) this.byValue.delete(key);
    }
  }

  /** Owners of the documents holding any of `values` at this field. */
  owners(values: unknown[]): Set<string> {
    const out = new Set<string>();
    for (const v of values) for (const owner of this.byValue.get(canonical(v)) ?? []) out.add(owner);
    return out;
  }
}
