import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookHandler } from "../../src/bot/webhook.js";
import { WebhookUpdates } from "../../src/db/webhook-updates.js";
import { startHttpServer } from "../../src/http/server.js";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";
import { startFakeGitHub } from "../support/fake-github.js";
import type { FakeUser } from "../support/fake-telegram/index.js";
import { plainZip } from "../support/zip-fixtures.js";

/**
 * Webhook mode, in-process: the HTTP answer never waits for long work, and an update Telegram
 * sends again (same update_id) runs once. HEAVY_JOBS=1 and a GitHub download the test holds
 * keep a heavy step waiting as long as the test wants: outcomes are ordered, not timed.
 */
const SECRET = "s3cret";
const ANSWER_MS = 300;
let h: BotHarness;
let github: Awaited<ReturnType<typeof startFakeGitHub>>;
let server: Awaited<ReturnType<typeof startHttpServer>>;
let inFlight: ReturnType<BotHarness["newBot"]>["inFlight"];
let clockShift = 0;

beforeAll(async () => {
  const repo = (name: string) => plainZip({ [`octo-${name}-abc1234/main.py`]: `print('${name}')\n` });
  github = await startFakeGitHub({ "octo/slow": await repo("slow"), "octo/hold": await repo("hold") });
  h = await startBotHarness({ services: { github: { apiRoot: github.apiRoot }, heavyJobs: 1 } });
  const built = h.newBot();
  inFlight = built.inFlight;
  h.bot = built.bot;
  await h.bot.init();
  const claims = new WebhookUpdates(h.db, { takeoverMs: 3 * ANSWER_MS, clock: () => new Date(Date.now() + clockShift) });
  server = await startHttpServer({
    port: 0,
    metrics: h.events.registry,
    checkHealth: async () => true,
    webhook: { path: "/telegram/webhook", handler: webhookHandler(h.bot, { secret: SECRET, answerMs: ANSWER_MS, claims, events: h.events }) },
  });
});
afterAll(async () => {
  await server?.close();
  await h?.stop();
  await github?.close();
});

/** One webhook call as Telegram makes it; the HTTP status. */
async function post(update: Update, secret = SECRET): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${server.port}/telegram/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
    body: JSON.stringify(update),
  });
  return res.status;
}

/** How many webhook calls were answered by the timeout while their update went on (the /metrics counter). */
async function answeredEarly(): Promise<number> {
  const text = await h.events.registry.metrics();
  return Number(/codevault_events_total\{event="webhook_answered_early"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
}

const texts = (user: FakeUser) => h.fake.sent(user.id).map((m) => m.text ?? "");
const settled = async () => {
  await inFlight.idle();
  await h.services.heavyJobs.idle();
};

describe("webhook mode", () => {
  it("handles updates posted with the secret and refuses others", async () => {
    const update = h.fake.user(60).sendText("/start");
    expect(await post(update, "wrong")).toBe(401);
    expect(h.fake.sent(60)).toHaveLength(0);
    expect(await post(update)).toBe(200);
    expect(h.fake.lastSent(60)!.text).toContain("Hi User60!");
  });

  it("a heavy job is answered at once and runs in the background; its result comes as a message", async () => {
    const user = h.fake.user(61);
    const held = github.hold("octo/slow");
    const early = await answeredEarly();
    expect(await post(user.sendText("/github octo/slow"))).toBe(200);
    await held.reached; // answered while the import is still downloading…
    expect(await answeredEarly()).toBe(early); // …because the handler returned, not because the answer time ran out
    expect(await h.services.backups.list(61)).toMatchObject({ total: 0 });
    held.open();
    await settled();
    expect(texts(user).filter((t) => t.startsWith("📦 octo/slow is stored"))).toHaveLength(1);
    expect((await h.services.backups.list(61)).total).toBe(1);
  });

  it("a restore step longer than the answer time is answered 200; the same update sent again is ignored; one result", async () => {
    const a = h.fake.user(62);
    const b = h.fake.user(63);
    const { files, backups } = h.services;
    await files.save(63, { fileName: "a.py", content: "print('old')\n" });
    const backup = await backups.create(63);
    await files.save(63, { fileName: "a.py", content: "print('new')\n" });

    // B opens the restore and sees the preview while the slot is free.
    expect(await post(b.sendText("/restore"))).toBe(200);
    expect(await post(b.pressButton(h.fake.lastSent(63)!, `b:rs:${backup.id}`))).toBe(200);
    const preview = h.fake.lastSent(63)!;
    expect(preview.text).toContain("0 new · 0 unchanged · 1 conflict");

    // A's held import takes the only heavy slot, so B's apply step waits in line inside the conversation.
    const held = github.hold("octo/hold");
    expect(await post(a.sendText("/github octo/hold"))).toBe(200);
    await held.reached;
    const replaceAll = b.pressButtonByText(preview, "♻️ Replace all");
    const early = await answeredEarly();
    expect(await post(replaceAll)).toBe(200); // answered when the answer time ran out; the step goes on
    expect(await answeredEarly()).toBe(early + 1);
    expect(texts(b).at(-1)).toMatch(/^⏳ You're number 1 in line|^⏳ Taking an emergency backup/);
    expect((await files.getLatest(63, "a.py"))!.version).toBe(2); // nothing restored yet

    // Telegram did not see that answer and sends the very same update again: skipped.
    expect(await post(replaceAll)).toBe(200);
    held.open();
    await settled();

    expect(texts(b).filter((t) => t.startsWith("✅ Restored"))).toHaveLength(1);
    expect(texts(b).filter((t) => t.startsWith("⏳ Taking an emergency backup"))).toHaveLength(1);
    expect(h.fake.callbackAnswers().filter((q) => q.text?.includes("expired"))).toEqual([]);
    expect((await files.getLatest(63, "a.py"))!.version).toBe(3);
    expect((await backups.list(63)).items.filter((x) => x.type === "emergency")).toHaveLength(1);
  });

  it("a repeat of an update another process claimed but has not answered gets 503; once that claim is stale it is taken over and runs once", async () => {
    const user = h.fake.user(64);
    const update = user.sendText("/start");
    // Another process took this update and died before answering.
    const other = new WebhookUpdates(h.db, { takeoverMs: 3 * ANSWER_MS, clock: () => new Date(Date.now() + clockShift) });
    expect(await other.claim(h.bot.botInfo.id, update.update_id)).toBe("run");

    expect(await post(update)).toBe(503); // still within its answer time: Telegram asks again later
    expect(h.fake.sent(64)).toHaveLength(0);

    clockShift += 3 * ANSWER_MS + 1; // later: no answer came, so that process is gone
    expect(await post(update)).toBe(200);
    expect(await post(update)).toBe(200); // and from now on it is answered
    await settled();
    expect(texts(user)).toEqual([expect.stringContaining("Hi User64!")]);
  });
});
