import { Composer, InlineKeyboard } from "grammy";
import type { BackupService } from "../../backups/backup-service.js";
import { parseRepoRef } from "../../imports/github.js";
import type { GitHubImporter } from "../../imports/github-import.js";
import { cb, patterns } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { ownedBackup } from "../owned.js";
import { RESTORE } from "../conversations/restore.js";
import { formatBytes } from "../format.js";
import { userMessage } from "../error-messages.js";
import { restorePickKeyboard } from "../keyboards/backups.js";
import { TELEGRAM_DOWNLOAD_LIMIT } from "../telegram-files.js";
import type { StartHeavy } from "../heavy-work.js";

/** Ways into a restore: a backup's ♻️ button, /restore, a ZIP the user sends, and /github. */
export function restoreFeature(deps: { backups: BackupService; github: GitHubImporter; startHeavy: StartHeavy }): Composer<BotContext> {
  const { backups } = deps;
  const composer = new Composer<BotContext>();

  async function showPicker(ctx: BotContext, pageNo: number, edit: boolean) {
    const page = await backups.list(ctx.from!.id, { page: pageNo, pageSize: 10 });
    const text = page.total ? ctx.t("restore-choose") : ctx.t("restore-no-backups");
    const options = { reply_markup: restorePickKeyboard(ctx.t, page) };
    if (edit) await ctx.editMessageText(text, options);
    else await ctx.reply(text, options);
  }

  composer.command("restore", (ctx) => showPicker(ctx, 0, false));
  composer.callbackQuery(cb.menu("restore"), async (ctx) => {
    await ctx.answerCallbackQuery();
    await showPicker(ctx, 0, true);
  });
  composer.callbackQuery(patterns.restoreList, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showPicker(ctx, Number(ctx.match[1]), true);
  });

  composer.callbackQuery(patterns.backupRestore, async (ctx) => {
    const backup = await ownedBackup(ctx, backups, ctx.match[1]);
    if (!backup) return;
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(RESTORE, { kind: "backup", backupId: backup.id });
  });

  // Any ZIP the user sends goes through the same restore flow.
  composer.on("message:document", async (ctx, next) => {
    const doc = ctx.message.document;
    if (!isZip(doc.file_name, doc.mime_type)) return next();
    if ((doc.file_size ?? 0) > TELEGRAM_DOWNLOAD_LIMIT) {
      return ctx.reply(ctx.t("import-too-large", { limit: formatBytes(TELEGRAM_DOWNLOAD_LIMIT) }));
    }
    await ctx.conversation.enter(RESTORE, { kind: "upload", fileId: doc.file_id, fileName: doc.file_name ?? "archive.zip" });
  });

  composer.command("github", async (ctx) => {
    const ref = parseRepoRef(ctx.match);
    if (!ref) return ctx.reply(ctx.t("github-usage"));
    const label = `${ref.owner}/${ref.repo}${ref.branch ? `@${ref.branch}` : ""}`;
    // A heavy job: refused while another of this user's runs, queued when the server is busy.
    deps.startHeavy(ctx, "import", async () => {
      let stored;
      try {
        stored = await deps.github.importRepo(ctx.from!.id, ref, async () => {
          await ctx.reply(ctx.t("github-downloading", { repo: label }));
          await ctx.replyWithChatAction("upload_document");
        });
      } catch (err) {
        const text = userMessage(ctx.t, err, { repo: label }); // only the repository name is ours to add
        if (text === undefined) throw err;
        return ctx.reply(text);
      }
      await ctx.reply(ctx.t("github-stored", { repo: label, size: formatBytes(stored.zipSize), count: stored.fileCount }), {
        reply_markup: new InlineKeyboard().text(ctx.t("btn-import-repo"), cb.backupRestore(stored.id)).row().text(ctx.t("btn-home"), cb.menu("home")),
      });
    });
  });

  return composer;
}

export function isZip(fileName: string | undefined, mimeType: string | undefined): boolean {
  return /\.zip$/i.test(fileName ?? "") || mimeType === "application/zip" || mimeType === "application/x-zip-compressed";
}
