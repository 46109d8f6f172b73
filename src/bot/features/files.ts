import { Composer, InputFile } from "grammy";
import type { FileLibrary } from "../../files/file-library.js";
import type { FileSummary } from "../../files/file-types.js";
import { cb, patterns } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { answerWhile } from "../button-answer.js";
import { ownedFile } from "../owned.js";
import { formatBytes, formatDate, formatTags, MESSAGE_LIMIT } from "../format.js";
import { codeBlock, visibleLength } from "../html.js";
import {
  deleteConfirmKeyboard,
  fileDetailKeyboard,
  fileListKeyboard,
  undoKeyboard,
  versionsKeyboard,
} from "../keyboards/files.js";

/** Versions shown per page: 20 lines and 20 buttons stay far below Telegram's limits. */
export const VERSIONS_PAGE_SIZE = 20;

/** /files: browse the library, open a file, its versions, download, delete and undo. */
export function filesFeature(deps: { files: FileLibrary }): Composer<BotContext> {
  const { files } = deps;
  const composer = new Composer<BotContext>();

  async function showList(ctx: BotContext, page: number, edit: boolean) {
    const userId = ctx.from!.id;
    const result = await files.list(userId, { page, pageSize: 10 });
    ctx.session.filesPage = result.page;
    const text =
      result.total === 0
        ? ctx.t("files-empty")
        : ctx.t("files-title", { total: result.total, page: result.page + 1, pages: result.pages }) +
          "\n\n" +
          result.items.map((f) => fileLine(ctx, f)).join("\n");
    const options = { reply_markup: fileListKeyboard(ctx.t, result) };
    if (edit) await ctx.editMessageText(text, options);
    else await ctx.reply(text, options);
  }

  composer.command("files", (ctx) => showList(ctx, 0, false));
  composer.callbackQuery(cb.menu("files"), (ctx) => answerWhile(ctx, () => showList(ctx, ctx.session.filesPage, true)));
  composer.callbackQuery(patterns.filesPage, (ctx) => answerWhile(ctx, () => showList(ctx, Number(ctx.match[1]), true)));

  composer.callbackQuery(patterns.fileOpen, async (ctx) => {
    const file = await ownedFile(ctx, files, ctx.match[1]);
    if (!file) return;
    // Independent reads, asked at once (and the button answered meanwhile): one round trip instead of three.
    const [, latest, content] = await Promise.all([ctx.answerCallbackQuery(), files.getLatest(ctx.from.id, file.fileName), files.readContent(ctx.from.id, file.id)]);
    const isLatest = latest?.id === file.id;
    const header = fileHeader(ctx, file, isLatest);
    const preview = "\n\n" + codeBlock(content, file.language);
    // Telegram's limit counts the text as the user sees it: the header and the code itself.
    const fits = content.length > 0 && visibleLength(header) + 2 + content.length <= MESSAGE_LIMIT;
    const text = fits ? header + preview : content.length === 0 ? header + "\n\n" + ctx.t("file-empty-content") : header + "\n\n" + ctx.t("file-sent-as-document");
    await ctx.editMessageText(text, {
      reply_markup: fileDetailKeyboard(ctx.t, file, isLatest, ctx.session.filesPage),
    });
    if (!fits && content.length > 0) await sendAsDocument(ctx, file, content);
  });

  composer.callbackQuery(patterns.fileDownload, async (ctx) => {
    const file = await ownedFile(ctx, files, ctx.match[1]);
    if (!file) return;
    await ctx.answerCallbackQuery();
    await sendAsDocument(ctx, file, await files.readContent(ctx.from.id, file.id));
  });

  composer.callbackQuery(patterns.fileVersions, async (ctx) => {
    const file = await ownedFile(ctx, files, ctx.match[1]);
    if (!file) return;
    await ctx.answerCallbackQuery();
    // A page at a time: 130 versions in one message would pass Telegram's 4,096 characters.
    const versions = await files.versions(ctx.from.id, file.fileName);
    const pages = Math.max(1, Math.ceil(versions.length / VERSIONS_PAGE_SIZE));
    const pageNo = Math.min(Number(ctx.match[2] ?? 0), pages - 1);
    const items = versions.slice(pageNo * VERSIONS_PAGE_SIZE, (pageNo + 1) * VERSIONS_PAGE_SIZE);
    const lines = items.map((v) => ctx.t("version-line", { version: v.version, size: formatBytes(v.size), date: formatDate(v.updatedAt) }));
    const title = ctx.t("versions-title", { name: file.fileName, count: versions.length });
    const pager = pages > 1 ? "\n" + ctx.t("versions-page", { page: pageNo + 1, pages }) : "";
    await ctx.editMessageText(title + pager + "\n\n" + lines.join("\n"), {
      reply_markup: versionsKeyboard(ctx.t, { items, total: versions.length, page: pageNo, pages }, versions[0]?.id ?? file.id),
    });
  });

  composer.callbackQuery(patterns.fileDelete, async (ctx) => {
    const file = await ownedFile(ctx, files, ctx.match[1]);
    if (!file) return;
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t("file-delete-confirm", { name: file.fileName }), {
      reply_markup: deleteConfirmKeyboard(ctx.t, file),
    });
  });

  composer.callbackQuery(patterns.fileDeleteConfirm, async (ctx) => {
    const file = await ownedFile(ctx, files, ctx.match[1]);
    if (!file) return;
    await files.remove(ctx.from.id, file.id);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t("file-deleted", { name: file.fileName }), {
      reply_markup: undoKeyboard(ctx.t, file.id, ctx.session.filesPage),
    });
  });

  composer.callbackQuery(patterns.fileUndo, async (ctx) => {
    const restored = await files.undoRemove(ctx.from.id, ctx.match[1]!);
    if (!restored) return ctx.answerCallbackQuery({ text: ctx.t("file-undo-failed"), show_alert: true });
    await ctx.answerCallbackQuery({ text: ctx.t("file-undo-done") });
    await ctx.editMessageText(fileHeader(ctx, restored, true), {
      reply_markup: fileDetailKeyboard(ctx.t, restored, true, ctx.session.filesPage),
    });
  });

  return composer;
}

function fileLine(ctx: BotContext, f: FileSummary): string {
  return ctx.t("files-line", { name: f.fileName, language: f.language, version: f.version, size: formatBytes(f.size) });
}

export function fileHeader(ctx: BotContext, file: FileSummary, isLatest: boolean): string {
  const lines = [
    ctx.t("file-detail", {
      name: file.fileName,
      language: file.language,
      version: file.version,
      size: formatBytes(file.size),
      updated: formatDate(file.updatedAt),
    }),
  ];
  if (!isLatest) lines.push(ctx.t("file-old-version"));
  if (file.tags.length) lines.push(ctx.t("file-tags", { tags: formatTags(file.tags) }));
  if (file.note) lines.push(ctx.t("file-note", { note: file.note }));
  return lines.join("\n");
}

async function sendAsDocument(ctx: BotContext, file: FileSummary, content: string) {
  const baseName = file.fileName.split("/").pop()!;
  await ctx.replyWithDocument(new InputFile(Buffer.from(content, "utf8"), baseName), {
    caption: ctx.t("file-document-caption", { name: file.fileName, version: file.version }),
  });
}
