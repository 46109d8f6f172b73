import type { BackupService } from "../backups/backup-service.js";
import type { BackupDriveCopies } from "../backups/drive-copies.js";
import type { SelfChecker, SelfCheckProblem, SelfCheckResult } from "../jobs/index.js";
import type { DriveCopyCheck } from "./drive-copy-check.js";

/**
 * The weekly self-check of one user (DriveScheduler's `checker`): re-verify the newest backup
 * (the ZIP's sha256 and every file's sha256, BackupService.verify), compare its Drive copy's
 * md5Checksum with the MD5 recorded at upload time (a copy that differs or is gone is no longer
 * counted as verified, so the next run uploads it again), then apply server-side retention.
 */
export class DriveSelfChecker implements SelfChecker {
  constructor(private readonly deps: { backups: BackupService; copies: BackupDriveCopies; copyCheck: DriveCopyCheck }) {}

  users(): Promise<number[]> {
    return this.deps.backups.userIds();
  }

  async check(userId: number, ctx: { touch(): Promise<void>; signal: AbortSignal }): Promise<SelfCheckResult> {
    const { backups, copies, copyCheck } = this.deps;
    const newest = (await backups.list(userId, { pageSize: 1 })).items[0];
    if (!newest) return { problems: [] };
    const problems: SelfCheckProblem[] = [];
    const verified = await backups.verify(userId, newest.id);
    if (!verified.ok) problems.push({ kind: "backup_corrupt", backupId: newest.id });
    await ctx.touch();
    if (newest.driveCopy) {
      const copy = await copyCheck.check(userId, newest.driveCopy, ctx.signal);
      if (copy === "mismatch" || copy === "missing") {
        await copies.clear(userId, newest.id);
        problems.push({ kind: copy === "mismatch" ? "drive_copy_mismatch" : "drive_copy_missing", backupId: newest.id });
      }
    }
    const pruned = await backups.applyRetention(userId, { protect: [newest.id] });
    return { problems, pruned };
  }
}
