import type { I18n } from "@grammyjs/i18n";
import { limit } from "@grammyjs/ratelimiter";
import type { Context, MiddlewareFn } from "grammy";
import type { Logger } from "../logger.js";
import type { BotI18nFlavor } from "./context.js";
import { translations } from "./i18n.js";

/**
 * A flood from one user is dropped here, before it queues behind that user's other updates,
 * so it neither holds update slots nor delays anyone else (the count is per user). The user
 * hears once per minute that some of their messages were skipped; nothing of theirs changes.
 */
export function floodLimit(opts: { perMinute: number; i18n: I18n<Context>; logger: Logger }): MiddlewareFn<Context> {
  const tell = translations(opts.i18n).middleware();
  return limit<Context, never>({
    timeFrame: 60_000,
    limit: opts.perMinute,
    keyGenerator: (ctx) => ctx.from?.id.toString(),
    // Returned, so the update that crossed the limit ends once the warning is sent.
    onLimitExceeded: async (ctx) => {
      opts.logger.warn({ userId: ctx.from?.id, perMinute: opts.perMinute }, "a user's flood of updates is throttled");
      try {
        await tell(ctx, async () => {
          if (ctx.chat) await ctx.reply((ctx as Context & BotI18nFlavor).t("flood-slow-down"));
        });
      } catch {
        // Telegram or the locale lookup failing here changes nothing: the updates are skipped anyway.
      }
    },
  }) as MiddlewareFn<Context>;
}
