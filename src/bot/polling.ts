import { run, type RunnerHandle } from "@grammyjs/runner";
import type { Bot } from "grammy";
import type { Events } from "../events.js";
import { scrubSecrets } from "../logger.js";
import type { BotContext } from "./context.js";

export interface PollingOptions {
  /** The most updates handled at once; the runner stops fetching while that many are in flight. */
  maxConcurrent: number;
  events: Events;
}

/**
 * Long polling with @grammyjs/runner: updates are handled concurrently (create-bot keeps one
 * chat's updates in order with `sequentialize`), at most `maxConcurrent` at a time. Unlike
 * `bot.start()`, stopping does not send a last getUpdates to confirm the offset, so a stop
 * cannot hang on an unreachable Bot API; updates fetched but unhandled are delivered again.
 */
export function startPolling(bot: Bot<BotContext>, opts: PollingOptions): RunnerHandle {
  // The runner would print fetch errors with console.error; they go through our events (and logs) instead.
  bot.api.config.use(async (prev, method, payload, signal) => {
    try {
      return await prev(method, payload, signal);
    } catch (err) {
      if (method === "getUpdates" && !signal?.aborted) {
        opts.events.emit("polling_fetch_failed", "warn", { error: scrubSecrets(err instanceof Error ? err.message : String(err)) });
      }
      throw err;
    }
  });
  return run(bot, {
    runner: { silent: true },
    sink: { concurrency: opts.maxConcurrent },
  });
}
