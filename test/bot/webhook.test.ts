import { webhookCallback } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer } from "../../src/http/server.js";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";

let h: BotHarness;
let server: Awaited<ReturnType<typeof startHttpServer>>;
beforeAll(async () => {
  h = await startBotHarness();
  await h.bot.init();
  server = await startHttpServer({
    port: 0,
    metrics: h.events.registry,
    checkHealth: async () => true,
    webhook: { path: "/telegram/webhook", handler: webhookCallback(h.bot, "http", { secretToken: "s3cret" }) },
  });
});
afterAll(async () => {
  await server?.close();
  await h?.stop();
});

describe("webhook mode", () => {
  it("handles updates posted with the secret and refuses others", async () => {
    const update = h.fake.user(60).sendText("/start");
    const post = (secret: string) =>
      fetch(`http://127.0.0.1:${server.port}/telegram/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
        body: JSON.stringify(update),
      });
    expect((await post("wrong")).status).toBe(401);
    expect(h.fake.sent(60)).toHaveLength(0);
    expect((await post("s3cret")).status).toBe(200);
    expect(h.fake.lastSent(60)!.text).toContain("Hi User60!");
  });
});
