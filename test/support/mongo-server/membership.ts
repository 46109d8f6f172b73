/**
 * The mingo operator context the server evaluates queries with: every mingo
 * operator, except that the `$in` and `$nin` query operators are replaced.
 *
 * mingo's own `$in` hashes the whole list again for every document it tests
 * (O(documents × list)): a 10,000-name `$in` over 10,000 documents took ~12 s,
 * where mongod answers from an index in milliseconds. Query operators are
 * compiled once per query (`fn(selector, value, options)` returns the
 * per-document predicate), so ours turns the list into hash sets at compile
 * time and each document costs O(its own values).
 *
 * Matching follows MongoDB: `$in` is the `$or` of `$eq` on each element (the
 * candidates are the same ones mingo's `$eq` tries: the value, the elements of
 * an array value, and arrays reached through a dotted path flattened one level
 * per path step), null matches null or missing, regexes match strings, numbers
 * compare by value across int/long/double/decimal, documents compare by value
 * (field order matters), Dates/ObjectIds/Binary/Timestamps by value.
 * Collation is ignored (as mingo's `$in` ignores it).
 */
import { Context } from "mingo/core";
import * as accumulatorOperators from "mingo/operators/accumulator";
import * as expressionOperators from "mingo/operators/expression";
import * as pipelineOperators from "mingo/operators/pipeline";
import * as projectionOperators from "mingo/operators/projection";
import * as queryOperators from "mingo/operators/query";
import * as windowOperators from "mingo/operators/window";
import type { Any, AnyObject } from "mingo/types";
import { flatten, isEqual, resolve } from "mingo/util";
import { CommandError } from "./errors.js";
import { binaryBytes, isPlainObject } from "./values.js";
import type { Binary } from "bson";

type NumberKey = number | string;

/**
 * Numeric equality key: a JS number when exact, else the integer's decimal
 * digits (so Long(2^60) equals the double 2^60 but not 2^60 + 1).
 */
function numberKey(v: unknown): NumberKey | undefined {
  if (typeof v === "number") {
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) return `n${BigInt(v)}`;
    return v === 0 ? 0 : v; // -0 equals 0; NaN equals NaN (Set uses SameValueZero)
  }
  if (typeof v === "bigint") {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : `n${v}`;
  }
  if (v === null || typeof v !== "object") return undefined;
  switch ((v as { _bsontype?: unknown })._bsontype) {
    case "Long": {
      const n = (v as { toNumber(): number }).toNumber();
      return Number.isSafeInteger(n) ? n : `n${String(v)}`;
    }
    case "Int32":
    case "Double":
      return numberKey((v as { valueOf(): number }).valueOf());
    case "Decimal128": {
      // Approximate: compared through the nearest double (integers exactly).
      const s = String(v);
      if (/^-?\d+$/.test(s)) return numberKey(BigInt(s));
      return numberKey(Number(s));
    }
  }
  return undefined;
}

/**
 * Equality key of a non-number value (equal keys ⇔ MongoDB-equal values), or
 * undefined for BSON types this does not know (those are compared with
 * mingo's isEqual instead).
 */
