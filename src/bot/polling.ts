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

/** What main needs of either way of polling. */
export interface Polling {
  /** Stops fetching updates (the runner does not send a last getUpdates; `bot.stop()` does, to confirm the offset). */
  stop(): Promise<void>;
  /** Settles when polling ends; rejects on an error it cannot retry (a revoked token, a second poller). */
  task(): Promise<void> | undefined;
}

/**
 * grammY's plain `bot.start()`: one update at a time for everybody (BOT_RUNNER=simple). Kept only
 * as the baseline `npm run load` measures the runner against; the runner is the default.
 */
export function startSimplePolling(bot: Bot<BotContext>): Polling {
  const done = bot.start();
  return { stop: () => bot.stop(), task: () => done };
}
