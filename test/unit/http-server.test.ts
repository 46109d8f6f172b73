import { afterEach, describe, expect, it } from "vitest";
import { Events } from "../../src/events.js";
import { startHttpServer } from "../../src/http/server.js";
import { createLogger } from "../../src/logger.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe("HTTP server", () => {
  it("/health is 200 when the database answers and 503 when it does not", async () => {
    let healthy = true;
    const events = new Events(createLogger("silent"));
    const server = await startHttpServer({
      port: 0,
      metrics: events.registry,
      checkHealth: async () => {
        if (!healthy) throw new Error("no mongo");
        return true;
      },
    });
    close = server.close;
    const url = `http://127.0.0.1:${server.port}`;
    const ok = await fetch(`${url}/health`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "ok", mongo: "up" });
    healthy = false;
    const down = await fetch(`${url}/health`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: "unhealthy", mongo: "down" });
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });

  it("/metrics counts events by name and severity", async () => {
    const lines: string[] = [];
    const logger = createLogger("info", { write: (line: string) => lines.push(line) });
    const events = new Events(logger);
    events.emit("file_saved", "info", { userId: 7, size: 12, content: "print('secret')" });
    events.emit("file_saved", "info", { userId: 7, size: 3 });
    const server = await startHttpServer({ port: 0, metrics: events.registry, checkHealth: async () => true });
    close = server.close;
    const body = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(body).toContain('codevault_events_total{event="file_saved",severity="info"} 2');
    const logged = JSON.parse(lines[0]!);
    expect(logged).toMatchObject({ event: "file_saved", userId: 7, size: 12, content: "[redacted]", msg: "file_saved" });
    expect(lines.join("")).not.toContain("secret");
  });
});
