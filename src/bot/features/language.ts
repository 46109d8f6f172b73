import { Composer, InlineKeyboard } from "grammy";
import { isLocale, SUPPORTED_LOCALES, type UserSettings } from "../../users/user-settings.js";
import { cb, patterns } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { homeButton } from "../keyboards/main-menu.js";

/** /language: pick English or Hebrew; the choice is kept per user. */
export function languageFeature(deps: { settings: UserSettings }): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  const keyboard = (ctx: BotContext) => {
    const kb = new InlineKeyboard();
    for (const code of SUPPORTED_LOCALES) kb.text(ctx.t(`language-name-${code}`), cb.language(code));
    return kb.row().text(ctx.t("btn-home"), cb.menu("home"));
  };

  composer.command("language", (ctx) => ctx.reply(ctx.t("language-choose"), { reply_markup: keyboard(ctx) }));
  composer.callbackQuery(cb.menu("language"), async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t("language-choose"), { reply_markup: keyboard(ctx) });
  });

  composer.callbackQuery(patterns.language, async (ctx) => {
    const code = ctx.match[1];
    if (!isLocale(code)) return ctx.answerCallbackQuery({ text: ctx.t("button-expired"), show_alert: true });
    await deps.settings.setLocale(ctx.from.id, code);
    ctx.i18n.useLocale(code);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t("language-set"), { reply_markup: homeButton(ctx.t) });
  });

  return composer;
}
