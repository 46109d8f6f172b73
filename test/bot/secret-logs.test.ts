import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBotStorage } from "../../src/app.js";
import { createBot } from "../../src/bot/create-bot.js";
import { Events } from "../../src/events.js";
import { createLogger } from "../../src/logger.js";
import { createFakeTelegram, FAKE_API_ROOT } from "../support/fake-telegram/index.js";
import { startServices, type TestServices } from "../support/services.js";

/** A token shaped like a real one (BotFather's secrets are 35 characters). */
const TOKEN = "7123456789:AAHk3x9Qw-Zr_Lm8Vn2Pq5Ts7Uv0Wx4Yz1Bc";

let env: TestServices;
beforeAll(async () => {
  env = await startServices();
});
afterAll(async () => {
  await env?.stop();
});

describe("secrets in logs", () => {
  it("a file download that fails with its URL (token inside) in the error logs no token", async () => {
    const fake = createFakeTelegram({ token: TOKEN });
    const lines: string[] = [];
    const logger = createLogger("info", { write: (line: string) => lines.push(line) });
    const events = new Events(logger);
    // The transport fails the way undici and proxies do: the message names the URL it tried.
    const fetchWithBrokenDownloads = async (input: string, init?: RequestInit): Promise<Response> => {
      if (String(input).includes("/file/bot")) throw new TypeError(`fetch failed: connect ECONNRESET ${String(input)}`);
      return (fake.fetch as (i: string, n?: RequestInit) => Promise<Response>)(input, init);
    };
    const { bot } = createBot({
      token: TOKEN,
      apiRoot: FAKE_API_ROOT,
      fetch: fetchWithBrokenDownloads,
      botInfo: fake.botInfo,
      defaultLocale: "en",
      logger,
      events,
      storage: createBotStorage(env.db),
      ...env.services,
    });
    const user = fake.user(90);
    await bot.handleUpdate(user.sendDocument(Buffer.from("print('hi')\n"), "hello.py"));

    expect(fake.lastSent(90)!.text).toBe("⚠️ Something went wrong on my side. Nothing you saved was lost; please try again in a moment.");
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const error = logged.find((l) => l.event === "bot_error");
    expect(error?.errorMessage).toMatch(/^fetch failed: connect ECONNRESET .*\/file\/bot\[redacted\]\//);
    expect(lines.join("")).not.toContain(TOKEN);
    expect(lines.join("")).not.toContain(TOKEN.split(":")[1]);
    expect((await env.services.files.list(90)).total).toBe(0);
  });
});