function valueKey(v: unknown): string | undefined {
  if (v === null || v === undefined) return "z";
  switch (typeof v) {
    case "string":
      return `s${JSON.stringify(v)}`;
    case "boolean":
      return v ? "b1" : "b0";
    case "number":
    case "bigint":
      return `n${String(numberKey(v))}`;
    case "object":
      break;
    default:
      return undefined;
  }
  if (Array.isArray(v)) {
    const parts: string[] = [];
    for (const el of v) {
      const k = valueKey(el);
      if (k === undefined) return undefined;
      parts.push(k);
    }
    return `[${parts.join(",")}]`;
  }
  if (v instanceof Date) return `d${v.getTime()}`;
  if (v instanceof RegExp) return `r${JSON.stringify(v.source)}/${v.flags}`;
  if (isPlainObject(v)) {
    const parts: string[] = [];
    for (const key of Object.keys(v)) {
      const k = valueKey(v[key]);
      if (k === undefined) return undefined;
      parts.push(`${JSON.stringify(key)}:${k}`);
    }
    return `{${parts.join(",")}}`;
  }
  switch ((v as { _bsontype?: unknown })._bsontype) {
    case "ObjectId":
      return `o${(v as { toHexString(): string }).toHexString()}`;
    case "Timestamp": // (a Long subclass: checked before numbers)
      return `t${String(v)}`;
    case "Long":
    case "Int32":
    case "Double":
    case "Decimal128":
      return `n${String(numberKey(v))}`;
    case "Binary": {
      const b = v as Binary;
      return `x${b.sub_type}:${Buffer.from(binaryBytes(b)).toString("base64")}`;
    }
    case "MinKey":
      return "min";
    case "MaxKey":
      return "max";
  }
  return undefined;
}

/** `value` ∈ `list`, as one compiled test: O(1) per candidate value. */
function membership(list: unknown[]): (value: unknown) => boolean {
  const strings = new Set<string>();
  const numbers = new Set<NumberKey>();
  const keyed = new Set<string>();
  const unkeyed: unknown[] = [];
  const patterns: RegExp[] = [];
  for (const item of list) {
    if (typeof item === "string") {
      strings.add(item);
      continue;
    }
    if (item instanceof RegExp) patterns.push(item);
    const n = numberKey(item);
    if (n !== undefined) {
      numbers.add(n);
      continue;
    }
    const k = valueKey(item);
    if (k === undefined) unkeyed.push(item);
    else keyed.add(k);
  }
  return (value) => {
    if (typeof value === "string") {
      if (strings.has(value)) return true;
      for (const re of patterns) {
        re.lastIndex = 0;
        if (re.test(value)) return true;
      }
      return false;
    }
    const n = numberKey(value);
    if (n !== undefined) return numbers.has(n);
    if (keyed.size) {
      const k = valueKey(value);
      if (k !== undefined && keyed.has(k)) return true;
    }
    return unkeyed.length > 0 && unkeyed.some((u) => isEqual(u, value as Any));
  };
}

/** Same signature as the mingo operator it replaces. */
type QueryOperator = typeof queryOperators.$in;

function inOperator(name: "$in" | "$nin"): QueryOperator {
  const negate = name === "$nin";
  return ((selector: string, list: Any) => {
    if (!Array.isArray(list)) throw new CommandError("BadValue", `${name} needs an array`);
    for (const item of list) {
      if (isPlainObject(item) && Object.keys(item).some((k) => k.startsWith("$"))) {
        throw new CommandError("BadValue", `cannot nest $ under ${name}`);
      }
    }
    const matches = membership(list);
    const matchesNull = matches(null);
    const depth = selector.split(".").length - 1;
    const resolveOpts = { unwrapArray: true };
    const test = (doc: AnyObject): boolean => {
      const value: unknown = resolve(doc, selector, resolveOpts);
      if (value === null || value === undefined) return matchesNull;
      if (matches(value)) return true;
      if (!Array.isArray(value)) return false;
      for (const el of value) if (matches(el)) return true;
      if (depth === 0) return false;
      for (const el of flatten(value, depth)) if (matches(el)) return true;
      return false;
    };
    return negate ? (doc: AnyObject) => !test(doc) : test;
  }) as unknown as QueryOperator;
}

/** All of mingo's operators, with the server's `$in`/`$nin`. Pass as the `context` option. */
export const QUERY_CONTEXT: Context = Context.init({
  accumulator: accumulatorOperators,
  expression: expressionOperators,
  pipeline: pipelineOperators,
  projection: projectionOperators,
  query: { ...queryOperators, $in: inOperator("$in"), $nin: inOperator("$nin") },
  window: windowOperators,
});
