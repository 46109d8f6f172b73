import type { DriveError } from "../drive/drive-errors.js";
import type { DriveStatus, DriveUploadResult } from "../drive/drive-service.js";
import { errorText } from "./error-messages.js";
import { formatBytes, formatDate } from "./format.js";
import { raw, type Translate as T } from "./html.js";

/** ☁️ Google Drive: set up? connected as whom? the last upload and the copies on Drive. */
export function driveStatusText(t: T, s: DriveStatus): string {
  if (s.availability === "not_configured") return t("drive-not-configured");
  if (s.availability === "no_key") return t("drive-no-key");
  const lines = [t("drive-title"), ""];
  if (!s.connected) {
    if (s.disconnectReason === "revoked") lines.push(t("drive-disconnected-revoked"));
    else if (s.disconnectReason === "key_unknown") lines.push(t("drive-disconnected-key"));
    else lines.push(t("drive-not-connected"));
    return lines.join("\n");
  }
  lines.push(t("drive-connected-as", { email: s.email ?? "" }));
  const last = s.lastUpload;
  if (!last) lines.push(t("drive-last-upload-none"));
  else if (last.ok) lines.push(t("drive-last-upload-ok", { date: formatDate(last.at) }));
  else lines.push(t("drive-last-upload-failed", { date: formatDate(last.at), reason: raw(reasonText(t, last.code ?? "unexpected")) }));
  lines.push(s.keep > 0 ? t("drive-copies", { count: s.copies, keep: s.keep }) : t("drive-copies-all", { count: s.copies }));
  if (s.encryptedCopies > 0) lines.push(t("drive-copies-encrypted", { count: s.encryptedCopies }));
  if (s.privateCopies) lines.push(t("drive-privacy-on"));
  return lines.join("\n");
}

/** One sentence for a DriveError code (or "backup_failed"), from the bot's one error mapping. */
export function reasonText(t: T, code: string): string {
  return errorText(t, { kind: "drive", code });
}

/** What failed, that the backup is safe, and for a transient failure that trying again may help. */
export function uploadFailedText(t: T, err: { code: string; kind: DriveError["kind"] }, backupExists: boolean, retryAt?: string): string {
  const lines = [t("drive-upload-failed", { reason: raw(reasonText(t, err.code)) })];
  if (backupExists) lines.push(t("drive-backup-safe"));
  if (retryAt) lines.push(t("drive-retry-scheduled", { date: retryAt }));
  else if (err.kind === "transient") lines.push(t("drive-retry-hint"));
  return lines.join("\n");
}

export function uploadDoneText(t: T, result: DriveUploadResult, name: string, notes: { reusedFrom?: Date }): string {
  const vars = { name: name, size: formatBytes(result.size) };
  const lines = [result.webViewLink ? t("drive-upload-ok", { ...vars, link: result.webViewLink }) : t("drive-upload-ok-nolink", vars)];
  if (notes.reusedFrom) lines.push(t("drive-upload-reused", { date: formatDate(notes.reusedFrom) }));
  if (result.reused) lines.push(t("drive-upload-was-there"));
  if (result.encrypted) lines.push(t("drive-upload-encrypted"));
  if (result.pruned > 0) lines.push(t("drive-pruned", { count: result.pruned }));
  return lines.join("\n");
}
