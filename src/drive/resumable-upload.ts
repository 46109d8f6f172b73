import type { Readable } from "node:stream";
import type { OAuth2Client } from "google-auth-library";
import { classifyDriveError, DriveError } from "./drive-errors.js";
import { delay, retryDelay, type RetryPolicy } from "./retry.js";
import type { StreamingMd5 } from "./streaming-md5.js";

/** Google wants every chunk but the last in multiples of 256 KiB. */
export const CHUNK_UNIT = 256 * 1024;

export interface ResumableUploadInput {
  client: OAuth2Client;
  /** `${GOOGLE_API_ROOT}/upload/drive/v3/files` */
  uploadUrl: string;
  metadata: Record<string, unknown>;
  mimeType: string;
  size: number;
  fields: string;
  chunkBytes: number;
  /** A fresh stream of the bytes from `start` on, for every attempt. */
  open(start: number): Promise<Readable>;
  md5: StreamingMd5;
  retry: RetryPolicy;
  onProgress?(sent: number, total: number): void;
  signal?: AbortSignal;
  requestTimeoutMs: number;
}

/**
 * A Drive resumable upload, by hand (googleapis has none): POST uploadType=resumable for a
 * session URI, PUT chunks of `chunkBytes` (a multiple of 256 KiB) with Content-Range, and after
 * a failure ask the session how much it holds (`Content-Range: bytes *\/size` → 308 + Range)
 * and go on from there with a fresh stream. Only one chunk is ever in memory.
 */
export async function resumableUpload<T>(input: ResumableUploadInput): Promise<T> {
  if (input.chunkBytes % CHUNK_UNIT !== 0 || input.chunkBytes <= 0) throw new Error("chunkBytes must be a positive multiple of 256 KiB");
  let session = await startSession(input);
  let offset = 0;
  let failures = 0;
  // After a failure we do not know what the session holds: ask before sending again.
  let ask = false;
  for (;;) {
    try {
      if (ask || offset === input.size) {
        const status = await query(input, session);
        if (status.done) return status.done as T;
        offset = status.received;
        ask = false;
        input.onProgress?.(offset, input.size);
      }
      const done = await sendFrom(input, session, offset, (confirmed) => {
        offset = confirmed;
        failures = 0;
      });
      if (done) return done as T;
    } catch (raw) {
      const err = classifyDriveError(raw);
      if (ask && (err.detail.status === 404 || err.detail.status === 410)) {
        // The session expired (they live about a week): start over with a new one.
        session = await startSession(input);
        offset = 0;
        ask = false;
        continue;
      }
      failures++;
      if (!err.transient || failures >= input.retry.attempts) throw err;
      const wait = retryDelay(err, failures, input.retry);
      if (wait > input.retry.maxRetryAfterMs) throw err;
      await delay(wait, input.signal);
      if (err.code === "unauthorized") await refresh(input.client);
      ask = true;
    }
  }
}

async function refresh(client: OAuth2Client): Promise<void> {
  client.setCredentials({ ...client.credentials, access_token: null, expiry_date: 1 });
  await client.getAccessToken();
}

async function startSession(input: ResumableUploadInput): Promise<string> {
  const res = await input.client.request<unknown>({
    url: input.uploadUrl,
    method: "POST",
    params: { uploadType: "resumable", fields: input.fields },
    headers: {
      "content-type": "application/json; charset=UTF-8",
      "x-upload-content-type": input.mimeType,
      "x-upload-content-length": String(input.size),
    },
    data: JSON.stringify(input.metadata),
    retry: false,
    timeout: input.requestTimeoutMs,
    signal: input.signal,
  });
  const location = res.headers.get("location");
  if (!location) throw new DriveError("unexpected", { status: res.status, reason: "no session location" });
  return location;
}

/** 308 → how many bytes the session holds; 200/201 → the finished file. */
async function query(input: ResumableUploadInput, session: string): Promise<{ received: number; done?: unknown }> {
  const res = await input.client.request<unknown>({
    url: session,
    method: "PUT",
    headers: { "content-range": `bytes */${input.size}` },
    validateStatus: (s) => s === 308 || (s >= 200 && s < 300),
    retry: false,
    timeout: input.requestTimeoutMs,
    signal: input.signal,
  });
  if (res.status !== 308) return { received: input.size, done: res.data };
  return { received: rangeEnd(res.headers.get("range")) };
}

function rangeEnd(range: string | null): number {
  const m = range ? /bytes=0-(\d+)/.exec(range) : null;
  return m ? Number(m[1]) + 1 : 0;
}

/** Sends chunks from `offset` until the file is complete (returns it) or the server holds less than sent (returns undefined: reopen there). */
async function sendFrom(input: ResumableUploadInput, session: string, offset: number, confirmed: (at: number) => void): Promise<unknown | undefined> {
  const stream = await input.open(offset);
  try {
    const chunks = readChunks(stream, input.chunkBytes);
    let at = offset;
    for (;;) {
      const next = await chunks.next();
      const chunk = next.done ? Buffer.alloc(0) : next.value;
      if (at + chunk.length > input.size) throw new DriveError("unexpected", { reason: "stored backup is longer than recorded" });
      if (chunk.length === 0 && at < input.size) throw new DriveError("unexpected", { reason: "stored backup is shorter than recorded" });
      input.md5.update(at, chunk);
      const last = at + chunk.length === input.size;
      const res = await input.client.request<unknown>({
        url: session,
        method: "PUT",
        headers: { "content-range": `bytes ${at}-${at + chunk.length - 1}/${input.size}`, "content-type": input.mimeType },
        data: chunk,
        validateStatus: (s) => s === 308 || (s >= 200 && s < 300),
        retry: false,
        timeout: input.requestTimeoutMs,
        signal: input.signal,
      });
      if (res.status !== 308) {
        confirmed(input.size);
        input.onProgress?.(input.size, input.size);
        return res.data;
      }
      const held = rangeEnd(res.headers.get("range"));
      confirmed(held);
      input.onProgress?.(held, input.size);
      if (held !== at + chunk.length) return undefined; // the server kept less: reopen the stream where it stands
      if (last) return undefined; // 308 after the last byte: ask again
      at = held;
    }
  } finally {
    stream.destroy();
  }
}

/** Exactly `size`-byte Buffers from a stream (the last one shorter). */
async function* readChunks(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const piece of stream) {
    let buf = piece as Buffer;
    while (held + buf.length >= size) {
      const take = size - held;
      parts.push(buf.subarray(0, take));
      yield Buffer.concat(parts, size);
      parts = [];
      held = 0;
      buf = buf.subarray(take);
    }
    if (buf.length) {
      parts.push(buf);
      held += buf.length;
    }
  }
  if (held) yield Buffer.concat(parts, held);
}
