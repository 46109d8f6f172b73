import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { createLogger } from "../../src/logger.js";
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
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger("info", new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
    h.bot = h.newBot({ files: broken, logger } as never).bot;
    const errorsBefore = await h.events.count("bot_error");
    const update = user.sendText("/files");
    await h.send(update);
    expect(h.fake.lastSent(40)!.text).toBe("⚠️ Something went wrong on my side. Nothing you saved was lost; please try again in a moment.");
    expect(await h.events.count("bot_error")).toBe(errorsBefore + 1);
    // Logged once, by the error boundary's child logger, with the update it belongs to.
    const failed = lines.filter((l) => l["msg"] === "update failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ updateId: update.update_id, userId: 40, err: { message: "database went away" } });
    h.bot = h.newBot().bot;
    expect((await h.services.files.list(40)).total).toBe(1);
  });

  it("a known service error is told in its own words by the one error mapping, and is not logged as a failure", async () => {
    const user = h.fake.user(42);
    const errorsBefore = await h.events.count("bot_error");
    await h.send(user.sendText(`/save many.py ${Array.from({ length: 21 }, (_, i) => `#t${i}`).join(" ")}`));
    expect(h.fake.lastSent(42)!.text).toBe("Too many tags: at most 20.");
    expect(await h.events.count("bot_error")).toBe(errorsBefore);
    await h.send(user.sendText("print('no question is open')"));
    expect(h.fake.lastSent(42)!.text).toMatch(/^💾 Saving code/);
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

  it("Telegram unreachable for a moment: the reply is tried again and arrives once", async () => {
    const user = h.fake.user(43);
    const sentBefore = h.fake.calls("sendMessage").filter((c) => Number(c.params["chat_id"]) === 43).length;
    h.fake.failNext("sendMessage", { network: true }, { times: 2 });
    await h.send(user.sendText("/start"));
    expect(h.fake.lastSent(43)!.text).toContain("Hi User43!");
    const answered = h.fake.sent(43).filter((m) => m.text?.includes("Hi User43!"));
    expect(answered).toHaveLength(1);
    expect(h.fake.calls("sendMessage").filter((c) => Number(c.params["chat_id"]) === 43).length - sentBefore).toBe(3);
  });

  it("Telegram unreachable for longer: the update gives up after a few tries instead of hanging, and the next one is answered", async () => {
    const user = h.fake.user(44);
    const errorsBefore = await h.events.count("bot_error");
    h.fake.failNext("sendMessage", { network: true }, { times: 4 });
    await h.send(user.sendText("/start"));
    // The welcome never got through; once Telegram answers again the user is told something failed.
    expect(h.fake.sent(44).map((m) => m.text)).toEqual(["⚠️ Something went wrong on my side. Nothing you saved was lost; please try again in a moment."]);
    expect(await h.events.count("bot_error")).toBe(errorsBefore + 1);
    await h.send(user.sendText("/start"));
    expect(h.fake.lastSent(44)!.text).toContain("Hi User44!");
  });
});
