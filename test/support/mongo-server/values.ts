/**
 * Helpers for the decoded BSON values the server stores: cloning, canonical
 * keys (for unique indexes and distinct) and shell-like formatting (for
 * E11000 messages).
 */
import { Binary, Decimal128, Long, ObjectId, Timestamp } from "bson";

export type Doc = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Bytes held by a Binary (its buffer may be larger than its content). */
export function binaryBytes(b: Binary): Uint8Array {
  return b.buffer.subarray(0, b.position);
}

/** Deep clone of a decoded BSON value. ObjectId/Long/Decimal128/... are immutable and shared. */
export function clone<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x: unknown) => clone(x)) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (v instanceof RegExp) return new RegExp(v.source, v.flags) as T;
  if (v instanceof Binary) return new Binary(Buffer.from(binaryBytes(v)), v.sub_type) as T;
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const k of Object.keys(v)) out[k] = clone(v[k]);
    return out as T;
  }
  return v;
}

/** A number from a command argument that may be a JS number, Long, boolean or missing. */
export function num(v: unknown, fallback = 0): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Long) return v.toNumber();
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Decimal128) return Number(v.toString());
  return fallback;
}

function numericKey(n: number): string {
  return `n:${Object.is(n, -0) ? 0 : n}`;
}

/**
 * A string that is equal for two values exactly when MongoDB considers them
 * equal (numbers compare by value across int/long/double; documents are
 * field-order sensitive). Collations are ignored.
 */
export function canonical(v: unknown): string {
  if (v === undefined || v === null) return "null";
  switch (typeof v) {
    case "number":
      return numericKey(v);
    case "bigint":
      return numericKey(Number(v));
    case "string":
      return `s:${JSON.stringify(v)}`;
    case "boolean":
      return `b:${v}`;
  }
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v instanceof Date) return `d:${v.getTime()}`;
  if (v instanceof ObjectId) return `o:${v.toHexString()}`;
  if (v instanceof Long) return numericKey(v.toNumber());
  if (v instanceof Decimal128) return numericKey(Number(v.toString()));
  if (v instanceof Binary) return `x:${v.sub_type}:${Buffer.from(binaryBytes(v)).toString("base64")}`;
  if (v instanceof RegExp) return `r:${v.source}/${v.flags}`;
  if (v instanceof Timestamp) return `t:${v.toString()}`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(",")}}`;
  }
  return `?:${String(v)}`;
}

/** Formats a value the way mongod prints it in error messages. */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v !== "object") return String(v);
  if (Array.isArray(v)) return `[ ${v.map(formatValue).join(", ")} ]`;
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v instanceof ObjectId) return `ObjectId('${v.toHexString()}')`;
  if (v instanceof Long) return v.toString();
  if (v instanceof Binary) return `BinData(${v.sub_type}, ${Buffer.from(binaryBytes(v)).toString("hex").toUpperCase()})`;
  if (isPlainObject(v)) {
    const parts = Object.keys(v).map((k) => `${k}: ${formatValue(v[k])}`);
    return parts.length ? `{ ${parts.join(", ")} }` : "{}";
  }
  return String(v);
}

/** Value at a dotted path without array traversal (undefined when missing). */
export function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Doc)[part];
  }
  return cur;
}

/** Sets a dotted path, creating intermediate documents. */
export function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split(".");
  let cur: Doc = doc;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (!isPlainObject(next)) cur[part] = {};
    cur = cur[part] as Doc;
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** Returns a copy of `doc` with `_id` as its first field (as mongod stores it). */
export function idFirst(doc: Doc): Doc {
  if (Object.keys(doc)[0] === "_id") return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}
