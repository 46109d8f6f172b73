import { createBotStorage, type ServiceOptions, type Services } from "../../src/app.js";
import { registerCommands } from "../../src/bot/commands.js";
import { createBot, type BotDeps } from "../../src/bot/create-bot.js";
import type { Update } from "grammy/types";
import { createFakeTelegram, FAKE_API_ROOT, type FakeTelegram } from "./fake-telegram/index.js";
import { startServices, type TestServices } from "./services.js";

export interface BotHarness extends TestServices {
  fake: FakeTelegram;
  /** Builds a bot instance over the same database and fake Telegram (a "restart" is just another call). */
  newBot(overrides?: Partial<Services> & Pick<Partial<BotDeps>, "schedules" | "defaultTimezone">): ReturnType<typeof createBot>;
  bot: ReturnType<typeof createBot>["bot"];
  /** Hands an update to the current bot, as polling would, and waits for the heavy jobs it started in the background. */
  send(update: Update): Promise<void>;
}

/** Real services on the test MongoDB + the real bot talking to the fake Telegram in-process. */
export async function startBotHarness(
  opts: { allowedUserIds?: number[]; services?: Omit<ServiceOptions, "db" | "events">; driveProgressEveryMs?: number; logLines?: string[] } = {},
): Promise<BotHarness> {
  const env = await startServices(opts.services, opts.logLines);
  const fake = createFakeTelegram();
  const newBot = (overrides: Partial<Services> & Pick<Partial<BotDeps>, "schedules" | "defaultTimezone"> = {}) =>
    createBot({
      token: fake.token,
      apiRoot: FAKE_API_ROOT,
      fetch: fake.fetch as never,
      botInfo: fake.botInfo,
      defaultLocale: "en",
      allowedUserIds: opts.allowedUserIds ? new Set(opts.allowedUserIds) : undefined,
      logger: env.logger,
      events: env.events,
      storage: createBotStorage(env.db),
      driveProgressEveryMs: opts.driveProgressEveryMs,
      ...env.services,
      ...overrides,
    });
  const first = newBot();
  await registerCommands(first.bot.api, first.i18n as never);
  const harness: BotHarness = {
    ...env,
    fake,
    newBot,
    bot: first.bot,
    send: async (update) => {
      await harness.bot.handleUpdate(update);
      await env.services.heavyJobs.idle();
    },
  };
  return harness;
}
