import { createBotStorage, type ServiceOptions, type Services } from "../../src/app.js";
import { registerCommands } from "../../src/bot/commands.js";
import { createBot, type BotDeps } from "../../src/bot/create-bot.js";
import type { Update } from "grammy/types";
import { afterAll, beforeAll } from "vitest";
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

export interface BotHarnessOptions {
  allowedUserIds?: number[];
  services?: Omit<ServiceOptions, "db" | "events">;
  driveProgressEveryMs?: number;
  /** Keeps every log line (debug and up, events included) here. */
  logLines?: string[];
}

/** Real services on the test MongoDB + the real bot talking to the fake Telegram in-process. */
export async function startBotHarness(opts: BotHarnessOptions = {}): Promise<BotHarness> {
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
      networkRetryDelaysMs: [10, 20, 40],
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

/**
 * A harness for the tests of the file (or describe block) that calls this: started
 * before them and stopped after them, by hooks registered here, before the caller's
 * own. What it returns stands for the started harness — reads and writes pass
 * through, `h.bot = …` included — so no setup is needed: `const h = useBotHarness();`.
 */
export function useBotHarness(opts: BotHarnessOptions = {}): BotHarness {
  let started: BotHarness | undefined;
  beforeAll(async () => {
    started = await startBotHarness(opts);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const current = (): BotHarness => {
    if (!started) throw new Error("the bot harness starts in beforeAll: use it inside tests and hooks");
    return started;
  };
  return new Proxy({} as BotHarness, {
    get: (_, key) => Reflect.get(current(), key),
    set: (_, key, value) => Reflect.set(current(), key, value),
  });
}
