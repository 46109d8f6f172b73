import { Composer } from "grammy";
import type { FileLibrary } from "../../files/file-library.js";
import { normalizeTags } from "../../files/tags.js";
import { patterns } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { ownedFile } from "../owned.js";
import { EDIT_FILE } from "../conversations/edit-file.js";
import { SAVE_CODE } from "../conversations/save-code.js";
import { saveDocument, type DownloadOptions } from "../save-outcome.js";
import { replySaveOutcome } from "../save-replies.js";

/** Saving files: a sent document, `/save <name>` + code, and the note/tag editors. */
export function saveFeature(deps: { files: FileLibrary; download: DownloadOptions }): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command("save", async (ctx) => {
    const parsed = parseSaveArgs(ctx.match);
    if (!parsed) return ctx.reply(ctx.t("save-usage"));
    // Too many tags throws a FileError, which the error boundary tells the user.
    await ctx.conversation.enter(SAVE_CODE, parsed.fileName, normalizeTags(parsed.tags));
  });

  composer.on("message:document", async (ctx) => {
    // "typing…" while the file is fetched and saved: sent alongside, not waited for before the work
    // starts (it is only a hint), but settled before the answer so it cannot arrive after it.
    const typing = ctx.replyWithChatAction("typing").catch(() => undefined);
    const outcome = await saveDocument(ctx, deps.files, deps.download);
    await typing;
    await replySaveOutcome(ctx, outcome);
  });

  composer.callbackQuery([patterns.fileNote, patterns.fileTags], async (ctx) => {
    const file = await ownedFile(ctx, deps.files, ctx.match[1]);
    if (!file) return;
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(EDIT_FILE, file.id, patterns.fileNote.test(ctx.callbackQuery.data) ? "note" : "tags");
  });

  // Plain text outside any conversation: explain how saving works.
  composer.on("message:text", (ctx) => ctx.reply(ctx.t("save-how")));

  return composer;
}

/** `app.py #a #b` or `"my script.sh" #a` → name and tag words; undefined without a name. */
export function parseSaveArgs(args: string): { fileName: string; tags: string[] } | undefined {
  const match = /^\s*(?:"([^"]+)"|(\S+))\s*(.*)$/s.exec(args);
  const fileName = (match?.[1] ?? match?.[2])?.trim();
  if (!fileName || fileName.startsWith("#")) return undefined;
  return { fileName, tags: match![3]!.split(/\s+/).filter(Boolean) };
}
