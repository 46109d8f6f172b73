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

/** String bounds a condition sets (`{ $gt: "a", $lte: "m" }`): only range operators, all on strings. */
export interface StringRange {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
}

const RANGE_OPERATORS = new Set(["$gt", "$gte", "$lt", "$lte"]);

export function stringRange(cond: unknown): StringRange | undefined {
  if (!isPlainObject(cond)) return undefined;
  const keys = Object.keys(cond);
  if (!keys.length || !keys.every((k) => RANGE_OPERATORS.has(k) && typeof cond[k] === "string")) return undefined;
  return Object.fromEntries(keys.map((k) => [k.slice(1), cond[k]])) as StringRange;
}

/** Index of the first element of sorted `list` that is not below `value` (`orEqual` = above). */
function lowerBound(list: string[], value: string, orEqual = false): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < value || (orEqual && list[mid] === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A field path the postings can serve: no operators, no array positions. */
export function isPlainPath(field: string): boolean {
  return !field.startsWith("$") && !field.split(".").some((part) => /^\d+$/.test(part));
}

/**
 * value (canonical) → owners, for one field path, and the field's string values in order (the
 * sorted part of a mongod index, for `$gt`/`$lt` ranges); kept up to date with every write.
 */
export class Postings {
  private readonly byValue = new Map<string, Set<string>>();
  /** Distinct string values held, sorted as JavaScript (and so mingo, which tests them) compares them. */
  private readonly strings: string[] = [];
  /**
   * Some document held several values here. Then, as on a multikey mongod index, a range's bounds
   * cannot be combined: `{ $gt: "b", $lt: "d" }` matches ["a", "e"] (one element above, one below).
   */
  private multikey = false;
  private readonly parts: string[];

  constructor(readonly field: string) {
    this.parts = field.split(".");
  }

  private values(doc: Doc): unknown[] {
    return pathValues(doc, this.parts).filter((v) => v !== undefined && v !== null);
  }

  add(doc: Doc, owner: string): void {
    const values = this.values(doc);
    if (values.length > 1) this.multikey = true;
    for (const value of values) {
      const key = canonical(value);
      let owners = this.byValue.get(key);
      if (!owners) {
        this.byValue.set(key, (owners = new Set()));
        if (typeof value === "string") this.strings.splice(lowerBound(this.strings, value), 0, value);
      }
      owners.add(owner);
    }
  }

  remove(doc: Doc, owner: string): void {
    for (const value of this.values(doc)) {
      const key = canonical(value);
      const owners = this.byValue.get(key);
      owners?.delete(owner);
      if (owners?.size !== 0) continue;
      this.byValue.delete(key);
      if (typeof value === "string") this.strings.splice(lowerBound(this.strings, value), 1);
    }
  }

  /** Where `range` starts and ends in the sorted strings (multikey with a lower bound: to the end). */
  private rangeBounds(range: StringRange): { start: number; end: number } {
    const list = this.strings;
    const start = range.gt !== undefined ? lowerBound(list, range.gt, true) : range.gte !== undefined ? lowerBound(list, range.gte) : 0;
    const hasLower = range.gt !== undefined || range.gte !== undefined;
    const end =
      this.multikey && hasLower
        ? list.length
        : range.lt !== undefined
          ? lowerBound(list, range.lt)
          : range.lte !== undefined
            ? lowerBound(list, range.lte, true)
            : list.length;
    return { start, end };
  }

  /**
   * The fewest documents `range` can find, without building their set: each distinct value has an
   * owner, and (one value per document) no two values share one. Multikey: one document may hold them all.
   */
  fewestInRange(range: StringRange): number {
    const { start, end } = this.rangeBounds(range);
    if (end <= start) return 0;
    return this.multikey ? 1 : end - start;
  }

  /** Owners of the documents holding a string inside `range` at this field (multikey: above its lower bound). */
  ownersInRange(range: StringRange): Set<string> {
    const { start, end } = this.rangeBounds(range);
    const out = new Set<string>();
    for (let i = start; i < end; i++) for (const owner of this.byValue.get(canonical(this.strings[i])) ?? []) out.add(owner);
    return out;
  }

  /** Owners of the documents holding any of `values` at this field. Read at once: it may be the live set. */
  owners(values: unknown[]): Set<string> {
    if (values.length === 1) return this.byValue.get(canonical(values[0])) ?? new Set();
    const out = new Set<string>();
    for (const v of values) for (const owner of this.byValue.get(canonical(v)) ?? []) out.add(owner);
    return out;
  }
}
