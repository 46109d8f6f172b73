import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";
import { startFakeGitHub } from "../support/fake-github.js";
import { plainZip } from "../support/zip-fixtures.js";

/**
 * Heavy jobs scheduled fairly, through the bot: one at a time per user (a second is refused
 * politely), and with HEAVY_JOBS=1 a second user waits in line, is told their place, and runs
 * after the first. A GitHub download the test holds plays the long job; outcomes are ordered, not timed.
 */
let h: BotHarness;
let github: Awaited<ReturnType<typeof startFakeGitHub>>;

beforeAll(async () => {
  const repo = (name: string) => plainZip({ [`${name}-abc1234/main.py`]: `print('${name}')\n` });
  github = await startFakeGitHub({ "octo/slow": await repo("slow"), "octo/next": await repo("next"), "octo/third": await repo("third") });
  h = await startBotHarness({ services: { github: { apiRoot: github.apiRoot }, heavyJobs: 1 } });
});

afterAll(async () => {
  await h?.stop();
  await github?.close();
});

const texts = (chatId: number) => h.fake.sent(chatId).map((m) => m.text ?? "");

describe("heavy jobs through the bot", () => {
  it("refuses a second heavy job of the same user while the first runs, naming what runs, and then runs nothing twice", async () => {
    const user = h.fake.user(9201);
    const held = github.hold("octo/slow");
    await h.bot.handleUpdate(user.sendText("/github octo/slow"));
    await held.reached; // the import is downloading

    await h.bot.handleUpdate(user.sendText("/github octo/next"));
    expect(h.fake.lastSent(9201)!.text).toBe("⏳ One thing at a time — your import is still running. Try again once it is done.");
    await h.bot.handleUpdate(user.sendText("/backup")); // not h.send: it would wait for the held import
    await h.bot.handleUpdate(user.pressButtonByText(h.fake.lastSent(9201)!, "📦 Create backup"));
    expect(h.fake.callbackAnswers().at(-1)).toMatchObject({ text: "⏳ One thing at a time — your import is still running. Try again once it is done.", show_alert: true });

    held.open();
    await h.services.heavyJobs.idle();
    expect(texts(9201).filter((t) => t.startsWith("📥") || t.includes("octo/"))).toEqual([
      expect.stringContaining("octo/slow"), // downloading…
      expect.stringContaining("octo/slow"), // stored
    ]);
    const backups = await h.services.backups.list(9201);
    expect(backups.items.map((b) => b.repo?.name)).toEqual(["octo/slow"]); // octo/next was never fetched or stored
    expect(github.requests.some((r) => r.url.includes("octo/next"))).toBe(false);
  });

  it("says it in Hebrew too", async () => {
    const user = h.fake.user(9202, { languageCode: "he" });
    const held = github.hold("octo/slow");
    await h.bot.handleUpdate(user.sendText("/github octo/slow"));
    await held.reached;
    await h.bot.handleUpdate(user.sendText("/github octo/next"));
    expect(h.fake.lastSent(9202)!.text).toBe("⏳ דבר אחד בכל פעם — עדיין פועל אצלך: ייבוא. אפשר לנסות שוב כשזה יסתיים.");
    held.open();
    await h.services.heavyJobs.idle();
  });

  it("with HEAVY_JOBS=1, a second user's job waits in line with a position message and runs after the first", async () => {
    const a = h.fake.user(9203);
    const b = h.fake.user(9204);
    await h.services.files.save(9204, { fileName: "b.py", content: "print('b')\n" });
    const held = github.hold("octo/third");
    await h.bot.handleUpdate(a.sendText("/github octo/third"));
    await held.reached; // A holds the only slot

    await h.bot.handleUpdate(b.sendText("/backup"));
    const menu = h.fake.lastSent(9204)!;
    const pressed = h.bot.handleUpdate(b.pressButtonByText(menu, "📦 Create backup"));
    await pressed; // answered at once: B's job waits in the background
    const line = await h.fake.waitFor(() => texts(9204).some((t) => t.startsWith("⏳ You're number 1 in line"))).then(() =>
      h.fake.sent(9204).find((m) => (m.text ?? "").startsWith("⏳ You're number 1 in line"))!,
    );
    expect(await h.services.backups.list(9204)).toMatchObject({ total: 0 }); // not started yet

    held.open();
    await h.services.heavyJobs.idle();
    // The line message now says it is B's turn; A's import finished before B's backup was made.
    expect(h.fake.message(9204, line.message_id)!.text).toBe("▶️ Your turn: starting now.");
    const all = h.fake.sent();
    const aStored = all.findIndex((m) => m.chat_id === 9203 && (m.text ?? "").includes("octo/third") && !(m.text ?? "").startsWith("⏳"));
    const bCreated = all.findIndex((m) => m.chat_id === 9204 && (m.text ?? "").startsWith("✅"));
    expect(aStored).toBeGreaterThanOrEqual(0);
    expect(bCreated).toBeGreaterThan(aStored);
    expect((await h.services.backups.list(9204)).total).toBe(1);
  });
});
