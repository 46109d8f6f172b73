import { ApiError, badRequest, FakeNetworkError, notFound, unauthorized } from "./errors.js";
import { findMethod } from "./methods.js";
import { boundaryOf, MultipartError, parseMultipart } from "./multipart.js";
import { Params } from "./params.js";
import type { ApiCall, FakeState } from "./state.js";
import { nextTurn, STEP_BYTES } from "./turns.js";

/**
 * The whole fake Bot API as one web-standard handler:
 *   POST|GET /bot<token>/<method>      → { ok: true, result } | { ok: false, error_code, description }
 *   GET      /file/bot<token>/<path>   → raw file bytes
 * The HTTP status equals error_code, as with Telegram.
 */
export type FakeHandler = (req: Request) => Promise<Response>;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

const errorResponse = (e: ApiError): Response => json(e.error_code, e.toBody());

/**
 * The request body joined into bytes of its own, a part at a time. `arrayBuffer()` joins the parts
 * and copies the whole again, each in one go: for a 20 MB upload two stretches of ~10 ms (mostly
 * the fresh memory's page faults) in which the fake answers no one else.
 */
async function bodyOf(req: Request): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (req.body !== null) {
    for await (const chunk of req.body) {
      chunks.push(chunk);
      total += chunk.byteLength;
    }
  }
  const body = new Uint8Array(total);
  let at = 0;
  let sinceTurn = 0;
  for (const chunk of chunks) {
    for (let from = 0; from < chunk.byteLength; from += STEP_BYTES) {
      const part = chunk.subarray(from, from + STEP_BYTES);
      body.set(part, at);
      at += part.byteLength;
      sinceTurn += part.byteLength;
      if (sinceTurn >= STEP_BYTES) {
        sinceTurn = 0;
        await nextTurn();
      }
    }
  }
  return body;
}

async function readParams(req: Request, url: URL): Promise<Params> {
  const fields: Record<string, unknown> = Object.fromEntries(url.searchParams);
  if (req.method === "GET" || req.method === "HEAD") return new Params(fields);
  const type = req.headers.get("content-type") ?? "";
  const body = await bodyOf(req);
  if (body.byteLength === 0) return new Params(fields);
  if (/^multipart\/form-data/i.test(type)) {
    const boundary = boundaryOf(type);
    if (boundary === undefined) throw badRequest("can't parse multipart/form-data: no boundary");
    try {
      const parsed = await parseMultipart(body, boundary);
      return new Params({ ...fields, ...parsed.fields }, parsed.files);
    } catch (e) {
      if (e instanceof MultipartError) throw badRequest(`can't parse multipart/form-data: ${e.message}`);
      throw e;
    }
  }
  const text = new TextDecoder().decode(body);
  if (/^application\/x-www-form-urlencoded/i.test(type)) {
    return new Params({ ...fields, ...Object.fromEntries(new URLSearchParams(text)) });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest("can't parse JSON object");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw badRequest("can't parse JSON object");
  return new Params({ ...fields, ...(parsed as Record<string, unknown>) });
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === "AbortError";
}

async function callMethod(state: FakeState, req: Request, url: URL, method: string): Promise<Response> {
  const call: ApiCall = { method, params: {} };
  state.calls.push(call);
  const finish = (r: Response, e?: ApiError): Response => {
    call.ok = e === undefined;
    if (e !== undefined) {
      call.error_code = e.error_code;
      call.description = e.description;
    }
    return r;
  };
  try {
    const params = await readParams(req, url);
    call.params = params.summary();
    const failure = state.takeFailure(method);
    if (failure !== undefined) {
      if ("network" in failure) throw new FakeNetworkError(method);
      throw new ApiError(failure.error_code, failure.description, failure.parameters);
    }
    const impl = findMethod(method);
    if (impl === undefined) throw notFound(); // Telegram answers unknown methods with 404 Not Found
    const result = await impl({ state, params, signal: req.signal });
    return finish(json(200, { ok: true, result }));
  } catch (e) {
    if (e instanceof ApiError) return finish(errorResponse(e), e);
    if (e instanceof FakeNetworkError || isAbort(e)) throw e;
    const err = new ApiError(500, `Internal Server Error: fake-telegram crashed in ${method}: ${String(e)}`);
    console.error(`[fake-telegram] ${method} crashed`, e);
    return finish(errorResponse(err), err);
  }
}

/**
 * The stored bytes as a stream of views, not copies: `new Response(bytes)` copies them, and a reader
 * joining the copy copies them again, each a stretch of a 20 MB file in which the fake answers no one
 * else. A stored file is never changed, and a reader that joins the parts (`arrayBuffer()`) gets its own copy.
 */
function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.byteLength) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.subarray(at, at + STEP_BYTES));
      at += STEP_BYTES;
    },
  });
}

function download(state: FakeState, filePath: string): Response {
  state.downloads.push(filePath);
  const file = state.filesByPath.get(filePath);
  if (file === undefined) return errorResponse(notFound());
  return new Response(streamOf(file.bytes), {
    status: 200,
    headers: {
      "content-type": file.mime_type ?? "application/octet-stream",
      "content-length": String(file.bytes.byteLength),
    },
  });
}

export function createHandler(state: FakeState): FakeHandler {
  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const path = url.pathname;
    const fileRoute = /^\/file\/bot([^/]+)\/(.+)$/.exec(path);
    if (fileRoute !== null) {
      if (decodeURIComponent(fileRoute[1] as string) !== state.token) return errorResponse(unauthorized());
      return download(state, decodeURIComponent(fileRoute[2] as string));
    }
    const apiRoute = /^\/bot([^/]+)\/(?:test\/)?([^/]*)$/.exec(path);
    if (apiRoute === null) return errorResponse(notFound());
    if (decodeURIComponent(apiRoute[1] as string) !== state.token) return errorResponse(unauthorized());
    const method = apiRoute[2] as string;
    if (method === "") return errorResponse(notFound());
    return callMethod(state, req, url, method);
  };
}
