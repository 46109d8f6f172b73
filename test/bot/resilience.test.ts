import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe("error boundary and retries", () => {
  it("a failing service gives the user a clear message and a logged event, nothing else changes", async () => {
    const user = h.fake.user(40);
    await h.services.files.save(40, { fileName: "keep.py", content: "x = 1" });
    const broken = Object.create(h.services.files) as typeof h.services.files;
    broken.list = async () => {
      throw new Error("database went away");
    };
    h.bot = h.newBot({ files: broken }).bot;
    const errorsBefore = await h.events.count("bot_error");
    await h.send(user.sendText("/files"));
    expect(h.fake.lastSent(40)!.text).toBe("⚠️ Something went wrong on my side. Nothing you saved was lost; please try again in a moment.");
    expect(await h.events.count("bot_error")).toBe(errorsBefore + 1);
    h.bot = h.newBot().bot;
    expect((await h.services.files.list(40)).total).toBe(1);
  });

  it("retries Telegram's 429 outside and inside conversations", async () => {
    const user = h.fake.user(41);
    h.fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    await h.send(user.sendText("/start"));
    expect(h.fake.lastSent(41)!.text).toContain("Hi User41!");

    await h.send(user.sendText("/save retry.py"));
    h.fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    await h.send(user.sendText("print('retried')"));
    expect(h.fake.lastSent(41)!.text).toBe("✅ Saved retry.py (python, 16 B).");
  });
});
