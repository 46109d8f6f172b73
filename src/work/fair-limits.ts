/**
 * Fairness limits that keep one user from filling the server: how many backups (and how many
 * bytes of them) a user keeps on the server, and how many archives they bring in per hour. The
 * rules are pure; BackupService and ImportQuota apply them and throw LimitError. No Telegram.
 */
export type LimitCode = "backups_full" | "imports_per_hour";

/** A fairness limit was reached; nothing was written. `details` holds the numbers the message needs. */
export class LimitError extends Error {
  constructor(
    readonly code: LimitCode,
    readonly details: Record<string, number>,
  ) {
    super(`limit reached: ${code}`);
    this.name = "LimitError";
  }
}

/** Backups one user keeps on the server, all kinds together (count and stored ZIP bytes). */
export interface BackupCap {
  maxBackups: number;
  maxBytes: number;
}

export const DEFAULT_BACKUP_CAP: Readonly<BackupCap> = Object.freeze({ maxBackups: 100, maxBytes: 2048 * 1024 * 1024 });
export const DEFAULT_IMPORTS_PER_HOUR = 20;
export const HOUR_MS = 3_600_000;

export interface BackupUsage {
  count: number;
  bytes: number;
}

/**
 * The error for adding a backup of `adding` bytes to what stays after rotation (`kept`), or
 * undefined when it fits. A backup of unknown size (not written yet) passes `adding` = 0: it is
 * checked again once its size is known.
 */
export function backupCapError(kept: BackupUsage, adding: number, cap: BackupCap): LimitError | undefined {
  if (kept.count + 1 <= cap.maxBackups && kept.bytes + adding <= cap.maxBytes) return undefined;
  return new LimitError("backups_full", { count: kept.count, bytes: kept.bytes, maxBackups: cap.maxBackups, maxBytes: cap.maxBytes });
}

/**
 * Imports in the last hour (their start times) against the hourly cap: undefined when one more
 * may start now, else the error with the minutes until the oldest one leaves the window.
 */
export function importCapError(startedAt: readonly Date[], now: Date, maxPerHour: number): LimitError | undefined {
  const since = now.getTime() - HOUR_MS;
  const recent = startedAt.map((d) => d.getTime()).filter((t) => t > since).sort((a, b) => a - b);
  if (recent.length < maxPerHour) return undefined;
  // The one whose leaving makes room: with `max` allowed, the (count - max + 1)-th oldest.
  const freesAt = recent[recent.length - maxPerHour]! + HOUR_MS;
  return new LimitError("imports_per_hour", { max: maxPerHour, minutes: Math.max(1, Math.ceil((freesAt - now.getTime()) / 60_000)) });
}
