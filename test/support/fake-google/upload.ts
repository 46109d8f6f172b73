import { authorize, checkParents, driveError, FILE_DEFAULT_FIELDS, newFile } from "./drive.js";
import type { Fault } from "./faults.js";
import type { FakeRequest } from "./http.js";
import { drain, readBody, send } from "./http.js";
import { resource, selectFields } from "./query.js";
import { md5, randomId, type FakeAccount, type FakeFile, type GoogleState, type UploadSession } from "./state.js";

const BLOCK = 256 * 1024;

export interface UploadControls {
  /** How many of the next completed uploads report a wrong md5Checksum. */
  corruptMd5: number;
  /** Whether to keep file contents (tests read them back; a benchmark does not need them). */
  keepContent: boolean;
}

function quotaExceeded(r: FakeRequest) {
  driveError(r, 403, "storageQuotaExceeded", "The user's Drive storage quota has been exceeded.");
}

function fits(state: GoogleState, account: FakeAccount, size: number): boolean {
  return account.quotaLimit === undefined || state.usage(account) + size <= account.quotaLimit;
}

function finish(state: GoogleState, account: FakeAccount, file: FakeFile, content: Buffer, controls: UploadControls): FakeFile {
  file.size = content.length;
  file.md5Checksum = md5(content);
  if (controls.corruptMd5 > 0) {
    controls.corruptMd5 -= 1;
    file.md5Checksum = md5(Buffer.concat([content, Buffer.from("corrupted in transit")]));
  }
  if (controls.keepContent) file.content = content;
  account.files.set(file.id, file);
  return file;
}

/** POST /upload/drive/v3/files?uploadType=multipart|resumable and PUT to a resumable session. */
export async function handleUpload(r: FakeRequest, state: GoogleState, controls: UploadControls, dropAfter: Fault | undefined): Promise<boolean> {
  if (r.url.pathname !== "/upload/drive/v3/files") return false;
  const token = await authorize(r, state);
  if (!token) return true;
  const account = state.account(token.email);
  const type = r.url.searchParams.get("uploadType");
  const fields = r.url.searchParams.get("fields");

  if (r.method === "POST" && type === "multipart") {
    const parsed = parseMultipart(await readBody(r.req), r.req.headers["content-type"] ?? "");
    if (!parsed) return driveError(r, 400, "badContent", "Malformed multipart body."), true;
    const file = newFile(state, parsed.meta);
    if (!checkParents(r, account, file.parents.filter((p) => p !== "root"))) return true;
    state.uploads.set(`multipart:${file.id}`, { bytesReceived: parsed.media.length, chunkStarts: [0] });
    if (!fits(state, account, parsed.media.length)) return quotaExceeded(r), true;
    finish(state, account, file, parsed.media, controls);
    send(r.res, 200, selectFields(resource(file), fields, FILE_DEFAULT_FIELDS));
    return true;
  }

  if (r.method === "POST" && type === "resumable") {
    const body = await readBody(r.req);
    const meta = body.length ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : {};
    const declared = r.req.headers["x-upload-content-length"];
    const declaredLength = declared === undefined ? undefined : Number(declared);
    const file = newFile(state, meta);
    if (!checkParents(r, account, file.parents.filter((p) => p !== "root"))) return true;
    if (declaredLength !== undefined && !fits(state, account, declaredLength)) return quotaExceeded(r), true;
    const session: UploadSession = {
      id: randomId("upl-"),
      email: account.email,
      metadata: { ...file },
      mimeType: String(r.req.headers["x-upload-content-type"] ?? file.mimeType),
      declaredLength,
      received: [],
      receivedLength: 0,
      bytesReceived: 0,
      chunkStarts: [],
    };
    state.sessions.set(session.id, session);
    state.uploads.set(session.id, session);
    const location = `${r.origin}/upload/drive/v3/files?uploadType=resumable&upload_id=${session.id}${fields ? `&fields=${encodeURIComponent(fields)}` : ""}`;
    send(r.res, 200, undefined, { location });
    return true;
  }

  if (r.method === "PUT" && type === "resumable") {
    const session = state.sessions.get(r.url.searchParams.get("upload_id") ?? "");
    if (!session || session.email !== account.email) {
      await drain(r.req);
      return driveError(r, 404, "notFound", "No such upload session."), true;
    }
    return putChunk(r, state, account, session, controls, fields, dropAfter), true;
  }
  await drain(r.req);
  driveError(r, 400, "badRequest", `Unsupported upload: ${r.method} uploadType=${type}`);
  return true;
}

