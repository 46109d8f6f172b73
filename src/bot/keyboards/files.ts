import { InlineKeyboard } from "grammy";
import type { FileSummary, Page } from "../../files/file-types.js";
import { cb } from "../callback-data.js";

type T = (key: string, vars?: Record<string, string | number>) => string;

export function fileListKeyboard(t: T, page: Page<FileSummary>): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const file of page.items) kb.text(`📄 ${file.fileName}`, cb.fileOpen(file.id)).row();
  if (page.pages > 1) {
    if (page.page > 0) kb.text(t("btn-prev"), cb.filesPage(page.page - 1));
    if (page.page < page.pages - 1) kb.text(t("btn-next"), cb.filesPage(page.page + 1));
    kb.row();
  }
  return kb.text(t("btn-home"), cb.menu("home"));
}

export function fileDetailKeyboard(t: T, file: FileSummary, isLatest: boolean, backPage: number): InlineKeyboard {
  const kb = new InlineKeyboard();
  if (!isLatest) {
    return kb.text(t("btn-download"), cb.fileDownload(file.id)).row().text(t("btn-back-versions"), cb.fileVersions(file.id));
  }
  return kb
    .text(t("btn-versions"), cb.fileVersions(file.id))
    .text(t("btn-download"), cb.fileDownload(file.id))
    .row()
    .text(t("btn-note"), cb.fileNote(file.id))
    .text(t("btn-tags"), cb.fileTags(file.id))
    .row()
    .text(t("btn-delete"), cb.fileDelete(file.id))
    .row()
    .text(t("btn-back-files"), cb.filesPage(backPage));
}

/** One page of versions (newest first), a pager when there are more, and the way back to the latest. */
export function versionsKeyboard(t: T, page: Page<FileSummary>, latestId: string): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const v of page.items) {
    kb.text(t("version-button", { version: v.version, date: v.updatedAt.toISOString().slice(0, 10) }), cb.fileOpen(v.id)).row();
  }
  if (page.pages > 1) {
    if (page.page > 0) kb.text(t("btn-prev"), cb.fileVersions(latestId, page.page - 1));
    if (page.page < page.pages - 1) kb.text(t("btn-next"), cb.fileVersions(latestId, page.page + 1));
    kb.row();
  }
  return kb.text(t("btn-back-file"), cb.fileOpen(latestId));
}

export function deleteConfirmKeyboard(t: T, file: FileSummary): InlineKeyboard {
  return new InlineKeyboard().text(t("btn-confirm-delete"), cb.fileDeleteConfirm(file.id)).text(t("btn-cancel"), cb.fileOpen(file.id));
}

export function undoKeyboard(t: T, fileId: string, backPage: number): InlineKeyboard {
  return new InlineKeyboard().text(t("btn-undo"), cb.fileUndo(fileId)).text(t("btn-back-files"), cb.filesPage(backPage));
}
