import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Registry } from "prom-client";

export interface SchedulerHealth {
  status: "ok" | "degraded";
  running: boolean;
  overdueJobs: number;
  oldestOverdueSeconds: number;
}

export interface HttpDeps {
  port: number;
  /** Resolves when the database answers; rejects or returns false otherwise. */
  checkHealth: () => Promise<boolean>;
  /** Scheduled backups: "degraded" when a job is overdue by more than 10 minutes or the scheduler is not running. */
  checkScheduler?: () => Promise<SchedulerHealth>;
  metrics: Registry;
  /**
   * Telegram webhook handler, mounted at `path` in webhook mode. It is awaited; a
   * rejection answers 500 (if nothing was answered yet) and is reported, never thrown.
   */
  webhook?: { path: string; handler: (req: IncomingMessage, res: ServerResponse) => Promise<unknown> };
  /** Told about a request that failed (e.g. the webhook handler rejected). */
  onError?: (err: unknown, path: string) => void;
}

/**
 * /health (pings MongoDB; 503 when it does not answer; the scheduler's state beside it), /metrics
 * (Prometheus) and, in webhook mode, the webhook. A degraded scheduler (a job overdue by more than
 * 10 minutes) answers 200 with status "degraded": the bot still serves its users, and restarting
 * it would not make a stuck Drive run go; monitoring reads the body or the overdue gauge.
 */
export async function startHttpServer(deps: HttpDeps): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    route(deps, req, res).catch((err: unknown) => {
      deps.onError?.(err, (req.url ?? "/").split("?")[0]!);
      if (!res.headersSent) res.writeHead(500).end();
      else if (!res.writableEnded) res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(deps.port, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : deps.port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function route(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method === "GET" && path === "/health") {
    const healthy = await withTimeout(deps.checkHealth(), 3000).catch(() => false);
    const scheduler = healthy && deps.checkScheduler ? await withTimeout(deps.checkScheduler(), 3000).catch(() => undefined) : undefined;
    const status = !healthy ? "unhealthy" : deps.checkScheduler && scheduler?.status !== "ok" ? "degraded" : "ok";
    res.writeHead(healthy ? 200 : 503, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        status,
        mongo: healthy ? "up" : "down",
        ...(deps.checkScheduler ? { scheduler: scheduler ?? { status: "degraded", error: healthy ? "no answer" : "database down" } } : {}),
      }),
    );
    return;
  }
  if (req.method === "GET" && path === "/metrics") {
    res.writeHead(200, { "content-type": deps.metrics.contentType });
    res.end(await deps.metrics.metrics());
    return;
  }
  if (deps.webhook && req.method === "POST" && path === deps.webhook.path) {
    await deps.webhook.handler(req, res);
    return;
  }
  res.writeHead(404, { "content-type": "text/plain" }).end("not found");
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
