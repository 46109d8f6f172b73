import type { RunnerHandle } from "@grammyjs/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBotStorage } from "../../src/app.js";
import { createBot } from "../../src/bot/create-bot.js";
import { startPolling } from "../../src/bot/polling.js";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";
import { FAKE_API_ROOT } from "../support/fake-telegram/index.js";
import { plainZip } from "../support/zip-fixtures.js";

/**
 * Updates handled concurrently by the runner, as in production polling: while one user's
 * update is busy (a restore waiting on a slow download of their ZIP), another user is answered.
 * Ordering is checked, not time: A's result comes after B's reply.
 */
let h: BotHarness;
let runner: RunnerHandle;
let releaseDownloads!: () => void;
const downloadsHeld = new Promise<void>((resolve) => (releaseDownloads = resolve));
let downloadsWaiting = 0;

beforeAll(async () => {
  h = await startBotHarness();
  // The fake Telegram, with file downloads (not API calls) held until the test lets them go.
  const fetch = async (input: string, init?: RequestInit) => {
    if (String(input).includes("/file/bot")) {
      downloadsWaiting++;
      await downloadsHeld;
    }
    return (h.fake.fetch as unknown as (i: string, r?: RequestInit) => Promise<Response>)(input, init);
  };
  const { bot } = createBot({
    token: h.fake.token,
    apiRoot: FAKE_API_ROOT,
    fetch: fetch as never,
    botInfo: h.fake.botInfo,
    defaultLocale: "en",
    logger: h.logger,
    events: h.events,
    storage: createBotStorage(h.db),
    ...h.services,
  });
  runner = startPolling(bot, { maxConcurrent: 10, events: h.events });
});

afterAll(async () => {
  releaseDownloads();
  await runner?.stop();
  await h?.stop();
});

describe("many users at once (polling through the runner)", () => {
  it("answers B while A's update is still busy with a slow download, and A's result comes after B's reply", async () => {
    const a = h.fake.user(9101);
    const b = h.fake.user(9102);
    a.sendDocument(await plainZip({ "slow/one.py": "print(1)\n", "slow/two.py": "print(2)\n" }), "project.zip", { mimeType: "application/zip" });
    await h.fake.waitFor(() => downloadsWaiting === 1, 10_000); // A's restore is now waiting on its download

    b.sendText("/help");
    const help = await h.fake.waitForSent(9102, (m) => (m.text ?? "").includes("/backup"), 10_000);
    expect(h.fake.sent(9101).filter((m) => (m.text ?? "").includes("Restore preview"))).toEqual([]); // A is still waiting

    releaseDownloads();
    const preview = await h.fake.waitForSent(9101, (m) => (m.text ?? "").includes("Restore preview"), 10_000);
    expect(preview.text).toContain("2 new");
    const order = h.fake.sent().map((m) => m.message_id + ":" + m.chat_id);
    expect(order.indexOf(`${help.message_id}:9102`)).toBeLessThan(order.indexOf(`${preview.message_id}:9101`));
  });

  it("keeps one chat's updates in order: a command sent right after another is answered after it", async () => {
    const c = h.fake.user(9103);
    c.sendText("/start");
    c.sendText("/help");
    await h.fake.waitFor(() => h.fake.sent(9103).length >= 2, 10_000);
    const [first, second] = h.fake.sent(9103);
    expect(first!.text).toContain("Hi User9103");
    expect(second!.text).toContain("/backup");
  });
});
