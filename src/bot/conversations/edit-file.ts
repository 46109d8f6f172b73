import { FileError } from "../../files/file-types.js";
import type { FileLibrary } from "../../files/file-library.js";
import { MAX_NOTE_LENGTH } from "../../files/tags.js";
import type { BotConversation, InnerContext } from "../context.js";
import { remind } from "./remind.js";
import { errorText } from "../error-messages.js";
import { formatTags } from "../format.js";

export const EDIT_FILE = "edit-file";
export type EditableField = "note" | "tags";

/** Asks for a new note or tag list for a file; "-" clears it, /cancel leaves it as it was. */
export function editFileConversation(deps: { files: FileLibrary }) {
  return async function editFile(conversation: BotConversation, ctx: InnerContext, fileId: string, field: EditableField) {
    const userId = ctx.from!.id;
    const file = await conversation.external(async () => {
      const f = await deps.files.getById(userId, fileId);
      return f ? { fileName: f.fileName, note: f.note, tags: f.tags } : undefined;
    });
    if (!file) {
      await ctx.reply(ctx.t("file-not-found"));
      return;
    }
    const current = field === "note" ? file.note : formatTags(file.tags);
    await ctx.reply(
      ctx.t(field === "note" ? "note-ask" : "tags-ask", {
        name: file.fileName,
        current: current || "—",
        max: String(MAX_NOTE_LENGTH),
      }),
    );
    for (;;) {
      const answer = await conversation.waitFor("message:text", {
        otherwise: remind("edit-expect-text"),
      });
      const text = answer.message.text;
      if (text.startsWith("/")) await conversation.halt({ next: true });
      const value = text.trim() === "-" ? "" : text;
      const result = await conversation.external(async () => {
        try {
          const updated = field === "note" ? await deps.files.setNote(userId, fileId, value) : await deps.files.setTags(userId, fileId, value);
          return { ok: true as const, note: updated.note, tags: updated.tags };
        } catch (err) {
          if (err instanceof FileError) return { ok: false as const, code: err.code };
          throw err;
        }
      });
      if (result.ok) {
        const shown = field === "note" ? result.note : formatTags(result.tags);
        await answer.reply(answer.t(field === "note" ? "note-saved" : "tags-saved", { name: file.fileName, value: shown || "—" }));
        return;
      }
      await answer.reply(errorText(answer.t, { kind: "file", code: result.code }));
      if (result.code === "not_found") return;
    }
  };
}
