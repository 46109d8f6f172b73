import type { InnerContext } from "../context.js";

/**
 * What a conversation says to an update it was not waiting for: a button press gets
 * an answer (so its spinner stops), anything else a reply. Either way, /cancel leaves.
 */
export function remind(key: string) {
  return async (ctx: InnerContext): Promise<void> => {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t(key), show_alert: true });
    else await ctx.reply(ctx.t(key));
  };
}
