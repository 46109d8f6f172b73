import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeNetworkError } from "./errors.js";
import type { FakeHandler } from "./handler.js";

/** A running fake Bot API server. Set the bot's `TELEGRAM_API_ROOT` / `client.apiRoot` to `apiRoot`. */
export interface FakeServer {
  apiRoot: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The request body as the chunks it arrived in. It is read to its end before the handler runs, and
 * handed over as a stream of those same chunks: the handler's `arrayBuffer()` joins them, the only
 * copy (a Uint8Array body would be copied by `new Request` and again by `arrayBuffer()`). Every copy
 * of a 20 MB upload is a stretch in which no other user's call is answered.
 */
async function readBody(req: IncomingMessage): Promise<ReadableStream<Uint8Array>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

/** The response body's chunks, read without joining them (a download's chunks are views of the stored file). */
async function responseChunks(response: Response): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  if (response.body === null) return chunks;
  for await (const chunk of response.body) chunks.push(chunk);
  return chunks;
}

async function serve(handler: FakeHandler, req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> {
  // Aborts the handler (e.g. a waiting getUpdates) when the client hangs up, as when grammY's bot.stop() cancels polling.
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? "GET";
  const init: RequestInit & { duplex?: "half" } = { method, headers, signal: controller.signal };
  if (method !== "GET" && method !== "HEAD") {
    init.body = await readBody(req);
    init.duplex = "half"; // required by fetch for a stream body
  }
  let response: Response;
  try {
    response = await handler(new Request(new URL(req.url ?? "/", origin), init));
  } catch (e) {
    if (e instanceof FakeNetworkError || controller.signal.aborted) {
      req.socket.destroy();
      return;
    }
    throw e;
  }
  if (controller.signal.aborted) return;
  const chunks = await responseChunks(response);
  const out: Record<string, string> = {};
  response.headers.forEach((v, k) => (out[k] = v));
  out["content-length"] = String(chunks.reduce((n, c) => n + c.byteLength, 0));
  res.writeHead(response.status, out);
  for (const chunk of chunks) res.write(chunk);
  res.end();
}

export function listen(handler: FakeHandler, port = 0): Promise<FakeServer> {
  let origin = "";
  const server = createServer((req, res) => {
    serve(handler, req, res, origin).catch((e: unknown) => {
      console.error("[fake-telegram] http handler failed", e);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: false, error_code: 500, description: "Internal Server Error" }));
    });
  });
  // Node's default. Clients drop an idle socket 1 s before the server's announced timeout
  // (http.Agent's keep-alive buffer): with 1 s here, every Bot API call opened a new connection.
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port: actual } = server.address() as AddressInfo;
      origin = `http://127.0.0.1:${actual}`;
      resolve({
        apiRoot: origin,
        port: actual,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            // Drop keep-alive sockets and in-flight long polls so close() returns promptly.
            server.closeAllConnections();
          }),
      });
    });
  });
}