function status308(r: FakeRequest, session: UploadSession) {
  send(r.res, 308, undefined, session.receivedLength > 0 ? { range: `bytes=0-${session.receivedLength - 1}` } : {});
}

async function putChunk(
  r: FakeRequest,
  state: GoogleState,
  account: FakeAccount,
  session: UploadSession,
  controls: UploadControls,
  fields: string | null,
  dropAfter: Fault | undefined,
): Promise<void> {
  const range = String(r.req.headers["content-range"] ?? "");
  const query = /^bytes \*\/(\d+|\*)$/.exec(range);
  const data = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(range);
  if (query) {
    await drain(r.req);
    if (session.file) return send(r.res, 200, selectFields(resource(session.file), fields, FILE_DEFAULT_FIELDS));
    if (query[1] !== "*" && Number(query[1]) === session.receivedLength && session.receivedLength > 0)
      return complete(r, state, account, session, controls, fields);
    return status308(r, session);
  }
  if (!data) {
    await drain(r.req);
    return driveError(r, 400, "badRequest", `Invalid Content-Range: ${range}`);
  }
  const start = Number(data[1]);
  const end = Number(data[2]);
  const total = data[3] === "*" ? undefined : Number(data[3]);
  if (session.file) {
    await drain(r.req);
    return send(r.res, 200, selectFields(resource(session.file), fields, FILE_DEFAULT_FIELDS));
  }
  if (start !== session.receivedLength || end < start) {
    await drain(r.req);
    return driveError(r, 400, "badRequest", `Content-Range starts at ${start}, the session holds ${session.receivedLength} bytes`);
  }
  const length = end - start + 1;
  const last = total !== undefined && end + 1 === total;
  if (!last && length % BLOCK !== 0) {
    await drain(r.req);
    return driveError(r, 400, "badRequest", "Chunk size must be a multiple of 256 KiB except for the last chunk.");
  }
  session.chunkStarts.push(start);
  const chunks: Buffer[] = [];
  let got = 0;
  const cutAt = dropAfter?.kind === "drop" ? (dropAfter.afterBytes ?? 0) : undefined;
  for await (const c of r.req) {
    const chunk = c as Buffer;
    session.bytesReceived += chunk.length;
    chunks.push(chunk);
    got += chunk.length;
    if (cutAt !== undefined && got >= cutAt) {
      // The connection dies mid-chunk: Google keeps what arrived, in whole 256 KiB blocks.
      const kept = Math.floor(Math.min(got, cutAt) / BLOCK) * BLOCK;
      const body = Buffer.concat(chunks).subarray(0, kept);
      session.received.push(Buffer.from(body));
      session.receivedLength += kept;
      r.req.socket.destroy();
      return;
    }
  }
  const body = Buffer.concat(chunks);
  if (body.length !== length) return driveError(r, 400, "badRequest", `Body holds ${body.length} bytes, Content-Range says ${length}`);
  session.received.push(body);
  session.receivedLength += body.length;
  if (last) return complete(r, state, account, session, controls, fields);
  status308(r, session);
}

function complete(r: FakeRequest, state: GoogleState, account: FakeAccount, session: UploadSession, controls: UploadControls, fields: string | null) {
  const content = Buffer.concat(session.received);
  if (!fits(state, account, content.length)) return quotaExceeded(r);
  const file = finish(state, account, { ...(session.metadata as FakeFile), modifiedTime: new Date().toISOString() }, content, controls);
  session.file = file;
  session.received = [];
  send(r.res, 200, selectFields(resource(file), fields, FILE_DEFAULT_FIELDS));
}

/** multipart/related: a JSON metadata part, then the media part. */
function parseMultipart(body: Buffer, contentType: string): { meta: Record<string, unknown>; media: Buffer } | undefined {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next === -1) break;
    parts.push(body.subarray(at + delimiter.length, next));
    at = next;
  }
  const [metaPart, mediaPart] = parts.map((p) => {
    const headerEnd = p.indexOf("\r\n\r\n");
    let content = p.subarray(headerEnd + 4);
    if (content.subarray(-2).toString() === "\r\n") content = content.subarray(0, -2);
    return content;
  });
  if (!metaPart || !mediaPart) return undefined;
  return { meta: JSON.parse(metaPart.toString("utf8")) as Record<string, unknown>, media: Buffer.from(mediaPart) };
}
