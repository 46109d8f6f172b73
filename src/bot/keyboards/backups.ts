import { InlineKeyboard } from "grammy";
import type { BackupSummary } from "../../backups/backup-types.js";
import type { Page } from "../../files/file-types.js";
import { cb } from "../callback-data.js";
import { formatDate } from "../format.js";

type T = (key: string, vars?: Record<string, string | number>) => string;

export const RATING_ICON = { excellent: "🏆", good: "👍", ok: "🤷" } as const;

export function backupsMenuKeyboard(t: T): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("btn-backup-create"), cb.backupCreate(false))
    .row()
    .text(t("btn-backup-create-history"), cb.backupCreate(true))
    .row()
    .text(t("btn-backup-list"), cb.backupList(0))
    .row()
    .text(t("btn-home"), cb.menu("home"));
}

function label(b: BackupSummary): string {
  const icon = (b.rating ? ` ${RATING_ICON[b.rating]}` : "") + (b.driveCopy ? (b.driveCopy.encrypted ? " ☁️🔒" : " ☁️") : "");
  return `📦 ${formatDate(b.createdAt).replace(" UTC", "")} · ${b.fileCount}${icon}`;
}

function pager(kb: InlineKeyboard, t: T, page: Page<BackupSummary>, data: (p: number) => string) {
  if (page.pages <= 1) return;
  if (page.page > 0) kb.text(t("btn-prev"), data(page.page - 1));
  if (page.page < page.pages - 1) kb.text(t("btn-next"), data(page.page + 1));
  kb.row();
}

export function backupListKeyboard(t: T, page: Page<BackupSummary>): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const b of page.items) kb.text(label(b), cb.backupOpen(b.id)).row();
  pager(kb, t, page, cb.backupList);
  if (page.total > 0) kb.text(t("btn-backup-select"), cb.backupSelectPage(page.page)).row();
  return kb.text(t("btn-backups-menu"), cb.menu("backups"));
}

export function backupSelectKeyboard(t: T, page: Page<BackupSummary>, selected: string[]): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const b of page.items) {
    kb.text(`${selected.includes(b.id) ? "✅" : "⬜"} ${label(b).slice(3)}`, cb.backupToggle(b.id, page.page)).row();
  }
  pager(kb, t, page, cb.backupSelectPage);
  if (selected.length) kb.text(t("btn-backup-delete-selected", { count: selected.length }), cb.backupDeleteSelected).row();
  return kb.text(t("btn-cancel"), cb.backupSelectCancel);
}

export function backupDetailKeyboard(t: T, b: BackupSummary, backPage: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("btn-backup-restore"), cb.backupRestore(b.id))
    .row()
    .text(t("btn-download"), cb.backupDownload(b.id))
    .text(t("btn-backup-verify"), cb.backupVerify(b.id))
    .row()
    .text(t("btn-backup-rate"), cb.backupRateMenu(b.id))
    .text(t("btn-note"), cb.backupNote(b.id))
    .row()
    .text(t("btn-backup-drive"), cb.driveUploadBackup(b.id))
    .row()
    .text(t("btn-delete"), cb.backupDelete(b.id))
    .row()
    .text(t("btn-back-backups"), cb.backupList(backPage));
}

/** /restore: pick one of the newest backups. */
export function restorePickKeyboard(t: T, page: Page<BackupSummary>): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const b of page.items) kb.text(label(b), cb.backupRestore(b.id)).row();
  pager(kb, t, page, cb.restoreList);
  return kb.text(t("btn-home"), cb.menu("home"));
}

export function rateKeyboard(t: T, b: BackupSummary): InlineKeyboard {
  return new InlineKeyboard()
    .text(`🏆 ${t("rating-excellent")}`, cb.backupRate(b.id, "excellent"))
    .text(`👍 ${t("rating-good")}`, cb.backupRate(b.id, "good"))
    .text(`🤷 ${t("rating-ok")}`, cb.backupRate(b.id, "ok"))
    .row()
    .text(t("btn-back-backup"), cb.backupOpen(b.id));
}

export function confirmKeyboard(t: T, yes: string, no: string): InlineKeyboard {
  return new InlineKeyboard().text(t("btn-confirm-delete"), yes).text(t("btn-cancel"), no);
}
