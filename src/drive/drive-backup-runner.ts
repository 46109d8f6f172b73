import type { BackupService } from "../backups/backup-service.js";
import type { BackupSummary } from "../backups/backup-types.js";
import type { BackupDriveCopies } from "../backups/drive-copies.js";
import type { FileLibrary } from "../files/file-library.js";
import type { BackupRunner, RunOptions, RunOutcome } from "../jobs/index.js";
import { DriveError } from "./drive-errors.js";
import type { DriveService } from "./drive-service.js";

/**
 * What a scheduled run does, over the services (for DriveScheduler's `runner`): reuse the backup
 * of a retry, or stop at "unchanged" when the library has not changed since the newest backup
 * that has a verified Drive copy, or make a fresh backup; then DriveService.upload it under the
 * slot's idempotency key (which also applies Drive retention).
 */
export class DriveBackupRunner implements BackupRunner {
  constructor(private readonly deps: { files: FileLibrary; backups: BackupService; copies: BackupDriveCopies; drive: DriveService }) {}

  async run(userId: number, opts: RunOptions): Promise<RunOutcome> {
    const { files, backups, copies, drive } = this.deps;
    let backup: BackupSummary | undefined;
    if (opts.backupIdForRetry) {
      backup = await backups.get(userId, opts.backupIdForRetry);
      if (!backup) throw new DriveError("backup_missing");
    } else {
      const fingerprint = await files.fingerprint(userId);
      const sameId = await copies.newestWithFingerprint(userId, fingerprint);
      const same = sameId ? await backups.get(userId, sameId) : undefined;
      if (same?.driveCopy) return { status: "unchanged", backupId: same.id };
      // A Drive copy protects data: never refused by the per-user backup cap (its kind rotates).
      backup = same ?? (await backups.create(userId, { capped: false }));
      if (!same) await copies.setFingerprint(userId, backup.id, fingerprint);
    }
    await opts.backupReady(backup.id);
    let lastTouch = Date.now();
    const result = await drive.upload(userId, backup.id, {
      idempotencyKey: opts.idempotencyKey,
      signal: opts.signal,
      onProgress: () => {
        if (Date.now() - lastTouch < 30_000) return;
        lastTouch = Date.now();
        void opts.touch().catch(() => {});
      },
    });
    return {
      status: "uploaded",
      backupId: backup.id,
      fileId: result.fileId,
      size: result.size,
      reused: result.reused,
      pruned: result.pruned,
      ...(result.webViewLink ? { webViewLink: result.webViewLink } : {}),
    };
  }
}
