import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeTelegram, type FakeServer, type SentMessage } from "../support/fake-telegram/index.js";
import { startFakeGitHub } from "../support/fake-github.js";
import { startMongoTestServer, type MongoTestServer } from "../support/mongo-server/server.js";
import { freePort, startNodeProcess, type RunningProcess } from "../support/processes.js";
import { plainZip } from "../support/zip-fixtures.js";

/**
 * The real process in webhook mode. grammY gives up on a webhook call after its
 * timeout; before, that rejection went unhandled and Node exited with code 1, and
 * Telegram (seeing no 200) would have delivered the update again. The process answers within
 * WEBHOOK_ANSWER_SECONDS (1 here) whatever the update does, and runs a re-sent update once.
 */
const SECRET = "hook_secret_1";
const fake = createFakeTelegram();
let telegram: FakeServer;
let mongo: MongoTestServer | undefined;
let bot: RunningProcess;
let httpPort: number;
let github: Awaited<ReturnType<typeof startFakeGitHub>>;

beforeAll(async () => {
  telegram = await fake.listen();
  github = await startFakeGitHub({ "octo/hold": await plainZip({ "octo-hold-abc1234/main.py": "print('hold')\n" }) });
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
    WEBHOOK_ANSWER_SECONDS: "1",
    HEAVY_JOBS: "1",
    GITHUB_API_ROOT: github.apiRoot,
  });
  await bot.waitForOutput(/receiving updates by webhook/, 60_000);
}, 90_000);

afterAll(async () => {
  if (bot && bot.child.exitCode === null) await bot.stop();
  await mongo?.close();
  await telegram?.close();
  await github?.close();
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

  it("a restore step longer than the answer time: answered, the same update sent again is ignored, one result", async () => {
    const a = fake.user(5160, { firstName: "Holder" });
    const b = fake.user(5161, { firstName: "Restorer" });
    const texts = () => fake.sent(b.id).map((m) => m.text ?? "");
    const newest = () => fake.sent(b.id).at(-1)!;

    // B keeps a.py, then sends a ZIP holding another a.py: the preview shows one conflict.
    await deliver(b.sendDocument(Buffer.from("print('old')\n"), "a.py"));
    await fake.waitFor(() => texts().some((t) => t.startsWith("✅ Saved a.py")), 20_000);
    await deliver(b.sendDocument(await plainZip({ "a.py": "print('new')\n" }), "mine.zip", { mimeType: "application/zip" }));
    const isPreview = (m: SentMessage) => (m.text ?? "").includes("1 conflict");
    await fake.waitFor(() => fake.sent(b.id).some(isPreview), 20_000);
    const preview = fake.sent(b.id).find(isPreview)!;

    // A's held import takes the only heavy slot, so B's apply step waits inside the conversation.
    const held = github.hold("octo/hold");
    expect(await deliver(a.sendText("/github octo/hold"))).toEqual([200]);
    await held.reached;
    const replaceAll = b.pressButtonByText(preview, "♻️ Replace all");
    expect(await deliver(replaceAll)).toEqual([200]); // after the answer time, while the step waits
    expect(texts().some((t) => t.startsWith("✅ Restored"))).toBe(false);
    // Telegram sends the very same update again (its first call looked lost): skipped.
    expect(await deliver(replaceAll)).toEqual([200]);

    held.open();
    await fake.waitFor(() => texts().some((t) => t.startsWith("✅ Restored")), 30_000);
    // Anything still queued for B would come before this reply (one chat's updates keep their order).
    expect(await deliver(b.sendText("/start"))).toEqual([200]);
    await fake.waitFor(() => newest().text?.includes("Hi Restorer!") === true, 20_000);
    expect(texts().filter((t) => t.startsWith("✅ Restored"))).toHaveLength(1);
    expect(texts().filter((t) => t.startsWith("⏳ Taking an emergency backup"))).toHaveLength(1);
    expect(fake.callbackAnswers().filter((q) => q.text?.includes("expired"))).toEqual([]);
    expect(bot.output()).toContain('"event":"webhook_update_repeated"');
  }, 120_000);
});
