import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeTelegram, type FakeServer, type SentMessage } from "../support/fake-telegram/index.js";
import { startMongoTestServer, type MongoTestServer } from "../support/mongo-server/server.js";
import { freePort, startNodeProcess, type RunningProcess } from "../support/processes.js";
import { plainZip } from "../support/zip-fixtures.js";

/**
 * Two bot processes in webhook mode on one MongoDB, as N replicas behind a load balancer:
 * consecutive updates of one user's conversations land on alternate processes, and the
 * conversation goes on where the other process left it (sessions and conversation state
 * live in MongoDB; a staged upload in GridFS).
 */
const SECRET = "replica_secret_1";
const fake = createFakeTelegram();
let telegram: FakeServer;
let mongo: MongoTestServer | undefined;
const replicas: Array<{ proc: RunningProcess; port: number }> = [];

beforeAll(async () => {
  telegram = await fake.listen();
  const mongoUri = process.env.MONGODB_URI || (mongo = await startMongoTestServer()).uri;
  const dbName = `codevault_replicas_${process.pid}_${Date.now()}`;
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const proc = startNodeProcess("src/main.ts", {
      BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      MONGODB_URI: mongoUri,
      MONGODB_DB: dbName,
      HTTP_PORT: String(port),
      DATA_DIR: mkdtempSync(path.join(tmpdir(), `codevault-replica${i}-`)),
      LOG_LEVEL: "info",
      ALLOWED_USER_IDS: "",
      BOT_MODE: "webhook",
      WEBHOOK_URL: "https://bot.example.com",
      WEBHOOK_SECRET: SECRET,
    });
    replicas.push({ proc, port });
  }
  await Promise.all(replicas.map((r) => r.proc.waitForOutput(/receiving updates by webhook/, 90_000)));
}, 120_000);

afterAll(async () => {
  await Promise.all(replicas.filter((r) => r.proc.child.exitCode === null).map((r) => r.proc.stop()));
  await mongo?.close();
  await telegram?.close();
});

/** Telegram's webhook call to one replica; resolves with its HTTP status once the update is handled. */
async function deliver(replica: 0 | 1, update: Update): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${replicas[replica]!.port}/telegram/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    body: JSON.stringify(update),
  });
  await res.arrayBuffer();
  return res.status;
}

const USER = 6060;

/** Sends the update to the replica, expects 200 and returns the bot's next message in the chat matching `match`. */
async function step(replica: 0 | 1, update: () => Update, match: (m: SentMessage) => boolean): Promise<SentMessage> {
  const reply = fake.waitForSent(USER, match, 30_000);
  expect(await deliver(replica, update())).toBe(200);
  return reply;
}

describe("two bot processes on one MongoDB (webhook mode)", () => {
  it("a user's conversations continue when consecutive updates land on different processes", async () => {
    const user = fake.user(USER, { firstName: "Ada" });
    const text = (m: SentMessage) => m.text ?? "";

    // /save on process 1, the code on process 2: the save conversation goes on there.
    await step(0, () => user.sendText("/save app.py"), (m) => text(m).startsWith("✍️ Send the code for app.py"));
    expect(text(await step(1, () => user.sendText("print('one')"), (m) => text(m).startsWith("✅")))).toMatch(/^✅ Saved app\.py \(python/);
    await step(0, () => user.sendDocument(Buffer.from("x = 1\n"), "util.py"), (m) => text(m).startsWith("✅ Saved util.py"));

    // A restore whose steps alternate: the ZIP staged and analysed on 2, the choices on 1 and 2, the new name on 2.
    const zip = await plainZip({ "app.py": "print('two')\n", "util.py": "x = 2\n", "new.py": "print('new')\n" });
    const preview = await step(1, () => user.sendDocument(zip, "project.zip", { mimeType: "application/zip" }), (m) => text(m).includes("Restore preview"));
    expect(text(preview)).toContain("1 new · 0 unchanged · 2 conflicts · 0 rejected");
    const first = await step(0, () => user.pressButtonByText(preview, "❓ Ask me for each conflict"), (m) => text(m).includes("Conflict 1 of 2"));
    expect(text(first)).toContain("Conflict 1 of 2: app.py");
    const second = await step(1, () => user.pressButtonByText(first, "♻️ Replace"), (m) => text(m).includes("Conflict 2 of 2"));
    expect(text(second)).toContain("Conflict 2 of 2: util.py");
    const ask = await step(0, () => user.pressButtonByText(second, "✏️ Rename"), (m) => text(m).startsWith("✏️"));
    expect(text(ask)).toBe("✏️ Send a new name for the archived util.py, or use util (restored).py.");
    const done = await step(1, () => user.sendText("util-from-zip.py"), (m) => text(m).startsWith("✅ Restored"));
    expect(text(done)).toMatch(/^✅ Restored 3 files: 1 new, 1 replaced, 1 renamed, 0 skipped\./);

    // What the user sees afterwards, from process 1: every decision was applied once.
    const list = await step(0, () => user.sendText("/files"), (m) => text(m).startsWith("📁"));
    expect(text(list)).toMatch(/app\.py · python · v2 · /);
    expect(text(list)).toMatch(/util\.py · python · v1 · /);
    expect(text(list)).toMatch(/util-from-zip\.py · python · v1 · /);
    expect(text(list)).toMatch(/new\.py · python · v1 · /);
    expect(await deliver(1, user.pressButtonByText(list, "📄 app.py"))).toBe(200);
    await fake.waitFor(() => text(fake.message(USER, list.message_id)!).includes("print('two')"), 10_000);

    // Nobody got an error or a reply twice.
    const sent = fake.sent(USER).map(text);
    expect(sent.filter((t) => t.includes("Something went wrong") || t.startsWith("⏳ One thing at a time"))).toEqual([]);
    expect(sent.filter((t) => t.startsWith("✅ Restored"))).toHaveLength(1);
    expect(sent.filter((t) => t.includes("Conflict 1 of 2"))).toHaveLength(1);
  }, 120_000);
});
