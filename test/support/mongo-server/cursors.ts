/**
 * Server-side cursors: a result set is materialised once, then handed out in
 * batches (first batch 101 documents by default, every batch capped near
 * 16 MB) through getMore until exhausted or killed.
 */
import { typedOf } from "./doubles.js";
import { randomInt } from "node:crypto";
import { BSON, Long } from "bson";
import { CommandError } from "./errors.js";
import { num, type Doc } from "./values.js";

const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
const DEFAULT_FIRST_BATCH = 101;

interface OpenCursor {
  ns: string;
  docs: Doc[];
  pos: number;
}

export interface BatchOptions {
  batchSize?: unknown;
  singleBatch?: unknown;
}

function cursorKey(id: unknown): string {
  if (id instanceof Long) return id.toString();
  return String(num(id));
}

export class Cursors {
  private readonly open = new Map<string, OpenCursor>();

  /** `{ cursor: { firstBatch, id, ns }, ok: 1 }` for a fresh result set. */
  first(ns: string, docs: Doc[], opts: BatchOptions = {}): Doc {
    const size = opts.batchSize === undefined ? DEFAULT_FIRST_BATCH : Math.abs(num(opts.batchSize));
    const cursor: OpenCursor = { ns, docs, pos: 0 };
    // batchSize 0 asks for an empty first batch and an open cursor.
    const firstBatch = size === 0 ? [] : this.take(cursor, size);
    let id = Long.ZERO;
    const exhausted = cursor.pos >= docs.length && size !== 0;
    if (!exhausted && opts.singleBatch !== true && docs.length > 0) {
      id = Long.fromNumber(randomInt(1, 2 ** 47));
      this.open.set(cursorKey(id), cursor);
    }
    return { cursor: { firstBatch, id, ns }, ok: 1 };
  }

  /** Reply to `getMore`. */
  more(id: unknown, batchSize: unknown): Doc {
    const key = cursorKey(id);
    const cursor = this.open.get(key);
    if (!cursor) throw new CommandError("CursorNotFound", `cursor id ${key} not found`);
    const nextBatch = this.take(cursor, batchSize === undefined ? 0 : num(batchSize));
    let replyId = id instanceof Long ? id : Long.fromString(key);
    if (cursor.pos >= cursor.docs.length) {
      this.open.delete(key);
      replyId = Long.ZERO;
    }
    return { cursor: { nextBatch, id: replyId, ns: cursor.ns }, ok: 1 };
  }

  /** Reply to `killCursors`. */
  kill(ids: unknown[]): Doc {
    const cursorsKilled: unknown[] = [];
    const cursorsNotFound: unknown[] = [];
    for (const id of ids) {
      (this.open.delete(cursorKey(id)) ? cursorsKilled : cursorsNotFound).push(id);
    }
    return { cursorsKilled, cursorsNotFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }

  clear(): void {
    this.open.clear();
  }

  /** Next batch: up to `size` documents (0 = as many as fit), at least one when any remain. */
  private take(cursor: OpenCursor, size: number): Doc[] {
    const batch: Doc[] = [];
    let bytes = 0;
    const limit = size > 0 ? size : Number.POSITIVE_INFINITY;
    while (cursor.pos < cursor.docs.length && batch.length < limit) {
      const doc = typedOf(cursor.docs[cursor.pos] as Doc);
      const docBytes = BSON.calculateObjectSize(doc);
      if (batch.length > 0 && bytes + docBytes > MAX_BATCH_BYTES) break;
      batch.push(doc);
      bytes += docBytes;
      cursor.pos++;
    }
    return batch;
  }
}
