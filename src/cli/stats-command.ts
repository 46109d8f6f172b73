import type { Services } from "../app.js";
import { positionalCount, type CommandSpec } from "./command.js";
import { bytesText, fields } from "./format.js";

export interface LibraryStats {
  /** Distinct user ids with anything in `files` (deleted versions included). */
  users: number;
  /** Latest live version of each (user, name). */
  files: number;
  fileBytes: number;
  /** Every live (not deleted) version. */
  versions: number;
  versionBytes: number;
  deletedVersions: number;
  backups: number;
  /** Sum of the backups' uncompressed file sizes. */
  backupFileBytes: number;
  backupZipBytes: number;
}

/** Whole-database counts; aggregations only (no contents read, no per-user loops). */
export async function collectStats({ bulk, backups }: Services): Promise<LibraryStats> {
  const library = await bulk.totals();
  const [stored] = await backups.backups
    .aggregate<{ n: number; files: number; zip: number }>([
      { $group: { _id: null, n: { $sum: 1 }, files: { $sum: "$totalSize" }, zip: { $sum: "$zipSize" } } },
    ])
    .toArray();
  return {
    ...library,
    backups: stored?.n ?? 0,
    backupFileBytes: stored?.files ?? 0,
    backupZipBytes: stored?.zip ?? 0,
  };
}

export const statsCommand: CommandSpec = {
  words: ["stats"],
  usage: "stats",
  summary: "users, files, versions, backups and their bytes, over the whole database",
  options: {},
  prepare(_values, positionals) {
    positionalCount(positionals, 0, 0, "");
    return async ({ services, out }) => {
      const s = await collectStats(services);
      for (const line of fields([
        ["users", String(s.users)],
        ["files", `${s.files}  (latest live version of each name)`],
        ["versions", `${s.versions}  (live versions, latest and older)`],
        ["deleted versions", String(s.deletedVersions)],
        ["backups", String(s.backups)],
        ["file bytes", `${bytesText(s.fileBytes)}  (latest versions)`],
        ["version bytes", `${bytesText(s.versionBytes)}  (all live versions)`],
        ["backup bytes", `${bytesText(s.backupFileBytes)}  (files inside the backups, uncompressed)`],
        ["backup zip bytes", `${bytesText(s.backupZipBytes)}  (stored ZIPs)`],
      ]))
        out(line);
      return 0;
    };
  },
};
