import { isLocale, type UserSettings } from "../users/user-settings.js";
import type { BotContext } from "./context.js";

/**
 * Scheduler notices are sent outside any update, where Telegram's language_code is unknown:
 * when a user starts something that will notify them later (a schedule, a retried upload) and
 * has not chosen a language, keep the one this chat speaks.
 */
export async function rememberLocale(ctx: BotContext, settings: UserSettings): Promise<void> {
  const userId = ctx.from?.id;
  if (userId === undefined || (await settings.getLocale(userId))) return;
  const locale = await ctx.i18n.getLocale();
  if (isLocale(locale)) await settings.setLocale(userId, locale);
}
