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

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
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
  const init: RequestInit = { method, headers, signal: controller.signal };
  if (method !== "GET" && method !== "HEAD") init.body = await readBody(req);
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
  const body = new Uint8Array(await response.arrayBuffer());
  const out: Record<string, string> = {};
  response.headers.forEach((v, k) => (out[k] = v));
  out["content-length"] = String(body.byteLength);
  res.writeHead(response.status, out);
  res.end(body);
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
