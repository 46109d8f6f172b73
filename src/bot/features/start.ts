import { Composer } from "grammy";
import { patterns } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { homeButton, mainMenuKeyboard } from "../keyboards/main-menu.js";

/** /start, /help and the main menu. */
export function startFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command("start", async (ctx) => {
    await ctx.reply(ctx.t("start-welcome", { name: ctx.from?.first_name ?? "" }), {
      reply_markup: mainMenuKeyboard(ctx.t),
    });
  });

  composer.command("help", (ctx) => ctx.reply(ctx.t("help-text"), { reply_markup: homeButton(ctx.t) }));

  composer.callbackQuery(patterns.menu, async (ctx, next) => {
    const item = ctx.match[1];
    switch (item) {
      case "home":
        await ctx.answerCallbackQuery();
        return ctx.editMessageText(ctx.t("menu-title"), { reply_markup: mainMenuKeyboard(ctx.t) });
      case "help":
        await ctx.answerCallbackQuery();
        return ctx.editMessageText(ctx.t("help-text"), { reply_markup: homeButton(ctx.t) });
      case "save":
        await ctx.answerCallbackQuery();
        return ctx.editMessageText(ctx.t("save-how"), { reply_markup: homeButton(ctx.t) });
      default:
        return next(); // files, backups, restore, drive and language belong to their own features
    }
  });

  return composer;
}

