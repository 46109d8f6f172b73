import { FakeNetworkError } from "./errors.js";
import type { FakeHandler } from "./handler.js";

/**
 * In-process `fetch` for grammY's `client.fetch` option. What grammY 1.46 passes
 * (node_modules/grammy/out/core/client.js + platform.node.js):
 *   fetch(url, { agent, duplex: "half", compress?, signal, method: "POST", headers, body })
 * - url: `${apiRoot}/bot${token}/${method}`
 * - headers: a plain object ({ "content-type", connection: "keep-alive" })
 * - body: a JSON string, or for uploads a Node `Readable` (an async iterable of
 *   Buffers) carrying multipart/form-data — not a web ReadableStream.
 * - signal: from the `abort-controller` POLYFILL, not a native AbortSignal, so it
 *   cannot be handed to `new Request()`; we bridge it to a native AbortController.
 * - agent/compress/duplex are node-fetch options and are ignored here.
 * grammY only calls `res.json()` on the returned Response.
 */
export interface FakeFetchInit {
  method?: string;
  headers?: Record<string, string> | [string, string][] | Headers;
  body?: unknown;
  signal?: SignalLike | null;
  [nodeFetchOption: string]: unknown;
}

export interface SignalLike {
  aborted: boolean;
  addEventListener(type: "abort", listener: () => void): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

export type FakeFetch = (input: string | URL | Request, init?: FakeFetchInit) => Promise<Response>;

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return typeof v === "object" && v !== null && Symbol.asyncIterator in v;
}

async function toBody(body: unknown): Promise<Uint8Array | string | FormData | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof FormData) return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  if (body instanceof ReadableStream) return new Uint8Array(await new Response(body).arrayBuffer());
  if (isAsyncIterable(body)) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) {
      chunks.push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : new Uint8Array(chunk as ArrayBufferLike));
    }
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }
  throw new TypeError(`fake-telegram fetch: unsupported body type ${Object.prototype.toString.call(body)}`);
}

export function createFetch(handler: FakeHandler): FakeFetch {
  return async (input, init = {}) => {
    const controller = new AbortController();
    const external = init.signal ?? undefined;
    const onAbort = () => controller.abort();
    if (external !== undefined) {
      if (external.aborted) controller.abort();
      else external.addEventListener("abort", onAbort);
    }
    const aborted = new Promise<never>((_, reject) => {
      const fail = () => reject(controller.signal.reason);
      if (controller.signal.aborted) fail();
      else controller.signal.addEventListener("abort", fail, { once: true });
    });
    aborted.catch(() => undefined); // only observed through the race below
    try {
      let req: Request;
      if (input instanceof Request) {
        req = new Request(input, { signal: controller.signal });
      } else {
        const body = await Promise.race([toBody(init.body), aborted]);
        const headers = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
        const method = init.method ?? (body === undefined ? "GET" : "POST");
        const reqInit: RequestInit = { method, headers, signal: controller.signal };
        if (body !== undefined) reqInit.body = body as RequestInit["body"];
        req = new Request(input instanceof URL ? input.href : input, reqInit);
      }
      return await Promise.race([handler(req), aborted]);
    } catch (e) {
      if (e instanceof FakeNetworkError) throw new TypeError("fetch failed", { cause: e });
      throw e;
    } finally {
      external?.removeEventListener("abort", onAbort);
    }
  };
}
