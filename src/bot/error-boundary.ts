import type { I18n } from "@grammyjs/i18n";
import type { BotError, Context } from "grammy";
import type { Events } from "../events.js";
import type { Logger } from "../logger.js";
import type { Locale } from "../users/user-settings.js";
import type { BotContext } from "./context.js";
import { userMessage } from "./error-messages.js";
import { clip } from "./format.js";
import { escapeVars, plainText, type Translate } from "./html.js";

/**
 * The bot's one error handler (for `bot.errorBoundary` and `bot.catch`). A service error we
 * have words for becomes that message; anything else is logged with the update id and the
 * user hears "something went wrong". Never contents or tokens in the log: ids and the error.
 */
export function errorReporter(deps: { logger: Logger; events: Events; i18n: I18n<Context>; defaultLocale: Locale }) {
  return async function reportError(err: BotError<BotContext>): Promise<void> {
    const { ctx, error } = err;
    // ctx.t is missing only when the failure came before the i18n plugin (e.g. the locale lookup).
    const t: Translate = typeof ctx.t === "function" ? ctx.t : (key, vars) => deps.i18n.t(deps.defaultLocale, key, escapeVars(vars));
    const known = userMessage(t, error);
    if (known === undefined) {
      const log = deps.logger.child({ updateId: ctx.update.update_id, userId: ctx.from?.id });
      log.error({ err: error }, "update failed");
      // The counted event (ids, name, message) and, above, the diagnostic line with the stack; the logger scrubs secrets from both.
      deps.events.emit("bot_error", "error", {
        updateId: ctx.update.update_id,
        userId: ctx.from?.id,
        errorName: error instanceof Error ? error.name : typeof error,
        errorMessage: error instanceof Error ? error.message : String(error),
      });
    }
    const text = known ?? t("error-generic");
    try {
      // An alert if the button press is still unanswered; otherwise (or for messages) a reply.
      // Alerts have no parse mode and hold 200 characters.
      const alert = clip(plainText(text), 200);
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: alert, show_alert: true }).catch(() => ctx.reply(text));
      else if (ctx.chat) await ctx.reply(text);
    } catch {
      // Telegram itself may be what failed; the log line above is what we have.
    }
  };
}
