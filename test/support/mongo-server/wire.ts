/**
 * MongoDB wire protocol framing: OP_MSG (body + document sequences) and the
 * legacy OP_QUERY / OP_REPLY pair that drivers use for the first handshake.
 * https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
 */
import { BSON } from "bson";
import { noteTypedDocuments } from "./doubles.js";
import type { Doc } from "./values.js";

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const HEADER_BYTES = 16;
const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;

/** int64 values stay Long so they round-trip as int64. */
const DECODE_OPTIONS = { promoteLongs: false, promoteBuffers: false } as const;

export interface MsgRequest {
  kind: "msg";
  requestId: number;
  /** Body with every document sequence (kind 1 section) merged in under its identifier. */
  command: Doc;
  /** The client does not want a reply (unacknowledged write). */
  moreToCome: boolean;
}

export interface QueryRequest {
  kind: "query";
  requestId: number;
  /** e.g. "admin.$cmd" */
  fullCollectionName: string;
  command: Doc;
}

export interface UnsupportedRequest {
  kind: "unsupported";
  requestId: number;
  opCode: number;
}

export type Request = MsgRequest | QueryRequest | UnsupportedRequest;

/** Splits a TCP byte stream into whole messages (each returned as its own copy). */
export class MessageFramer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  push(chunk: Buffer): Buffer[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const messages: Buffer[] = [];
    while (this.pendingBytes >= 4) {
      const data = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
      const length = data.readInt32LE(0);
      if (length < HEADER_BYTES) throw new Error(`invalid message length ${length}`);
      if (data.length < length) {
        this.pending = [data];
        break;
      }
      messages.push(Buffer.from(data.subarray(0, length)));
      const rest = data.subarray(length);
      this.pending = rest.length ? [rest] : [];
      this.pendingBytes = rest.length;
    }
    return messages;
  }
}

function readCString(buf: Buffer, offset: number): [string, number] {
  const end = buf.indexOf(0, offset);
  if (end < 0) throw new Error("unterminated cstring");
  return [buf.toString("utf8", offset, end), end + 1];
}

function readDocument(buf: Buffer, offset: number): [Doc, number] {
  const size = buf.readInt32LE(offset);
  const doc = BSON.deserialize(buf.subarray(offset, offset + size), DECODE_OPTIONS) as Doc;
  return [doc, offset + size];
}

/** The BSON bytes of each element of an array field of a document (`documents` of an insert). */
function arrayElementBytes(body: Buffer, field: string): Uint8Array[] {
  const raw = BSON.deserialize(body, { promoteValues: false, promoteLongs: false, promoteBuffers: false, raw: false }) as Doc;
  const list = raw[field];
  return Array.isArray(list) ? list.map((d) => BSON.serialize(d as Doc)) : [];
}

function parseMsg(buf: Buffer, requestId: number): MsgRequest {
  const flags = buf.readUInt32LE(HEADER_BYTES);
  const end = buf.length - (flags & CHECKSUM_PRESENT ? 4 : 0);
  let offset = HEADER_BYTES + 4;
  let command: Doc | undefined;
  const sequences: Array<[string, Doc[]]> = [];
  while (offset < end) {
    const kind = buf[offset++];
    if (kind === 0) {
      const start = offset;
      [command, offset] = readDocument(buf, offset);
      if (command.insert !== undefined && Array.isArray(command.documents)) {
        noteTypedDocuments(command.documents as Doc[], arrayElementBytes(buf.subarray(start, offset), "documents"));
      }
    } else if (kind === 1) {
      const sectionEnd = offset + buf.readInt32LE(offset);
      let identifier: string;
      [identifier, offset] = readCString(buf, offset + 4);
      const docs: Doc[] = [];
      const bytes: Uint8Array[] = [];
      while (offset < sectionEnd) {
        let doc: Doc;
        const start = offset;
        [doc, offset] = readDocument(buf, offset);
        docs.push(doc);
        bytes.push(buf.subarray(start, offset));
      }
      if (identifier === "documents") noteTypedDocuments(docs, bytes);
      sequences.push([identifier, docs]);
    } else {
      throw new Error(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!command) throw new Error("OP_MSG without a body section");
  for (const [identifier, docs] of sequences) {
    const existing = command[identifier];
    command[identifier] = Array.isArray(existing) ? [...existing, ...docs] : docs;
  }
  return { kind: "msg", requestId, command, moreToCome: (flags & MORE_TO_COME) !== 0 };
}

function parseQuery(buf: Buffer, requestId: number): QueryRequest {
  const [fullCollectionName, afterName] = readCString(buf, HEADER_BYTES + 4);
  let [query] = readDocument(buf, afterName + 8);
  // Legacy wrapped form: { $query: {...}, $readPreference: ... }
  if (query.$query && typeof query.$query === "object") query = query.$query as Doc;
  return { kind: "query", requestId, fullCollectionName, command: query };
}

export function parseMessage(buf: Buffer): Request {
  const requestId = buf.readInt32LE(4);
  const opCode = buf.readInt32LE(12);
  if (opCode === OP_MSG) return parseMsg(buf, requestId);
  if (opCode === OP_QUERY) return parseQuery(buf, requestId);
  return { kind: "unsupported", requestId, opCode };
}

function header(buf: Buffer, requestId: number, responseTo: number, opCode: number): void {
  buf.writeInt32LE(buf.length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(responseTo, 8);
  buf.writeInt32LE(opCode, 12);
}

export function encodeMsgReply(requestId: number, responseTo: number, doc: Doc): Buffer {
  const body = BSON.serialize(doc);
  const buf = Buffer.alloc(HEADER_BYTES + 5 + body.length);
  header(buf, requestId, responseTo, OP_MSG);
  buf.writeUInt32LE(0, HEADER_BYTES);
  buf.writeUInt8(0, HEADER_BYTES + 4);
  buf.set(body, HEADER_BYTES + 5);
  return buf;
}

export function encodeOpReply(requestId: number, responseTo: number, doc: Doc): Buffer {
  const body = BSON.serialize(doc);
  const buf = Buffer.alloc(HEADER_BYTES + 20 + body.length);
  header(buf, requestId, responseTo, OP_REPLY);
  buf.writeInt32LE(0, HEADER_BYTES); // responseFlags
  buf.writeBigInt64LE(0n, HEADER_BYTES + 4); // cursorID
  buf.writeInt32LE(0, HEADER_BYTES + 12); // startingFrom
  buf.writeInt32LE(1, HEADER_BYTES + 16); // numberReturned
  buf.set(body, HEADER_BYTES + 20);
  return buf;
}
