import type { BackupService } from "../backups/backup-service.js";
import type { BackupSummary } from "../backups/backup-types.js";
import type { FileLibrary } from "../files/file-library.js";
import type { FileSummary } from "../files/file-types.js";
import type { BotContext } from "./context.js";

/**
 * The ownership check every button carrying an id makes before anything else: the id must
 * name one of the caller's own files or backups. Otherwise the user is told "not found" and
 * the handler stops (no conversation, no change). Services check the user again.
 */
export async function ownedFile(ctx: BotContext, files: FileLibrary, id: string | undefined): Promise<FileSummary | undefined> {
  const file = id ? await files.getById(ctx.from!.id, id) : undefined;
  if (!file) await ctx.answerCallbackQuery({ text: ctx.t("file-not-found"), show_alert: true });
  return file;
}

export async function ownedBackup(ctx: BotContext, backups: BackupService, id: string | undefined): Promise<BackupSummary | undefined> {
  const backup = id ? await backups.get(ctx.from!.id, id) : undefined;
  if (!backup) await ctx.answerCallbackQuery({ text: ctx.t("backup-not-found"), show_alert: true });
  return backup;
}
