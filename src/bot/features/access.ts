import type { Context, MiddlewareFn } from "grammy";
import type { BotI18nFlavor } from "../context.js";

/** When ALLOWED_USER_IDS is set, everyone else is turned away politely and nothing is stored for them. */
export function allowList<C extends Context & BotI18nFlavor>(allowed: ReadonlySet<number> | undefined): MiddlewareFn<C> {
  return async (ctx, next) => {
    if (!allowed || (ctx.from && allowed.has(ctx.from.id))) return next();
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t("not-allowed", { id: ctx.from?.id ?? "?" }), show_alert: true });
    else if (ctx.chat?.type === "private") await ctx.reply(ctx.t("not-allowed", { id: ctx.from?.id ?? "?" }));
  };
}
