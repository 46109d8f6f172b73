/**
 * Which codevault files on a user's Drive to delete: all but the newest `keep` (0 keeps all),
 * never a copy of a 🏆-rated backup. Pure.
 */
export interface DriveCandidate {
  id: string;
  createdTime: string;
  backupId?: string;
}

export function driveFilesToDelete(files: DriveCandidate[], keep: number, protectedBackupIds: ReadonlySet<string>): string[] {
  if (keep <= 0) return [];
  const newestFirst = [...files].sort((a, b) => (a.createdTime < b.createdTime ? 1 : a.createdTime > b.createdTime ? -1 : 0));
  return newestFirst
    .slice(keep)
    .filter((f) => !(f.backupId && protectedBackupIds.has(f.backupId)))
    .map((f) => f.id);
}
