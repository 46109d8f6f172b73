import { MAX_BACKUP_NOTE_LENGTH } from "../backups/backup-service.js";
import { BackupError } from "../backups/backup-types.js";
import { DriveError } from "../drive/drive-errors.js";
import { FileError } from "../files/file-types.js";
import { MAX_NOTE_LENGTH } from "../files/tags.js";
import { GitHubError } from "../imports/github.js";
import { ArchiveError } from "../archive/archive-loader.js";
import { RestoreError } from "../restore/restore-types.js";
import { raw, type MessageVars, type Translate } from "./html.js";
import { DownloadTooLargeError } from "./telegram-files.js";
import { HeavyJobBusyError } from "../work/heavy-jobs.js";
import { LimitError } from "../work/fair-limits.js";
import { formatBytes } from "./format.js";

/**
 * The one mapping from service errors to what the user is told. Handlers and the error
 * boundary both use it; conversations keep the plain `ErrorInfo` in their replay log.
 */
export type ErrorInfo =
  | { kind: "file" | "backup" | "restore" | "github" | "drive"; code: string }
  | { kind: "archive"; code: string; entry?: string; limit?: number }
  | { kind: "download_too_large" }
  | { kind: "busy"; running: string }
  | { kind: "limit"; code: string; details: Record<string, number> };

/** A service error we have words for, as plain JSON; undefined for anything else (a bug, an outage). */
export function knownError(error: unknown): ErrorInfo | undefined {
  if (error instanceof FileError) return { kind: "file", code: error.code };
  if (error instanceof BackupError) return { kind: "backup", code: error.code };
  if (error instanceof RestoreError) return { kind: "restore", code: error.code };
  if (error instanceof GitHubError) return { kind: "github", code: error.code };
  if (error instanceof ArchiveError) {
    return { kind: "archive", code: error.code, ...(error.entry === undefined ? {} : { entry: error.entry }), ...(error.limit === undefined ? {} : { limit: error.limit }) };
  }
  if (error instanceof DownloadTooLargeError) return { kind: "download_too_large" };
  if (error instanceof DriveError) return { kind: "drive", code: error.code };
  if (error instanceof HeavyJobBusyError) return { kind: "busy", running: error.running };
  if (error instanceof LimitError) return { kind: "limit", code: error.code, details: { ...error.details } };
  return undefined;
}

const BACKUP_KEYS: Record<string, string> = {
  not_found: "backup-not-found",
  create_failed: "backup-create-failed",
  note_too_long: "backup-note-too-long",
};

/** The message for a known error. `vars` fills what only the caller knows (e.g. the repository). */
export function errorText(t: Translate, info: ErrorInfo, vars: MessageVars = {}): string {
  switch (info.kind) {
    case "file":
      return translated(t, `file-error-${info.code}`, { max: String(MAX_NOTE_LENGTH) }) ?? t("error-generic");
    case "backup":
      return Object.hasOwn(BACKUP_KEYS, info.code) ? t(BACKUP_KEYS[info.code]!, { max: String(MAX_BACKUP_NOTE_LENGTH) }) : t("button-expired");
    case "restore":
      if (info.code === "apply_failed") return t("restore-failed-rolled-back");
      if (info.code === "source_missing") return archiveProblem(t, info.code);
      return translated(t, `restore-error-${info.code}`, vars) ?? t("error-generic");
    case "github":
      return translated(t, `github-error-${info.code}`, { repo: "", ...vars }) ?? t("error-generic");
    case "archive":
      return archiveProblem(t, info.code, info.entry, info.limit);
    case "download_too_large":
      return archiveProblem(t, "too_large");
    case "drive":
      // One sentence per DriveError code (and "backup_failed" when the backup to upload could not be made).
      return translated(t, `drive-reason-${info.code}`, {}) ?? t("drive-reason-unexpected");
    case "busy":
      return t("heavy-busy", { job: raw(translated(t, `heavy-job-${info.running}`, {}) ?? info.running) });
    case "limit":
      return limitText(t, info.code, info.details);
  }
}

/** A fairness limit (work/fair-limits.ts): what was reached, the numbers, and what the user can do. */
function limitText(t: Translate, code: string, d: Record<string, number>): string {
  if (code === "backups_full")
    return t("limit-backups-full", { count: d.count ?? 0, size: formatBytes(d.bytes ?? 0), max: d.maxBackups ?? 0, maxSize: formatBytes(d.maxBytes ?? 0) });
  if (code === "imports_per_hour") return t("limit-imports-per-hour", { max: d.max ?? 0, minutes: d.minutes ?? 0 });
  return t("error-generic");
}

/** "I cannot use this archive: <reason>. Nothing was changed." */
function archiveProblem(t: Translate, code: string, entry?: string, limit?: number): string {
  const reason = translated(t, `archive-error-${code}`, { entry: entry ?? "", max: limit ?? 0 }) ?? t("archive-error-corrupt", { entry: "" });
  return t("restore-invalid", { reason: raw(reason) });
}

/** The translation, or undefined when the locale has no such key (a code added to a service later). */
function translated(t: Translate, key: string, vars: MessageVars): string | undefined {
  const text = t(key, vars);
  return text === key ? undefined : text;
}

/** Known error → its message; anything else → undefined (the error boundary says "something went wrong"). */
export function userMessage(t: Translate, error: unknown, vars?: MessageVars): string | undefined {
  const info = knownError(error);
  return info && errorText(t, info, vars);
}
