/**
 * BSON keeps int32 and double apart; JavaScript does not. A document decoded
 * for the query engine turns Double(1) into the number 1, which would go back
 * to the client as int32. So for each inserted document that holds a double
 * with a whole value, the server keeps the document as the client sent it
 * (every numeric type intact) and answers with that one while the stored
 * document is unchanged (an update stores a new object, which has none).
 */
import { BSON, Double } from "bson";
import type { Doc } from "./values.js";

const RAW_OPTIONS = { promoteLongs: false, promoteBuffers: false, promoteValues: false } as const;
const typed = new WeakMap<object, Doc>();

function hasWholeDouble(v: unknown): boolean {
  if (v instanceof Double) return Number.isInteger(v.value);
  if (Array.isArray(v)) return v.some(hasWholeDouble);
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.values(v as Doc).some(hasWholeDouble);
  }
  return false;
}

/**
 * For an insert's documents: `promoted[i]` (what the engine stores) gets the
 * client's typed form when `raw` bytes hold a whole double. `bytes` are the
 * BSON documents in the same order.
 */
export function noteTypedDocuments(promoted: Doc[], bytes: Uint8Array[]): void {
  promoted.forEach((doc, i) => {
    const raw = BSON.deserialize(bytes[i]!, RAW_OPTIONS) as Doc;
    if (hasWholeDouble(raw)) typed.set(doc, raw);
  });
}

/** Moves the typed form from the document as received to the document as stored (which may have gained an `_id`). */
export function carryTyped(received: Doc, stored: Doc): void {
  const raw = typed.get(received);
  if (!raw) return;
  const { _id: _ignored, ...rest } = raw;
  typed.set(stored, { _id: stored._id, ...rest });
}

/** What to send the client for a stored document: its typed form if it has one. */
export function typedOf(doc: Doc): Doc {
  return typed.get(doc) ?? doc;
}
