import { Composer } from "grammy";
import { patterns } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { raw } from "../html.js";
import { homeButton, mainMenuKeyboard } from "../keyboards/main-menu.js";

/** /start, /help and the main menu, plus the menu items later releases bring. */
export function startFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command("start", async (ctx) => {
    await ctx.reply(ctx.t("start-welcome", { name: ctx.from?.first_name ?? "" }), {
      reply_markup: mainMenuKeyboard(ctx.t),
    });
  });

  composer.command("help", (ctx) => ctx.reply(ctx.t("help-text"), { reply_markup: homeButton(ctx.t) }));

  composer.command("drive", (ctx) => ctx.reply(unavailable(ctx, "drive"), { reply_markup: homeButton(ctx.t) }));

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
      case "drive":
        return ctx.answerCallbackQuery({ text: unavailable(ctx, item), show_alert: true });
      default:
        return next(); // files, backups, restore and language belong to their own features
    }
  });

  return composer;
}

function unavailable(ctx: BotContext, feature: "drive"): string {
  return ctx.t("feature-unavailable", { feature: raw(ctx.t(`feature-name-${feature}`)) });
}

