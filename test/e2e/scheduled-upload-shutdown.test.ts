import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGoogle, type FakeGoogle } from "../support/fake-google/index.js";
import { createFakeTelegram, type FakeServer, type SentMessage } from "../support/fake-telegram/index.js";
import { startMongoTestServer } from "../support/mongo-server/server.js";
import { freePort, startNodeProcess } from "../support/processes.js";

/**
 * SIGTERM while a scheduled upload is on its way to Drive, with the real process
 * (`node --import tsx src/main.ts`), the fake Telegram and the fake Google over HTTP and the test
 * MongoDB: the process stops within its grace period, and after the restart the job runs again
 * and exactly one copy lands on Drive.
 */
const fake = createFakeTelegram();
let telegram: FakeServer;
let google: FakeGoogle;
let mongo: Awaited<ReturnType<typeof startMongoTestServer>> | undefined;
let client: MongoClient;
const dbName = `codevault_sched_${process.pid}_${Date.now()}`;
let env: Record<string, string>;

beforeAll(async () => {
  telegram = await fake.listen();
  google = await startFakeGoogle({ deviceInterval: 0.05 });
  const mongoUri = process.env.MONGODB_URI ?? (mongo = await startMongoTestServer()).uri;
  client = await new MongoClient(mongoUri).connect();
  env = {
    BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    MONGODB_URI: mongoUri,
    MONGODB_DB: dbName,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "codevault-sched-")),
    LOG_LEVEL: "info",
    ALLOWED_USER_IDS: "",
    GOOGLE_CLIENT_ID: google.clientId,
    GOOGLE_CLIENT_SECRET: google.clientSecret,
    GOOGLE_OAUTH_ROOT: google.root,
    GOOGLE_API_ROOT: google.root,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    SCHEDULER_POLL_SECONDS: "1",
    DRIVE_RETRY_BASE_SECONDS: "1",
    SHUTDOWN_GRACE_SECONDS: "8",
    DEFAULT_TIMEZONE: "UTC",
  };
}, 60_000);
afterAll(async () => {
  await client?.close();
  await mongo?.close();
  await google?.close();
  await telegram?.close();
});

async function runBot() {
  const bot = startNodeProcess("src/main.ts", { ...env, HTTP_PORT: String(await freePort()) });
  await bot.waitForOutput(/"event":"bot_started"/, 60_000);
  return bot;
}

const USER = 4242;
const jobs = () => client.db(dbName).collection("agendaJobs");
const schedule = () => jobs().findOne({ name: "drive-backup", "data.userId": USER });
const button = (m: SentMessage, text: string) =>
  ((m.reply_markup as { inline_keyboard: { text: string; callback_data?: string }[][] }).inline_keyboard.flat().find((b) => b.text === text))!;

async function waitUntil<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("SIGTERM during a scheduled upload", () => {
  it("exits within the grace period; after the restart the job runs again and one copy lands on Drive", async () => {
    const user = fake.user(USER);
    let bot = await runBot();

    // Connect Drive, keep a file, set a daily schedule: all through the bot.
    let reply = fake.waitForSent(USER, undefined, 15_000);
    user.sendText("/drive");
    const status = await reply;
    reply = fake.waitForSent(USER, (m) => /enter this code/i.test(m.text ?? ""), 15_000);
    user.pressButton(status, button(status, "🔗 Connect").callback_data!);
    const prompt = await reply;
    google.approve(/([A-Z]{4}-[A-Z]{4})/.exec(prompt.text ?? "")![1]!, "sig@example.com");
    await fake.waitFor(() => /^✅ Connected/.test(fake.message(USER, prompt.message_id)?.text ?? ""), 15_000);
    reply = fake.waitForSent(USER, (m) => (m.text ?? "").startsWith("✅"), 15_000);
    user.sendDocument(Buffer.from("print('scheduled')\n"), "job.py");
    await reply;
    reply = fake.waitForSent(USER, (m) => /Google Drive/.test(m.text ?? ""), 15_000);
    user.sendText("/drive");
    const menu = await reply;
    user.pressButton(menu, button(menu, "🗓 Schedule").callback_data!);
    await fake.waitFor(() => /Scheduled backups to Google Drive/.test(fake.message(USER, menu.message_id)?.text ?? ""), 15_000);
    user.pressButton(fake.message(USER, menu.message_id)!, "s:f:d");
    await fake.waitFor(() => /Saved: every day at 03:00/.test(fake.message(USER, menu.message_id)?.text ?? ""), 15_000);

    // The upload starts and Drive does not answer; SIGTERM arrives meanwhile.
    let release!: () => void;
    let held = false;
    google.faults.add({ kind: "hold", until: new Promise<void>((r) => (release = r)), onHeld: () => (held = true) }, { path: "/upload/", times: 1 });
    await jobs().updateOne({ name: "drive-backup", "data.userId": USER }, { $set: { nextRunAt: new Date(Date.now() - 1000) } });
    await waitUntil(async () => held, "the upload to reach Drive");
    const code = await bot.stop("SIGTERM");
    expect(code).toBe(0); // 1 would mean the grace period ran out
    expect(bot.output()).toContain("stopped cleanly");
    release();
    expect(google.files("sig@example.com")).toHaveLength(0);
    const interrupted = (await schedule())!;
    expect(interrupted.lockedAt ?? null).toBeNull();
    const backupId = interrupted.data.pending.backupId as string;
    expect(backupId).toMatch(/^[0-9a-f]{24}$/);
    expect(interrupted.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now());

    // The restart runs it again: the same backup, one copy, one ✅ line.
    const done = fake.waitForSent(USER, (m) => /^✅ Scheduled backup on Google Drive/.test(m.text ?? ""), 60_000);
    bot = await runBot();
    await done;
    const finished = await waitUntil(async () => {
      const doc = await schedule();
      return doc?.data.lastResult?.status === "uploaded" ? doc : null;
    }, "the run to be recorded");
    expect(finished.data.lastResult.backupId).toBe(backupId);
    const files = google.files("sig@example.com");
    expect(files.map((f) => f.appProperties.backupId)).toEqual([backupId]);
    expect(await client.db(dbName).collection("backups").countDocuments({ userId: USER })).toBe(1);
    expect(fake.sent(USER).filter((m) => /^✅ Scheduled backup/.test(m.text ?? ""))).toHaveLength(1);
    expect(await bot.stop("SIGTERM")).toBe(0);
  }, 180_000);
});
