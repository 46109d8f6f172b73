import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeTelegram, type FakeServer } from "../support/fake-telegram/index.js";
import { startMongoTestServer, type MongoTestServer } from "../support/mongo-server/server.js";
import { freePort, startNodeProcess, type RunningProcess } from "../support/processes.js";

/**
 * The real process in webhook mode. grammY gives up on a webhook call after its
 * timeout; before, that rejection went unhandled and Node exited with code 1, and
 * Telegram (seeing no 200) would have delivered the update again.
 */
const SECRET = "hook_secret_1";
const fake = createFakeTelegram();
let telegram: FakeServer;
let mongo: MongoTestServer | undefined;
let bot: RunningProcess;
let httpPort: number;

beforeAll(async () => {
  telegram = await fake.listen();
  const mongoUri = process.env.MONGODB_URI || (mongo = await startMongoTestServer()).uri;
  httpPort = await freePort();
  bot = startNodeProcess("src/main.ts", {
    BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    MONGODB_URI: mongoUri,
    MONGODB_DB: `codevault_webhook_${process.pid}_${Date.now()}`,
    HTTP_PORT: String(httpPort),
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "codevault-webhook-")),
    LOG_LEVEL: "info",
    ALLOWED_USER_IDS: "",
    BOT_MODE: "webhook",
    WEBHOOK_URL: "https://bot.example.com",
    WEBHOOK_SECRET: SECRET,
  });
  await bot.waitForOutput(/receiving updates by webhook/, 60_000);
}, 90_000);

afterAll(async () => {
  if (bot && bot.child.exitCode === null) await bot.stop();
  await mongo?.close();
  await telegram?.close();
});

/** Delivers an update as Telegram does: POST with the secret, and again while the answer is not 2xx. */
async function deliver(update: unknown): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const res = await fetch(`http://127.0.0.1:${httpPort}/telegram/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: JSON.stringify(update),
    }).catch(() => undefined);
    statuses.push(res?.status ?? 0);
    if (res?.ok) break;
  }
  return statuses;
}

describe("webhook mode (the real process)", () => {
  it("an update slower than grammY's timeout is answered 200, handled once, and the process lives on", async () => {
    const user = fake.user(5150, { firstName: "Slow" });
    // Telegram asks the bot to wait 12 s before its reply: longer than grammY waits for a webhook call.
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 12", parameters: { retry_after: 12 } });
    const reply = fake.waitForSent(user.id, undefined, 40_000);
    expect(await deliver(user.sendText("/start"))).toEqual([200]);

    expect((await reply).text).toContain("Hi Slow!");
    // Past the point where the unhandled rejection used to end the process: it still serves.
    expect(bot.child.exitCode).toBeNull();
    const health = await fetch(`http://127.0.0.1:${httpPort}/health`);
    expect(health.status).toBe(200);
    expect(fake.sent(user.id)).toHaveLength(1);
    expect(bot.output()).toContain('"event":"webhook_answered_early"');

    // And it goes on handling updates.
    const next = fake.waitForSent(user.id, undefined, 10_000);
    expect(await deliver(user.sendText("/start"))).toEqual([200]);
    expect((await next).text).toContain("Hi Slow!");
    expect(fake.sent(user.id)).toHaveLength(2);
  }, 90_000);
});
