import { InlineKeyboard } from "grammy";
import type { Context } from "grammy";
import { MAX_FILE_BYTES } from "../files/file-types.js";
import { cb } from "./callback-data.js";
import type { BotI18nFlavor } from "./context.js";
import { errorText } from "./error-messages.js";
import { formatBytes } from "./format.js";
import type { SaveOutcome } from "./save-outcome.js";

/** Tells the user, in their language, what became of their file. */
export async function replySaveOutcome(ctx: Context & BotI18nFlavor, outcome: SaveOutcome): Promise<void> {
  switch (outcome.kind) {
    case "saved": {
      const vars = {
        name: outcome.fileName,
        language: outcome.language,
        version: outcome.version,
        size: formatBytes(outcome.size),
      };
      const key = outcome.status === "created" ? "save-created" : outcome.status === "new_version" ? "save-new-version" : "save-unchanged";
      const kb = new InlineKeyboard().text(ctx.t("btn-open"), cb.fileOpen(outcome.id)).text(ctx.t("menu-files"), cb.menu("files"));
      await ctx.reply(ctx.t(key, vars), { reply_markup: kb });
      return;
    }
    case "binary":
      await ctx.reply(ctx.t("save-binary", { name: outcome.fileName }));
      return;
    case "too_large":
      await ctx.reply(ctx.t("save-too-large", { name: outcome.fileName, limit: formatBytes(MAX_FILE_BYTES) }));
      return;
    case "zip":
      await ctx.reply(ctx.t("import-zip-direct"));
      return;
    case "invalid":
      await ctx.reply(errorText(ctx.t, { kind: "file", code: outcome.code }));
      return;
  }
}
