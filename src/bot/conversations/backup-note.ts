import { BackupError } from "../../backups/backup-types.js";
import { MAX_BACKUP_NOTE_LENGTH, type BackupService } from "../../backups/backup-service.js";
import type { BotConversation, InnerContext } from "../context.js";
import { remind } from "./remind.js";
import { errorText } from "../error-messages.js";

export const BACKUP_NOTE = "backup-note";

/** Asks for a backup's note (up to 1000 characters; "-" clears it; /cancel leaves it as it was). */
export function backupNoteConversation(deps: { backups: BackupService }) {
  return async function backupNote(conversation: BotConversation, ctx: InnerContext, backupId: string) {
    const userId = ctx.from!.id;
    const current = await conversation.external(async () => {
      const b = await deps.backups.get(userId, backupId);
      return b ? { note: b.note ?? "" } : undefined;
    });
    if (!current) {
      await ctx.reply(ctx.t("backup-not-found"));
      return;
    }
    await ctx.reply(ctx.t("backup-note-ask", { max: String(MAX_BACKUP_NOTE_LENGTH), current: current.note || "—" }));
    for (;;) {
      const answer = await conversation.waitFor("message:text", { otherwise: remind("edit-expect-text") });
      const text = answer.message.text;
      if (text.startsWith("/")) await conversation.halt({ next: true });
      const result = await conversation.external(async () => {
        try {
          const b = await deps.backups.setNote(userId, backupId, text.trim() === "-" ? "" : text);
          return { ok: true as const, note: b.note ?? "" };
        } catch (err) {
          if (err instanceof BackupError) return { ok: false as const, code: err.code };
          throw err;
        }
      });
      if (result.ok) {
        await answer.reply(answer.t("backup-note-saved", { value: result.note || "—" }));
        return;
      }
      await answer.reply(errorText(answer.t, { kind: "backup", code: result.code }));
      if (result.code !== "note_too_long") return;
    }
  };
}
