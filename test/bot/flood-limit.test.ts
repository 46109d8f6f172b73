import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBotStorage } from "../../src/app.js";
import { createBot } from "../../src/bot/create-bot.js";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";
import { FAKE_API_ROOT } from "../support/fake-telegram/index.js";

/** A flood from one user is throttled (told once, in their language); another user is still answered. */
let h: BotHarness;
let bot: ReturnType<typeof createBot>["bot"];

beforeAll(async () => {
  h = await startBotHarness();
  ({ bot } = createBot({
    token: h.fake.token,
    apiRoot: FAKE_API_ROOT,
    fetch: h.fake.fetch as never,
    botInfo: h.fake.botInfo,
    defaultLocale: "en",
    logger: h.logger,
    events: h.events,
    storage: createBotStorage(h.db),
    userUpdatesPerMinute: 5,
    ...h.services,
  }));
});

afterAll(async () => {
  await h?.stop();
});

const helpReplies = (chatId: number) => h.fake.sent(chatId).filter((m) => (m.text ?? "").includes("/backup")).length;

describe("a flood of messages from one user", () => {
  it("answers the first messages, skips the rest with one warning, and still answers another user", async () => {
    const flooder = h.fake.user(9301);
    const other = h.fake.user(9302, { languageCode: "he" });
    await Promise.all(Array.from({ length: 12 }, () => bot.handleUpdate(flooder.sendText("/help"))));
    await bot.handleUpdate(other.sendText("/help"));

    expect(helpReplies(9301)).toBe(5);
    expect(h.fake.sent(9301).filter((m) => (m.text ?? "").startsWith("🐢"))).toEqual([
      expect.objectContaining({ text: "🐢 Slow down a little — you sent too many messages at once, so I skipped some of them. Wait a minute, then go on." }),
    ]);
    expect(h.fake.sent(9302)).toHaveLength(1);
    expect(h.fake.sent(9302)[0]!.text).not.toMatch(/^🐢/);

    // The same in Hebrew for a Hebrew user.
    await Promise.all(Array.from({ length: 6 }, () => bot.handleUpdate(other.sendText("/help"))));
    expect(h.fake.sent(9302).filter((m) => (m.text ?? "").startsWith("🐢")).map((m) => m.text)).toEqual(["🐢 לאט לאט — שלחת יותר מדי הודעות בבת אחת, אז דילגתי על חלק מהן. המתן דקה ואז המשך."]);
    expect(helpReplies(9302)).toBe(5);
  });
});
