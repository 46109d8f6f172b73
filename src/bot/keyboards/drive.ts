import { InlineKeyboard } from "grammy";
import type { DriveStatus } from "../../drive/drive-service.js";
import { cb } from "../callback-data.js";
import type { Translate as T } from "../html.js";

/** ☁️ Google Drive: what can be done from here depends on whether Drive is set up and connected. */
export function driveMenuKeyboard(t: T, status: DriveStatus, opts: { schedule?: boolean; tryNowBackupId?: string } = {}): InlineKeyboard {
  const kb = new InlineKeyboard();
  if (status.availability === "ready") {
    if (!status.connected) {
      kb.text(t("btn-drive-connect"), cb.driveConnect).row();
      if (opts.schedule) kb.text(t("btn-schedule"), cb.scheduleMenu).row();
    } else {
      kb.text(t("btn-drive-upload"), cb.driveUpload).row();
      if (opts.tryNowBackupId) kb.text(t("btn-schedule-try-now"), cb.scheduleTryNow(opts.tryNowBackupId)).row();
      if (opts.schedule) kb.text(t("btn-schedule"), cb.scheduleMenu).row();
      if (status.keep > 0) kb.text(t("btn-drive-keep", { keep: status.keep }), cb.driveKeep).row();
      kb.text(t("btn-drive-disconnect"), cb.driveDisconnect).row();
    }
  }
  return kb.text(t("btn-home"), cb.menu("home"));
}

/** The device-flow prompt: a button that opens Google's page, and one that stops waiting. */
export function driveConnectKeyboard(t: T, verificationUrl: string): InlineKeyboard {
  return new InlineKeyboard()
    .url(t("btn-drive-open-google", { url: verificationUrl.replace(/^https?:\/\/(www\.)?/, "") }), verificationUrl)
    .row()
    .text(t("btn-cancel"), cb.driveConnectCancel);
}

/** After a connect attempt, an upload or a failure: the next sensible step. */
export function driveNextKeyboard(t: T, next: { connect?: boolean; retryBackupId?: string; upload?: boolean }): InlineKeyboard {
  const kb = new InlineKeyboard();
  if (next.retryBackupId) kb.text(t("btn-drive-retry"), cb.driveUploadBackup(next.retryBackupId)).row();
  if (next.connect) kb.text(t("btn-drive-connect"), cb.driveConnect).row();
  if (next.upload) kb.text(t("btn-drive-upload"), cb.driveUpload).row();
  return kb.text(t("btn-drive-menu"), cb.menu("drive"));
}

export function driveDisconnectKeyboard(t: T): InlineKeyboard {
  return new InlineKeyboard().text(t("btn-drive-disconnect"), cb.driveDisconnectConfirm).text(t("btn-cancel"), cb.menu("drive"));
}
