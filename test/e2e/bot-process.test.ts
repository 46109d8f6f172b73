import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeTelegram, type FakeServer } from "../support/fake-telegram/index.js";
import { freePort, startNodeProcess, type RunningProcess } from "../support/processes.js";

/**
 * The real bot process (`node --import tsx src/main.ts`, as `npm start` and Docker run it) against the fake Telegram over HTTP and the
 * standalone test MongoDB (`npm run test:mongo`), or a real MongoDB from MONGODB_URI.
 */
const fake = createFakeTelegram();
let telegram: FakeServer;
let mongo: RunningProcess | undefined;
let bot: RunningProcess;
let httpPort: number;
const dbName = `codevault_e2e_${process.pid}_${Date.now()}`;

beforeAll(async () => {
  telegram = await fake.listen();
  let mongoUri = process.env.MONGODB_URI;
  if (!mongoUri) {
    const mongoPort = await freePort();
    mongo = startNodeProcess("test/support/mongo-server/serve.ts", {}, ["--port", String(mongoPort)]);
    mongoUri = (await mongo.waitForOutput(/mongodb:\/\/\S+/))[0];
  }
  httpPort = await freePort();
  bot = startNodeProcess("src/main.ts", {
    BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    MONGODB_URI: mongoUri,
    MONGODB_DB: dbName,
    HTTP_PORT: String(httpPort),
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "codevault-e2e-")),
    LOG_LEVEL: "info",
    ALLOWED_USER_IDS: "",
  });
  await bot.waitForOutput(/"event":"bot_started"/, 60_000);
}, 90_000);

afterAll(async () => {
  await bot?.stop();
  await mongo?.stop();
  await telegram?.close();
});

describe("end to end: the real process", () => {
  it("serves /health against its database", async () => {
    const res = await fetch(`http://127.0.0.1:${httpPort}/health`);
    expect(res.status).toBe(200);
  });

  it("walks a user through /start, saving a document and finding it in /files", async () => {
    const user = fake.user(777, { firstName: "Eve" });
    const welcome = fake.waitForSent(777);
    user.sendText("/start");
    expect((await welcome).text).toContain("Hi Eve!");

    const saved = fake.waitForSent(777, (m) => (m.text ?? "").startsWith("✅"));
    user.sendDocument(Buffer.from("#!/usr/bin/env python3\nprint('e2e')\n"), "e2e_script", { caption: "#e2e" });
    expect((await saved).text).toBe("✅ Saved e2e_script (python, 36 B).");

    const list = fake.waitForSent(777);
    user.sendText("/files");
    const listed = await list;
    expect(listed.text).toContain("e2e_script · python · v1 · 36 B");

    user.pressButtonByText(listed, "📄 e2e_script");
    await fake.waitFor(() => (fake.message(777, listed.message_id)?.text ?? "").includes("print('e2e')"), 10_000);
    expect(fake.commands().map((c) => c.command)).toContain("files");
  });

  it("shuts down cleanly on SIGTERM: stops polling, closes MongoDB, exits", async () => {
    await bot.stop("SIGTERM");
    expect(bot.output()).toContain('"signal":"SIGTERM","msg":"shutting down');
    expect(bot.output()).toContain("stopped cleanly");
    expect(bot.output()).not.toContain(fake.token);
    // The bot confirmed the updates it handled, so a restart does not see them again.
    expect(fake.pendingUpdates()).toEqual([]);
  });
});
