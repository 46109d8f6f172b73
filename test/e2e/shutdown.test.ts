import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeTelegram, type FakeServer } from "../support/fake-telegram/index.js";
import { startMongoTestServer } from "../support/mongo-server/server.js";
import { freePort, startNodeProcess } from "../support/processes.js";

/** The bot's own exit code on SIGINT / SIGTERM (started as Docker does, without npm in between). */
const fake = createFakeTelegram();
let telegram: FakeServer;
let mongo: Awaited<ReturnType<typeof startMongoTestServer>> | undefined;
let mongoUri: string;

beforeAll(async () => {
  telegram = await fake.listen();
  mongoUri = process.env.MONGODB_URI ?? (mongo = await startMongoTestServer()).uri;
});
afterAll(async () => {
  await mongo?.close();
  await telegram?.close();
});

async function runBot() {
  const bot = startNodeProcess("src/main.ts", {
    BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    MONGODB_URI: mongoUri,
    MONGODB_DB: `codevault_shutdown_${process.pid}`,
    HTTP_PORT: String(await freePort()),
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "codevault-shutdown-")),
  });
  await bot.waitForOutput(/"event":"bot_started"/, 60_000);
  return bot;
}

describe("graceful shutdown", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`${signal} finishes the update in flight and exits 0`, async () => {
      const bot = await runBot();
      const user = fake.user(signal === "SIGINT" ? 901 : 902);
      // The reply is held up by a 429 (auto-retry waits a second): the signal arrives mid-update.
      fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
      const attemptsBefore = fake.calls("sendMessage").length;
      const reply = fake.waitForSent(user.id, undefined, 15_000);
      user.sendText("/start");
      await fake.waitFor(() => fake.calls("sendMessage").length > attemptsBefore, 10_000);
      const code = await bot.stop(signal);
      expect((await reply).text).toContain("Hi");
      expect(code).toBe(0);
      expect(bot.output()).toContain("stopped cleanly");
    }, 90_000);
  }

  it("a missing BOT_TOKEN stops the process with one clear line", async () => {
    const bot = startNodeProcess("src/main.ts", { BOT_TOKEN: "", DOTENV_CONFIG_PATH: "/nonexistent" });
    const code = await bot.exited;
    await bot.closed;
    expect(code).toBe(1);
    expect(bot.output().trim()).toBe("codevault: BOT_TOKEN is not set: it should hold the bot token from @BotFather, like 123456:ABC-DEF...");
  });
});

describe("embedded database", () => {
  it("without MONGODB_URI and no way to get mongod, stops with a message naming MONGODB_URI and MONGOMS_SYSTEM_BINARY", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "codevault-embedded-"));
    const bot = startNodeProcess("src/main.ts", {
      BOT_TOKEN: fake.token,
      MONGODB_URI: "",
      DATA_DIR: dir,
      // No binary cached there, and a download address that refuses at once (as offline would).
      MONGOMS_DOWNLOAD_DIR: path.join(dir, "bin"),
      MONGOMS_DOWNLOAD_URL: "http://127.0.0.1:9/mongodb.tgz",
      MONGOMS_SYSTEM_BINARY: "",
    });
    const code = await bot.exited;
    await bot.closed;
    expect(code).toBe(1);
    const last = bot.output().trim().split("\n").at(-1)!;
    expect(last).toMatch(/^codevault: The embedded MongoDB could not start: .*Set MONGODB_URI .* or MONGOMS_SYSTEM_BINARY/);
    expect(bot.output()).not.toMatch(/^\s+at /m); // no stack trace before it
  }, 90_000);
});
